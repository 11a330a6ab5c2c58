//===- Wrapper.cpp - C entry points of ahead-of-time kernels --------------===//

#include "tools/recurc/Wrapper.h"
#include "runtime/CApi.h"
#include "runtime/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

using namespace recur;
using namespace recur::aot;

namespace {

struct TypeInfo {
  const char *llvm; // LLVM IR type of the C parameter
  const char *c;    // C type (pointee for pointers)
  recur_arg_kind_t kind;
};

const std::map<std::string, TypeInfo> &scalarTypes() {
  static const std::map<std::string, TypeInfo> types = {
      {"i8", {"i8", "int8_t", RECUR_ARG_I8}},
      {"u8", {"i8", "uint8_t", RECUR_ARG_I8}},
      {"i16", {"i16", "int16_t", RECUR_ARG_I16}},
      {"u16", {"i16", "uint16_t", RECUR_ARG_I16}},
      {"i32", {"i32", "int32_t", RECUR_ARG_I32}},
      {"u32", {"i32", "uint32_t", RECUR_ARG_I32}},
      {"i64", {"i64", "int64_t", RECUR_ARG_I64}},
      {"u64", {"i64", "uint64_t", RECUR_ARG_I64}},
      {"fp16", {"i16", "uint16_t", RECUR_ARG_I16}},
      {"bf16", {"i16", "uint16_t", RECUR_ARG_I16}},
      {"fp32", {"float", "float", RECUR_ARG_F32}},
      {"fp64", {"double", "double", RECUR_ARG_F64}},
  };
  return types;
}

bool isPointer(const Argument &argument) { return argument.type[0] == '*'; }

const TypeInfo &typeOf(const Argument &argument) {
  std::string base =
      isPointer(argument) ? argument.type.substr(1) : argument.type;
  auto it = scalarTypes().find(base);
  bool scalarHalf = !isPointer(argument) && (base == "fp16" || base == "bf16");
  if (it == scalarTypes().end() || scalarHalf)
    throw Error(Status::InvalidArgument,
                "argument '" + argument.name + "' has type '" + argument.type +
                    "', which recurc cannot pass from C");
  return it->second;
}

bool isInteger(const Argument &argument) {
  return !isPointer(argument) && argument.type[0] != 'f' &&
         argument.type[0] != 'b';
}

/// Emits IR instructions for one grid expression, returning the i64 value.
class GridExpression {
public:
  GridExpression(const std::string &text,
                 const std::map<std::string, Argument> &integers,
                 std::ostringstream &ir, int &counter)
      : text_(text), integers_(integers), ir_(ir), counter_(counter) {}

  std::string parse() {
    std::string value = sum();
    skipSpace();
    if (pos_ != text_.size())
      fail("unexpected '" + text_.substr(pos_) + "'");
    return value;
  }

private:
  [[noreturn]] void fail(const std::string &what) {
    throw Error(Status::InvalidArgument,
                "grid expression '" + text_ + "': " + what);
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(text_[pos_]))
      ++pos_;
  }
  bool accept(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c))
      fail(std::string("expected '") + c + "'");
  }
  std::string fresh() { return "%g" + std::to_string(counter_++); }
  std::string binary(const char *op, const std::string &a,
                     const std::string &b) {
    std::string value = fresh();
    ir_ << "  " << value << " = " << op << " i64 " << a << ", " << b << "\n";
    return value;
  }
  std::string select(const char *predicate, const std::string &a,
                     const std::string &b) {
    std::string test = fresh(), value = fresh();
    ir_ << "  " << test << " = icmp " << predicate << " i64 " << a << ", " << b
        << "\n  " << value << " = select i1 " << test << ", i64 " << a
        << ", i64 " << b << "\n";
    return value;
  }
  std::string sum() {
    std::string value = product();
    while (true) {
      if (accept('+'))
        value = binary("add", value, product());
      else if (accept('-'))
        value = binary("sub", value, product());
      else
        return value;
    }
  }
  std::string product() {
    std::string value = atom();
    while (true) {
      if (accept('*'))
        value = binary("mul", value, atom());
      else if (accept('/'))
        value = binary("sdiv", value, atom());
      else if (accept('%'))
        value = binary("srem", value, atom());
      else
        return value;
    }
  }
  std::string atom() {
    skipSpace();
    if (accept('(')) {
      std::string value = sum();
      expect(')');
      return value;
    }
    if (accept('-'))
      return binary("sub", "0", atom());
    if (pos_ < text_.size() && std::isdigit(text_[pos_])) {
      size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(text_[pos_]))
        ++pos_;
      return text_.substr(start, pos_ - start);
    }
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(text_[pos_]) || text_[pos_] == '_'))
      ++pos_;
    std::string name = text_.substr(start, pos_ - start);
    if (name.empty())
      fail(pos_ < text_.size() ? "unexpected '" + text_.substr(pos_) + "'"
                               : "unexpected end");
    if (name == "cdiv" || name == "min" || name == "max") {
      expect('(');
      std::string a = sum();
      expect(',');
      std::string b = sum();
      expect(')');
      if (name == "min")
        return select("slt", a, b);
      if (name == "max")
        return select("sgt", a, b);
      std::string bump = binary("add", a, binary("sub", b, "1"));
      return binary("sdiv", bump, b);
    }
    auto it = integers_.find(name);
    if (it == integers_.end())
      fail("'" + name + "' is not an integer argument");
    const TypeInfo &type = typeOf(it->second);
    if (std::string(type.llvm) == "i64")
      return "%" + name;
    std::string value = fresh();
    ir_ << "  " << value << " = "
        << (it->second.type[0] == 'u' ? "zext " : "sext ") << type.llvm << " %"
        << name << " to i64\n";
    return value;
  }

  const std::string &text_;
  const std::map<std::string, Argument> &integers_;
  std::ostringstream &ir_;
  int &counter_;
  size_t pos_ = 0;
};

