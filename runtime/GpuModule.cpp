//===- GpuModule.cpp - Kernels of a loaded GPU binary ---------------------===//

#include "runtime/GpuModule.h"
#include "runtime/Error.h"

using namespace recur;

const KernelSignature &GpuModule::getSignature(llvm::StringRef name) const {
  auto it = kernels.find(name);
  if (it == kernels.end())
    throw Error(Status::NotFound, "no kernel '" + name.str() + "' in module");
  return it->second.first;
}

void *GpuModule::getFunction(llvm::StringRef name) const {
  getSignature(name);
  return kernels.find(name)->second.second;
}

void GpuModule::addKernel(KernelSignature signature, void *function) {
  std::string name = signature.name;
  kernels[name] = {std::move(signature), function};
}

std::optional<GpuLaunchArguments>
recur::prepareGpuLaunch(const KernelSignature &signature,
                        llvm::ArrayRef<KernelArg> args, Grid grid) {
  if (args.size() != signature.args.size())
    throw Error(Status::InvalidArgument,
                "kernel '" + signature.name + "' takes " +
                    std::to_string(signature.args.size()) + " arguments, got " +
                    std::to_string(args.size()));
  if (grid.size() == 0)
    return std::nullopt;
  if (grid.x < 0 || grid.y < 0 || grid.z < 0 || grid.x > 0x7fffffff ||
      grid.y > 65535 || grid.z > 65535)
    throw Error(Status::InvalidArgument,
                "grid of kernel '" + signature.name +
                    "' exceeds the GPU's limits (2^31-1, 65535, 65535)");
  GpuLaunchArguments launch;
  launch.values.assign(args.begin(), args.end());
  for (KernelArg &value : launch.values)
    launch.pointers.push_back(value.data());
  return launch;
}
