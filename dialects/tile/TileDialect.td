//===- TileDialect.td - Tile dialect, types and attributes -*- tablegen -*-===//
//
// The tile dialect is Recur's kernel-level IR: a program of a launch grid
// computes on statically shaped tensors ("tiles") whose elements may be
// pointers into global memory. It mirrors Triton's `tt` dialect so that a
// Triton kernel ports op for op; elementwise math is upstream arith/math.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_TILE_DIALECT_TD
#define RECUR_TILE_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::recur::tile";
  let summary = "Kernel-level tile programs over a launch grid";
  let description = [{
    A `tile.func` with public visibility is a kernel: it runs once per
    program of a 1-, 2- or 3-D launch grid and may read `tile.program_id`.
    Values are scalars or statically shaped tensors of scalars or of
    `!tile.ptr<T>`; memory is reached only through pointers, by `tile.load`,
    `tile.store` and `tile.atomic_rmw`, all of which take an optional mask.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
  ];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Tile_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Tile_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Tile_PtrType : Tile_Type<"Ptr", "ptr"> {
  let summary = "Pointer to an element in global memory";
  let description = [{
    `!tile.ptr<f32>` points at a float32 in global memory. Tensors of
    pointers (`tensor<128x!tile.ptr<f32>>`) address one element per lane.
  }];
  let parameters = (ins "::mlir::Type":$pointeeType);
  let assemblyFormat = "`<` $pointeeType `>`";
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::Type":$pointeeType), [{
      return $_get(pointeeType.getContext(), pointeeType);
    }]>
  ];
}

def Tile_SharedBufferType : Tile_Type<"SharedBuffer", "shared"> {
  let summary = "Tiles in a GPU program's shared memory, one per slot";
  let description = [{
    `!tile.shared<3x64x32xf16>` is three 64x32 f16 tiles (its slots), each
    row-major, in the shared memory of a GPU program. `tile-pipeline-loads`
    makes them, for asynchronous copies, on targets that have them; the
    first dimension counts the slots, the others are the tile's shape.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        "::mlir::Type":$elementType);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// One slot's tile (without a layout).
    ::mlir::RankedTensorType getSlotType() const;
    int64_t getNumSlots() const { return getShape().front(); }
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Tile_Float : AnyTypeOf<[F16, BF16, F32, F64], "floating-point">;
def Tile_Int : AnyTypeOf<[I1, I8, I16, I32, I64], "signless integer">;
def Tile_Ptr : Type<CPred<"::llvm::isa<::recur::tile::PtrType>($_self)">,
                    "tile pointer", "::recur::tile::PtrType">;
def Tile_Element : AnyTypeOf<[Tile_Float, Tile_Int, Tile_Ptr]>;

class Tile_TensorOf<list<Type> elts> : StaticShapeTensorOf<elts>;

def Tile_Tensor : Tile_TensorOf<[Tile_Element]>;
def Tile_Value : AnyTypeOf<[Tile_Element, Tile_Tensor]>;
def Tile_FloatTensor : Tile_TensorOf<[Tile_Float]>;
def Tile_NumTensor : Tile_TensorOf<[Tile_Float, Tile_Int]>;
def Tile_PtrLike : AnyTypeOf<[Tile_Ptr, Tile_TensorOf<[Tile_Ptr]>]>;
def Tile_IntLike : AnyTypeOf<[Tile_Int, Tile_TensorOf<[Tile_Int]>]>;
def Tile_BoolLike : AnyTypeOf<[I1, Tile_TensorOf<[I1]>]>;
def Tile_NumLike : AnyTypeOf<[Tile_Float, Tile_Int, Tile_NumTensor]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tile_GridAxis : I32EnumAttr<"GridAxis", "launch grid axis", [
    I32EnumAttrCase<"x", 0>, I32EnumAttrCase<"y", 1>, I32EnumAttrCase<"z", 2>
  ]> {
  let cppNamespace = "::recur::tile";
}

def Tile_CacheModifier : I32EnumAttr<"CacheModifier", "cache operator", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"ca", 1>,
    I32EnumAttrCase<"cg", 2>, I32EnumAttrCase<"cs", 3>,
    I32EnumAttrCase<"cv", 4>, I32EnumAttrCase<"wb", 5>,
    I32EnumAttrCase<"wt", 6>
  ]> {
  let cppNamespace = "::recur::tile";
  let genSpecializedAttr = 0;
}
def Tile_CacheModifierAttr
    : EnumAttr<Tile_Dialect, Tile_CacheModifier, "cache"> {
  let assemblyFormat = "`<` $value `>`";
}

def Tile_EvictionPolicy : I32EnumAttr<"EvictionPolicy", "eviction policy", [
    I32EnumAttrCase<"normal", 0>, I32EnumAttrCase<"evict_first", 1>,
    I32EnumAttrCase<"evict_last", 2>
  ]> {
  let cppNamespace = "::recur::tile";
  let genSpecializedAttr = 0;
}
def Tile_EvictionPolicyAttr
    : EnumAttr<Tile_Dialect, Tile_EvictionPolicy, "evict"> {
  let assemblyFormat = "`<` $value `>`";
}

def Tile_InputPrecision : I32EnumAttr<"InputPrecision",
    "precision of dot operands", [
    I32EnumAttrCase<"ieee", 0>, I32EnumAttrCase<"tf32", 1>,
    I32EnumAttrCase<"tf32x3", 2>
  ]> {
  let cppNamespace = "::recur::tile";
  let genSpecializedAttr = 0;
}
def Tile_InputPrecisionAttr
    : EnumAttr<Tile_Dialect, Tile_InputPrecision, "precision"> {
  let assemblyFormat = "`<` $value `>`";
}

def Tile_RMWKind : I32EnumAttr<"RMWKind", "atomic read-modify-write kind", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"fadd", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
    I32EnumAttrCase<"umax", 4>, I32EnumAttrCase<"umin", 5>,
    I32EnumAttrCase<"fmax", 6>, I32EnumAttrCase<"fmin", 7>,
    I32EnumAttrCase<"andi", 8, "and">, I32EnumAttrCase<"ori", 9, "or">,
    I32EnumAttrCase<"xori", 10, "xor">, I32EnumAttrCase<"xchg", 11>
  ]> {
  let cppNamespace = "::recur::tile";
}

def Tile_MemSemantic : I32EnumAttr<"MemSemantic", "memory ordering", [
    I32EnumAttrCase<"relaxed", 0>, I32EnumAttrCase<"acquire", 1>,
    I32EnumAttrCase<"release", 2>, I32EnumAttrCase<"acq_rel", 3>
  ]> {
  let cppNamespace = "::recur::tile";
}

def Tile_MemScope : I32EnumAttr<"MemScope", "memory synchronisation scope", [
    I32EnumAttrCase<"gpu", 0>, I32EnumAttrCase<"cta", 1>,
    I32EnumAttrCase<"sys", 2>
  ]> {
  let cppNamespace = "::recur::tile";
}

#endif // RECUR_TILE_DIALECT_TD