std::vector<std::string> splitGrid(const std::string &grid) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : grid) {
    if (c == '(')
      ++depth;
    if (c == ')')
      --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  if (parts.size() > 3 || (parts.size() == 1 && parts[0].empty()))
    throw Error(Status::InvalidArgument,
                "grid '" + grid + "' must have one to three expressions");
  while (parts.size() < 3)
    parts.push_back("1");
  return parts;
}

/// An LLVM string constant's text for `text` (escaped).
std::string stringConstant(const std::string &name, const std::string &text) {
  std::ostringstream out;
  out << "@" << name << " = private unnamed_addr constant [" << text.size() + 1
      << " x i8] c\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\' || c < 32 || c > 126) {
      static const char *hex = "0123456789ABCDEF";
      out << '\\' << hex[c >> 4] << hex[c & 15];
    } else {
      out << c;
    }
  }
  out << "\\00\"\n";
  return out.str();
}

/// Defines `value` (i1): true when `argument` breaks its specialisation
/// (a pointer not 16-byte aligned, an integer not divisible by 16 or not 1).
void emitBreach(std::ostream &body, const Argument &argument,
                const std::string &value) {
  const std::string &n = argument.name;
  const char *type = isPointer(argument) ? "i64" : typeOf(argument).llvm;
  std::string operand = "%" + n;
  if (isPointer(argument)) {
    body << "  " << value << ".address = ptrtoint ptr %" << n << " to i64\n";
    operand = value + ".address";
  }
  if (argument.spec == "16") {
    body << "  " << value << ".low = and " << type << " " << operand
         << ", 15\n  " << value << " = icmp ne " << type << " " << value
         << ".low, 0\n";
  } else {
    body << "  " << value << " = icmp ne " << type << " " << operand << ", 1\n";
  }
}

} // namespace

