//===- TileOps.td - Tile dialect operations ----------------*- tablegen -*-===//

#ifndef RECUR_TILE_OPS_TD
#define RECUR_TILE_OPS_TD

include "dialects/tile/TileDialect.td"
include "dialects/tile/TileLayouts.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

def Tile_FuncOp : Tile_Op<"func", [
    AffineScope, AutomaticAllocationScope, FunctionOpInterface,
    IsolatedFromAbove, OpAsmOpInterface
  ]> {
  let summary = "Kernel or device function";
  let description = [{
    A public `tile.func` is a kernel: its arguments are scalars (pointers,
    integers, floats), it returns nothing, and it runs once per program of
    the launch grid. A private `tile.func` is a device function that kernels
    and other device functions call with `tile.call`; it may take and return
    tensors.

    ```mlir
    tile.func @add(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %n: i32) {
      ...
      tile.return
    }
    tile.func private @square(%v: tensor<128xf32>) -> tensor<128xf32> {
      %0 = arith.mulf %v, %v : tensor<128xf32>
      tile.return %0 : tensor<128xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
                                 "::mlir::FunctionType":$type)>];
  let extraClassDeclaration = [{
    /// Kernels are the public functions: the entry points of a launch.
    bool isKernel() { return isPublic(); }

    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    ::mlir::Region *getCallableRegion() {
      return isExternal() ? nullptr : &getBody();
    }
    static ::llvm::StringRef getDefaultDialect() { return "tile"; }
  }];
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def Tile_CallOp : Tile_Op<"call", [
    CallOpInterface, DeclareOpInterfaceMethods<SymbolUserOpInterface>
  ]> {
  let summary = "Call a device function";
  let description = [{
    ```mlir
    %r = tile.call @square(%v) : (tensor<128xf32>) -> tensor<128xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<AnyType>:$operands,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>);
  let assemblyFormat = [{
    $callee `(` $operands `)` attr-dict `:` functional-type($operands, results)
  }];
  let extraClassDeclaration = [{
    ::mlir::FunctionType getCalleeType() {
      return ::mlir::FunctionType::get(getContext(), getOperandTypes(),
                                       getResultTypes());
    }
    operand_range getArgOperands() { return getOperands(); }
    ::mlir::MutableOperandRange getArgOperandsMutable() {
      return getOperandsMutable();
    }
    ::mlir::CallInterfaceCallable getCallableForCallee() {
      return (*this)->getAttrOfType<::mlir::SymbolRefAttr>("callee");
    }
    void setCalleeFromCallable(::mlir::CallInterfaceCallable callee) {
      (*this)->setAttr("callee", ::llvm::cast<::mlir::SymbolRefAttr>(callee));
    }
  }];
}

def Tile_ReturnOp : Tile_Op<"return", [
    Pure, HasParent<"FuncOp">, ReturnLike, Terminator
  ]> {
  let summary = "Return from a tile function";
  let arguments = (ins Variadic<AnyType>:$operands);
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Launch grid
//===----------------------------------------------------------------------===//

def Tile_ProgramIdOp : Tile_Op<"program_id", [Pure]> {
  let summary = "Index of this program along a grid axis";
  let description = [{
    ```mlir
    %pid = tile.program_id x
    ```
  }];
  let arguments = (ins Tile_GridAxis:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict";
}

def Tile_NumProgramsOp : Tile_Op<"num_programs", [Pure]> {
  let summary = "Number of programs along a grid axis";
  let description = [{
    ```mlir
    %n = tile.num_programs y
    ```
  }];
  let arguments = (ins Tile_GridAxis:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict";
}

//===----------------------------------------------------------------------===//
// Tensor construction and shape manipulation
//===----------------------------------------------------------------------===//

def Tile_MakeRangeOp : Tile_Op<"make_range", [Pure]> {
  let summary = "The integers [start, end) as a 1-D tensor";
  let description = [{
    ```mlir
    %r = tile.make_range 0, 128 : tensor<128xi32>
    ```
  }];
  let arguments = (ins I32Attr:$start, I32Attr:$end);
  let results = (outs Tile_TensorOf<[I32]>:$result);
  let assemblyFormat = "$start `,` $end attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tile_SplatOp : Tile_Op<"splat", [
    Pure, TypesMatchWith<"source matches the result element type", "result",
                         "src", "::llvm::cast<::mlir::ShapedType>($_self)"
                         ".getElementType()">
  ]> {
  let summary = "Fill a tensor with one scalar";
  let description = [{
    ```mlir
    %t = tile.splat %x : tensor<64x64xf32>
    ```
  }];
  let arguments = (ins Tile_Element:$src);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [
    Pure, SameOperandsAndResultElementType
  ]> {
  let summary = "Repeat size-1 dimensions of a tensor";
  let description = [{
    Every dimension of the source is either equal to the result's or 1;
    size-1 dimensions are repeated. Ranks must match (use `tile.expand_dims`
    first).

    ```mlir
    %b = tile.broadcast %row : tensor<1x128xf32> -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$src);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
}

def Tile_ExpandDimsOp : Tile_Op<"expand_dims", [
    Pure, SameOperandsAndResultElementType
  ]> {
  let summary = "Insert a size-1 dimension";
  let description = [{
    ```mlir
    %c = tile.expand_dims %v axis = 1 : tensor<128xf32> -> tensor<128x1xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$src, I32Attr:$axis);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $src `axis` `=` $axis attr-dict `:` type($src) `->` type($result)
  }];
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
}

def Tile_ReshapeOp : Tile_Op<"reshape", [
    Pure, SameOperandsAndResultElementType
  ]> {
  let summary = "Reinterpret a tensor's shape in row-major order";
  let description = [{
    ```mlir
    %r = tile.reshape %x : tensor<8x16xf32> -> tensor<128xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$src);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
}

def Tile_TransOp : Tile_Op<"trans", [
    Pure, SameOperandsAndResultElementType
  ]> {
  let summary = "Permute the dimensions of a tensor";
  let description = [{
    Result dimension `i` is source dimension `order[i]`.

    ```mlir
    %t = tile.trans %x order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$src, DenseI32ArrayAttr:$order);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $src `order` `=` $order attr-dict `:` type($src) `->` type($result)
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
}

def Tile_ConvertLayoutOp : Tile_Op<"convert_layout", [
    Pure, SameOperandsAndResultShape, SameOperandsAndResultElementType
  ]> {
  let summary = "Move a tile's elements to the threads of another layout";
  let description = [{
    The value is unchanged; only the encoding (which thread holds which
    element) differs. GPU lowerings exchange the elements through shared
    memory.

    ```mlir
    %b = tile.convert_layout %a : tensor<64xf32, #tile.blocked<{...}>>
                               -> tensor<64xf32, #tile.slice<{...}>>
    ```
  }];
  let arguments = (ins Tile_Tensor:$src);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Tile_AddPtrOp : Tile_Op<"addptr", [
    Pure, AllTypesMatch<["ptr", "result"]>
  ]> {
  let summary = "Advance pointers by element offsets";
  let description = [{
    Offsets count elements of the pointee type, not bytes. Pointer and offset
    are both scalars or tensors of one shape.

    ```mlir
    %p = tile.addptr %base, %offsets : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
    ```
  }];
  let arguments = (ins Tile_PtrLike:$ptr, Tile_IntLike:$offset);
  let results = (outs Tile_PtrLike:$result);
  let assemblyFormat = [{
    $ptr `,` $offset attr-dict `:` type($result) `,` type($offset)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Tile_LoadOp : Tile_Op<"load", [
    AttrSizedOperandSegments,
    MemoryEffects<[MemRead<DefaultResource>]>,
    TypesMatchWith<"result is the pointee of ptr", "ptr", "result",
                   "::recur::tile::getPointeeTypeLike($_self)">,
    TypesMatchWith<"mask is i1 of the shape of ptr", "ptr", "mask",
                   "::recur::tile::getI1TypeLike($_self)",
                   "getODSOperands(1).empty() || std::equal_to<>()">,
    TypesMatchWith<"other matches the result", "ptr", "other",
                   "::recur::tile::getPointeeTypeLike($_self)",
                   "getODSOperands(2).empty() || std::equal_to<>()">
  ]> {
  let summary = "Masked load through pointers";
  let description = [{
    Lanes whose mask is false do not touch memory and yield `other` (or an
    unspecified value without `other`). Cache and eviction hints are advice
    to GPU targets.

    ```mlir
    %v = tile.load %p, %m, %zero {cache = #tile.cache<cg>} : tensor<128x!tile.ptr<f32>>
    ```
  }];
  let arguments = (ins Tile_PtrLike:$ptr,
                       Optional<Tile_BoolLike>:$mask,
                       Optional<Tile_Value>:$other,
                       OptionalAttr<Tile_CacheModifierAttr>:$cache,
                       OptionalAttr<Tile_EvictionPolicyAttr>:$evict,
                       UnitAttr:$isVolatile);
  let results = (outs Tile_Value:$result);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ptr, CArg<"::mlir::Value", "{}">:$mask,
                   CArg<"::mlir::Value", "{}">:$other)>
  ];
  let assemblyFormat = [{
    $ptr (`,` $mask^)? (`,` $other^)? attr-dict `:` type($ptr)
  }];
  let hasVerifier = 1;
}

def Tile_StoreOp : Tile_Op<"store", [
    MemoryEffects<[MemWrite<DefaultResource>]>,
    TypesMatchWith<"value is the pointee of ptr", "ptr", "value",
                   "::recur::tile::getPointeeTypeLike($_self)">,
    TypesMatchWith<"mask is i1 of the shape of ptr", "ptr", "mask",
                   "::recur::tile::getI1TypeLike($_self)",
                   "getODSOperands(2).empty() || std::equal_to<>()">
  ]> {
  let summary = "Masked store through pointers";
  let description = [{
    ```mlir
    tile.store %p, %v, %m : tensor<128x!tile.ptr<f32>>
    ```
  }];
  let arguments = (ins Tile_PtrLike:$ptr, Tile_Value:$value,
                       Optional<Tile_BoolLike>:$mask,
                       OptionalAttr<Tile_CacheModifierAttr>:$cache,
                       OptionalAttr<Tile_EvictionPolicyAttr>:$evict);
  let assemblyFormat = [{
    $ptr `,` $value (`,` $mask^)? attr-dict `:` type($ptr)
  }];
}

def Tile_AtomicRMWOp : Tile_Op<"atomic_rmw", [
    MemoryEffects<[MemRead<DefaultResource>, MemWrite<DefaultResource>]>,
    TypesMatchWith<"value is the pointee of ptr", "ptr", "value",
                   "::recur::tile::getPointeeTypeLike($_self)">,
    TypesMatchWith<"result is the pointee of ptr", "ptr", "result",
                   "::recur::tile::getPointeeTypeLike($_self)">,
    TypesMatchWith<"mask is i1 of the shape of ptr", "ptr", "mask",
                   "::recur::tile::getI1TypeLike($_self)",
                   "getODSOperands(2).empty() || std::equal_to<>()">
  ]> {
  let summary = "Atomic read-modify-write, returning the old values";
  let description = [{
    ```mlir
    %old = tile.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : tensor<64x!tile.ptr<f32>>
    ```
  }];
  let arguments = (ins Tile_RMWKind:$kind, Tile_MemSemantic:$sem,
                       Tile_MemScope:$scope, Tile_PtrLike:$ptr,
                       Tile_NumLike:$value, Optional<Tile_BoolLike>:$mask);
  let results = (outs Tile_NumLike:$result);
  let assemblyFormat = [{
    $kind `,` $sem `,` $scope `,` $ptr `,` $value (`,` $mask^)? attr-dict
    `:` type($ptr)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Asynchronous copies into shared memory (GPU targets)
//===----------------------------------------------------------------------===//

def Tile_SharedMemory : Resource<"::recur::tile::SharedMemoryResource">;

def Tile_LocalAllocOp : Tile_Op<"local_alloc", [
    MemoryEffects<[MemAlloc<Tile_SharedMemory>]>
  ]> {
  let summary = "Shared-memory slots for a program's tiles";
  let description = [{
    The buffer lives as long as the program and is not shared with other
    buffers or with the scratch that layout conversions use.

    ```mlir
    %buf = tile.local_alloc : !tile.shared<3x64x32xf16>
    ```
  }];
  let results = (outs Tile_SharedBufferType:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
}

def Tile_AsyncCopyOp : Tile_Op<"async_copy", [
    MemoryEffects<[MemRead<DefaultResource>, MemWrite<Tile_SharedMemory>]>,
    TypesMatchWith<"mask is i1 of the shape of ptr", "ptr", "mask",
                   "::recur::tile::getI1TypeLike($_self)",
                   "getODSOperands(1).empty() || std::equal_to<>()">
  ]> {
  let summary = "Start copying a tile from global memory into a slot";
  let description = [{
    Each thread starts copies of its elements of the tile at `ptr` into slot
    `slot` of `buffer` (`cp.async` on NVIDIA GPUs) and returns without
    waiting. Lanes whose mask is false read nothing and write zero. The
    copies join the thread's next group (`tile.async_commit`); the slot may
    be read once `tile.async_wait` has seen the group complete.

    ```mlir
    tile.async_copy %ptrs, %mask into %buf[%slot] : tensor<64x32x!tile.ptr<f16>>, !tile.shared<3x64x32xf16>
    ```
  }];
  let arguments = (ins Tile_TensorOf<[Tile_Ptr]>:$ptr,
                       Optional<Tile_TensorOf<[I1]>>:$mask,
                       Tile_SharedBufferType:$buffer,
                       I32:$slot,
                       OptionalAttr<Tile_CacheModifierAttr>:$cache);
  let assemblyFormat = [{
    $ptr (`,` $mask^)? `into` $buffer `[` $slot `]` attr-dict `:` type($ptr)
    `,` qualified(type($buffer))
  }];
  let hasVerifier = 1;
}

def Tile_AsyncCommitOp : Tile_Op<"async_commit", [
    MemoryEffects<[MemWrite<Tile_SharedMemory>]>
  ]> {
  let summary = "Close the thread's group of asynchronous copies";
  let description = [{
    The copies the thread started since its last commit form one group; a
    commit with none forms an empty group, which completes at once.
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_AsyncWaitOp : Tile_Op<"async_wait", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>
  ]> {
  let summary = "Wait for all but the newest groups, then synchronise";
  let description = [{
    Each thread waits until at most `pending` of its committed groups are
    still in flight (groups complete in commit order), then the program's
    threads meet at a barrier: after it, every thread sees the slots that
    every thread's completed groups wrote, and no thread still reads a slot
    read before it.

    ```mlir
    tile.async_wait 1
    ```
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntNonNegative]>:$pending);
  let assemblyFormat = "$pending attr-dict";
}

def Tile_LocalLoadOp : Tile_Op<"local_load", [
    MemoryEffects<[MemRead<Tile_SharedMemory>]>
  ]> {
  let summary = "Read a slot's tile from shared memory";
  let description = [{
    ```mlir
    %t = tile.local_load %buf[%slot] : !tile.shared<3x64x32xf16> -> tensor<64x32xf16>
    ```

    With `order`, the tile is read with its dimensions permuted, as
    `tile.trans` with that order would give it: result dimension `i` is the
    slot's dimension `order[i]`. `tile.trans` of a `tile.local_load`
    canonicalizes to this form, which reads the transpose straight from the
    slot (a dot reads its operand there in place) instead of exchanging it
    through shared memory a second time.

    ```mlir
    %kt = tile.local_load %buf[%slot] order = [1, 0] : !tile.shared<2x64x32xf32> -> tensor<32x64xf32>
    ```
  }];
  let arguments = (ins Tile_SharedBufferType:$buffer, I32:$slot,
                       OptionalAttr<DenseI32ArrayAttr>:$order);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $buffer `[` $slot `]` (`order` `=` $order^)? attr-dict `:`
    qualified(type($buffer)) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

def Tile_DotOp : Tile_Op<"dot", [
    Pure, AllTypesMatch<["acc", "result"]>
  ]> {
  let summary = "Matrix product with accumulator: a * b + acc";
  let description = [{
    `a` is MxK, `b` is KxN, `acc` and the result are MxN; any M, N, K >= 1.
    Operands are extended to the accumulator's element type before the
    product. `inputPrecision` lets GPU targets use tf32 for f32 operands.

    ```mlir
    %d = tile.dot %a, %b, %c : tensor<16x8xf16> * tensor<8x32xf16> -> tensor<16x32xf32>
    ```
  }];
  let arguments = (ins Tile_NumTensor:$a, Tile_NumTensor:$b,
                       Tile_NumTensor:$acc,
                       OptionalAttr<Tile_InputPrecisionAttr>:$inputPrecision);
  let results = (outs Tile_NumTensor:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $acc attr-dict `:` type($a) `*` type($b) `->` type($result)
  }];
  let hasVerifier = 1;
  // add(x, dot(a, b, 0)) -> dot(a, b, x).
  let hasCanonicalizer = 1;
}

def Tile_ReduceOp : Tile_Op<"reduce", [
    Pure, SingleBlockImplicitTerminator<"YieldOp">
  ]> {
  let summary = "Reduce tensors along an axis with a combine region";
  let description = [{
    Reduces N same-shaped tensors together along `axis`. The combine region
    takes the accumulators and then the next elements (2N scalars) and yields
    N scalars; it is applied in index order, so it need not be commutative.
    Reducing a 1-D tensor yields scalars.

    ```mlir
    %m = tile.reduce(%x) axis = 1 : (tensor<4x128xf32>) -> tensor<4xf32> {
    ^bb0(%a: f32, %b: f32):
      %r = arith.maximumf %a, %b : f32
      tile.yield %r : f32
    }
    ```
  }];
  let arguments = (ins Variadic<Tile_NumTensor>:$srcs, I32Attr:$axis);
  let results = (outs Variadic<Tile_NumLike>:$results);
  let regions = (region SizedRegion<1>:$combineOp);
  let assemblyFormat = [{
    `(` $srcs `)` `axis` `=` $axis attr-dict `:` functional-type($srcs, $results)
    $combineOp
  }];
  let hasRegionVerifier = 1;
}

def Tile_ScanOp : Tile_Op<"scan", [
    Pure, SingleBlockImplicitTerminator<"YieldOp">
  ]> {
  let summary = "Inclusive scan of tensors along an axis";
  let description = [{
    Result element `i` combines source elements `0..i` in order (`n-1..i`
    with `reverse`). The combine need only be associative, so linear
    recurrences `(a1, b1) o (a2, b2) = (a1 a2, b1 a2 + b2)` scan correctly.

    ```mlir
    %c = tile.scan(%x) axis = 0 reverse : (tensor<128xf32>) -> tensor<128xf32> {
    ^bb0(%a: f32, %b: f32):
      %r = arith.addf %a, %b : f32
      tile.yield %r : f32
    }
    ```
  }];
  let arguments = (ins Variadic<Tile_NumTensor>:$srcs, I32Attr:$axis,
                       UnitAttr:$reverse);
  let results = (outs Variadic<Tile_NumTensor>:$results);
  let regions = (region SizedRegion<1>:$combineOp);
  let assemblyFormat = [{
    `(` $srcs `)` `axis` `=` $axis (`reverse` $reverse^)? attr-dict `:`
    functional-type($srcs, $results) $combineOp
  }];
  let hasRegionVerifier = 1;
}

def Tile_YieldOp : Tile_Op<"yield", [
    Pure, ParentOneOf<["ReduceOp", "ScanOp"]>, ReturnLike, Terminator
  ]> {
  let summary = "Yield the combined scalars of a reduce or scan";
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// Debugging
//===----------------------------------------------------------------------===//

def Tile_AssertOp : Tile_Op<"assert", [
    MemoryEffects<[MemWrite<DefaultResource>]>
  ]> {
  let summary = "Abort the launch when any lane of a condition is false";
  let description = [{
    ```mlir
    tile.assert %ok, "index out of range" : tensor<128xi1>
    ```
  }];
  let arguments = (ins Tile_BoolLike:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
}

def Tile_PrintOp : Tile_Op<"print", [
    MemoryEffects<[MemWrite<DefaultResource>]>
  ]> {
  let summary = "Print values with the program id, for debugging";
  let description = [{
    Each element is printed on its own line, prefixed by the program id,
    `prefix` and the element's index.

    ```mlir
    tile.print "x = " %x : tensor<4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$prefix, UnitAttr:$hex,
                       Variadic<Tile_NumLike>:$args);
  let assemblyFormat = [{
    $prefix (`hex` $hex^)? ($args^ `:` type($args))? attr-dict
  }];
}

#endif // RECUR_TILE_OPS_TD