namespace {

/// The wrapper's IR: `gpu` null for a CPU kernel whose packed entry is
/// `packedEntry`.
std::string wrapperIR(const WrapperSpec &spec, const std::string &packedEntry,
                      const GpuBinary *gpu) {
  std::ostringstream globals, body;
  std::map<std::string, Argument> integers;
  std::vector<std::string> params;
  for (const Argument &argument : spec.arguments) {
    const TypeInfo &type = typeOf(argument);
    params.push_back(std::string(isPointer(argument) ? "ptr" : type.llvm) +
                     " %" + argument.name);
    if (isInteger(argument))
      integers[argument.name] = argument;
  }

  // Argument checks: each failure sets the message and returns its status.
  int checks = 0;
  auto check = [&](const std::string &failed, const std::string &message) {
    std::string label = "check" + std::to_string(checks);
    std::string messageName = spec.name + ".message" + std::to_string(checks);
    globals << stringConstant(messageName, spec.name + ": " + message);
    body << "  br i1 " << failed << ", label %" << label << ".fail, label %"
         << label << ".ok\n"
         << label << ".fail:\n"
         << "  %" << label << ".status = call i32 @recur_set_error(i32 "
         << RECUR_ERROR_INVALID_ARGUMENT << ", ptr @" << messageName << ")\n"
         << "  ret i32 %" << label << ".status\n"
         << label << ".ok:\n";
    ++checks;
  };
  for (const Argument &argument : spec.arguments) {
    const std::string &n = argument.name;
    if (isPointer(argument)) {
      body << "  %" << n << ".null = icmp eq ptr %" << n << ", null\n";
      check("%" + n + ".null", "'" + n + "' is a null pointer");
    }
    if (argument.spec.empty())
      continue;
    emitBreach(body, argument, "%" + n + ".breach");
    check("%" + n + ".breach",
          "'" + n + "' " +
              (isPointer(argument)     ? "must be 16-byte aligned"
               : argument.spec == "16" ? "must be divisible by 16"
                                       : "must be 1") +
              " (the kernel was specialised for it)");
  }

  for (const Argument &argument : spec.arguments) {
    if (!argument.zeroFirst)
      continue;
    std::string pointee = typeOf(argument).llvm;
    if (!gpu) {
      body << "  store " << pointee << " "
           << (pointee == "float" || pointee == "double" ? "0.0" : "0")
           << ", ptr %" << argument.name << "\n";
      continue;
    }
    // Device memory: zeroed on the stream, before the launch.
    std::string n = argument.name;
    body << "  %" << n << ".zeroed = call i32 @recur_gpu_memset(ptr %stream, "
         << "ptr @" << spec.name << ".gpu, ptr %" << n << ", i32 0, i64 "
         << (pointee == "double" || pointee == "i64" ? 8 : 4) << ")\n"
         << "  %" << n << ".failed = icmp ne i32 %" << n << ".zeroed, 0\n"
         << "  br i1 %" << n << ".failed, label %" << n << ".fail, label %" << n
         << ".ok\n"
         << n << ".fail:\n  ret i32 %" << n << ".zeroed\n"
         << n << ".ok:\n";
  }

  int counter = 0;
  std::vector<std::string> grid;
  for (const std::string &part : splitGrid(spec.grid))
    grid.push_back(GridExpression(part, integers, body, counter).parse());

  // Kernel argument values, each in a slot of its own width, and their
  // kinds.
  std::vector<const Argument *> kernelArguments;
  for (const Argument &argument : spec.arguments)
    if (argument.toKernel)
      kernelArguments.push_back(&argument);
  size_t n = kernelArguments.size();
  body << "  %values = alloca [" << std::max<size_t>(n, 1) << " x ptr]\n";
  std::ostringstream kinds;
  for (size_t i = 0; i < n; ++i) {
    const Argument &argument = *kernelArguments[i];
    const TypeInfo &type = typeOf(argument);
    const char *slotType = isPointer(argument) ? "ptr" : type.llvm;
    body << "  %slot" << i << " = alloca " << slotType << "\n"
         << "  store " << slotType << " %" << argument.name << ", ptr %slot"
         << i << "\n"
         << "  %entry" << i << " = getelementptr [" << n << " x ptr], ptr "
         << "%values, i64 0, i64 " << i << "\n"
         << "  store ptr %slot" << i << ", ptr %entry" << i << "\n";
    kinds << (i ? ", " : "") << "i32 "
          << (isPointer(argument) ? RECUR_ARG_PTR : type.kind);
  }
  globals << "@" << spec.name << ".kinds = private unnamed_addr constant ["
          << std::max<size_t>(n, 1) << " x i32] ["
          << (n ? kinds.str() : std::string("i32 0")) << "]\n"
          << stringConstant(spec.name + ".kernel", spec.name);

  std::ostringstream ir;
  ir << "declare i32 @recur_set_error(i32, ptr)\n";
  if (gpu) {
    // recur_gpu_kernel_t, laid out as C lays it out.
    bool hip = spec.target.rfind("rocm:", 0) == 0;
    std::string binary =
        std::string(hip ? "__recur_hsaco_" : "__recur_cubin_") + spec.name;
    ir << "declare i32 @recur_gpu_launch(ptr, ptr, ptr, i64, i64, i64)\n"
       << "declare i32 @recur_gpu_memset(ptr, ptr, ptr, i32, i64)\n"
       << stringConstant(spec.name + ".function", gpu->function) << "@"
       << binary << " = internal constant [" << gpu->binary.size()
       << " x i8] c\"";
    static const char *hex = "0123456789ABCDEF";
    for (unsigned char c : gpu->binary)
      ir << '\\' << hex[c >> 4] << hex[c & 15];
    ir << "\", align 64\n@" << spec.name
       << ".gpu = internal global { ptr, ptr, ptr, i64, i32, i32, i32, ptr } "
       << "{ ptr @" << spec.name << ".kernel, ptr @" << spec.name
       << ".function, ptr @" << binary << ", i64 " << gpu->binary.size()
       << ", i32 " << (hip ? RECUR_GPU_HIP : RECUR_GPU_CUDA) << ", i32 "
       << gpu->threads << ", i32 " << gpu->sharedBytes << ", ptr null }\n";
  } else {
    ir << "declare i32 @recur_cpu_launch(ptr, ptr, ptr, ptr, ptr, i32, i64, "
          "i64, i64)\n"
       << "declare void @" << packedEntry << "(ptr)\n";
  }
  ir << globals.str() << "define i32 @" << spec.name << "(ptr %stream";
  for (const std::string &param : params)
    ir << ", " << param;
  ir << ") {\nentry:\n" << body.str();
  if (gpu)
    ir << "  %status = call i32 @recur_gpu_launch(ptr %stream, ptr @"
       << spec.name << ".gpu, ptr %values, i64 " << grid[0] << ", i64 "
       << grid[1] << ", i64 " << grid[2] << ")\n";
  else
    ir << "  %status = call i32 @recur_cpu_launch(ptr %stream, "
       << "ptr @" << spec.name << ".kernel, ptr @" << packedEntry << ", ptr @"
       << spec.name << ".kinds, ptr %values, i32 " << n << ", i64 " << grid[0]
       << ", i64 " << grid[1] << ", i64 " << grid[2] << ")\n";
  ir << "  ret i32 %status\n}\n";
  return ir.str();
}

} // namespace

bool recur::aot::isGpuTarget(const std::string &target) {
  return target.rfind("cuda:", 0) == 0 || target.rfind("rocm:", 0) == 0;
}

std::string recur::aot::buildWrapperIR(const WrapperSpec &spec,
                                       const std::string &packedEntry) {
  return wrapperIR(spec, packedEntry, nullptr);
}

std::string recur::aot::buildGpuWrapperIR(const WrapperSpec &spec,
                                          const GpuBinary &gpu) {
  return wrapperIR(spec, "", &gpu);
}

std::string recur::aot::buildHeader(const WrapperSpec &spec) {
  std::ostringstream h;
  std::string guard = "RECUR_AOT_" + spec.name + "_H";
  for (char &c : guard)
    c = std::toupper(static_cast<unsigned char>(c));
  h << "/* Generated by recurc: do not edit. */\n"
    << "#ifndef " << guard << "\n#define " << guard << "\n\n"
    << "#include <recur/recur.h>\n#include <stdint.h>\n\n"
    << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
    << "/* " << spec.description << "\n * Grid: (" << spec.grid << ").\n";
  for (const Argument &argument : spec.arguments)
    if (!argument.doc.empty())
      h << " * " << argument.name << ": " << argument.doc << "\n";
  if (isGpuTarget(spec.target)) {
    bool hip = spec.target.rfind("rocm:", 0) == 0;
    h << " * Pointers are device addresses. `stream` is a "
      << (hip ? "hipStream_t" : "CUstream") << " cast to recur_stream_t\n"
      << " * (NULL: the default stream); the launch is asynchronous. "
         "Without\n"
      << " * " << (hip ? "HIP" : "the CUDA driver")
      << " the call returns RECUR_ERROR_DRIVER_NOT_FOUND.\n";
  }
  h << " * Returns RECUR_SUCCESS, or a status with recur_last_error() set "
       "when\n"
    << " * an argument breaks the specialisation or the launch fails. */\n"
    << "recur_status_t " << spec.name << "(recur_stream_t stream";
  for (const Argument &argument : spec.arguments) {
    const TypeInfo &type = typeOf(argument);
    h << ", " << type.c << (isPointer(argument) ? " *" : " ") << argument.name;
  }
  h << ");\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return h.str();
}

std::string recur::aot::describe(const WrapperSpec &spec) {
  nlohmann::json arguments = nlohmann::json::array();
  for (const Argument &argument : spec.arguments)
    arguments.push_back({{"name", argument.name},
                         {"type", argument.type},
                         {"spec", argument.spec},
                         {"to_kernel", argument.toKernel},
                         {"doc", argument.doc}});
  return nlohmann::json({{"name", spec.name},
                         {"kernel", spec.kernel},
                         {"grid", spec.grid},
                         {"description", spec.description},
                         {"target", spec.target},
                         {"arguments", arguments}})
      .dump(2);
}

WrapperSpec recur::aot::parseDescription(const std::string &text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("arguments"))
    throw Error(Status::InvalidArgument, "not a recurc kernel description");
  WrapperSpec spec;
  spec.name = json.value("name", "");
  spec.kernel = json.value("kernel", "");
  spec.grid = json.value("grid", "");
  spec.description = json.value("description", "");
  spec.target = json.value("target", "cpu");
  for (const auto &argument : json["arguments"])
    spec.arguments.push_back(
        {argument.value("name", ""), argument.value("type", ""),
         argument.value("spec", ""), argument.value("to_kernel", true),
         argument.value("doc", "")});
  return spec;
}

std::string
recur::aot::buildDispatcherIR(const std::string &name,
                              const std::vector<WrapperSpec> &variants) {
  if (variants.empty())
    throw Error(Status::InvalidArgument, "recurc link needs variants");
  const std::vector<Argument> &first = variants.front().arguments;
  for (const WrapperSpec &variant : variants) {
    bool same = variant.arguments.size() == first.size();
    for (size_t i = 0; same && i < first.size(); ++i)
      same = variant.arguments[i].name == first[i].name &&
             variant.arguments[i].type == first[i].type;
    if (!same)
      throw Error(Status::InvalidArgument, "variant '" + variant.name +
                                               "' does not take the arguments "
                                               "of '" +
                                               variants.front().name + "'");
    if (variant.target != variants.front().target)
      throw Error(Status::InvalidArgument,
                  "variant '" + variant.name + "' was compiled for " +
                      variant.target + ", '" + variants.front().name +
                      "' for " + variants.front().target +
                      "; a dispatcher's variants share one target");
  }
  // Most specialised first; ties keep the order given.
  std::vector<const WrapperSpec *> order;
  for (const WrapperSpec &variant : variants)
    order.push_back(&variant);
  auto specialised = [](const WrapperSpec *variant) {
    return std::count_if(variant->arguments.begin(), variant->arguments.end(),
                         [](const Argument &a) { return !a.spec.empty(); });
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const WrapperSpec *a, const WrapperSpec *b) {
                     return specialised(a) > specialised(b);
                   });

  std::ostringstream params, callArgs, body, declarations;
  for (const Argument &argument : first) {
    const TypeInfo &type = typeOf(argument);
    const char *llvmType = isPointer(argument) ? "ptr" : type.llvm;
    params << ", " << llvmType << " %" << argument.name;
    callArgs << ", " << llvmType << " %" << argument.name;
  }
  std::string signature = "(ptr" + [&] {
    std::string types;
    for (const Argument &argument : first)
      types += std::string(", ") +
               (isPointer(argument) ? "ptr" : typeOf(argument).llvm);
    return types;
  }() + ")";
  std::string kinds;
  for (size_t v = 0; v < order.size(); ++v) {
    const WrapperSpec &variant = *order[v];
    declarations << "declare i32 @" << variant.name << signature << "\n";
    std::string broken = "false";
    int test = 0;
    for (const Argument &argument : variant.arguments) {
      if (argument.spec.empty())
        continue;
      std::string prefix =
          "%v" + std::to_string(v) + "." + std::to_string(test++);
      emitBreach(body, argument, prefix);
      body << "  " << prefix << ".any = or i1 " << broken << ", " << prefix
           << "\n";
      broken = prefix + ".any";
    }
    body << "  br i1 " << broken << ", label %next" << v << ", label %call" << v
         << "\ncall" << v << ":\n  %status" << v << " = call i32 @"
         << variant.name << "(ptr %stream" << callArgs.str()
         << ")\n  ret i32 %status" << v << "\nnext" << v << ":\n";
    kinds += (kinds.empty() ? "" : "; ") + variant.name;
  }
  std::string message =
      name + ": no specialisation fits these arguments (variants: " + kinds +
      ")";
  std::ostringstream ir;
  ir << "declare i32 @recur_set_error(i32, ptr)\n"
     << declarations.str() << stringConstant(name + ".none", message)
     << "define i32 @" << name << "(ptr %stream" << params.str()
     << ") {\nentry:\n"
     << body.str() << "  %none = call i32 @recur_set_error(i32 "
     << RECUR_ERROR_INVALID_ARGUMENT << ", ptr @" << name
     << ".none)\n  ret i32 %none\n}\n";
  return ir.str();
}
