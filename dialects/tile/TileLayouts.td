//===- TileLayouts.td - GPU placement of tile elements ---*- tablegen -*-===//
//
// A layout is the encoding of a tile tensor type on GPU targets: it says
// which thread of a block holds which elements. The CPU target ignores
// layouts; `tile-gpu-assign-layouts` adds them and `convert-tile-to-gpu`
// turns each tensor into the vector of elements one thread holds.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_TILE_LAYOUTS_TD
#define RECUR_TILE_LAYOUTS_TD

include "dialects/tile/TileDialect.td"

class Tile_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tile_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Tile_BlockedLayoutAttr : Tile_Attr<"BlockedLayout", "blocked"> {
  let summary =
      "Blocks of elements per thread, threads per warp, warps per block";
  let description = [{
    Along dimension `d` a thread holds `sizePerThread[d]` consecutive
    elements; `threadsPerWarp[d]` lanes and then `warpsPerCTA[d]` warps
    follow one another, and the pattern repeats until the tile is covered.
    A tile smaller than one pattern is replicated: the lanes past its end
    hold copies. `order` lists the dimensions fastest first; it orders the
    lanes of a warp, the warps of a block and the elements inside a thread.
    Each product over dimensions (of `threadsPerWarp`, of `warpsPerCTA`) is
    the warp size and the number of warps. All entries are powers of two.

    ```mlir
    // 128 threads on a 64x64 tile: each holds 1x4 runs (one 16-byte load
    // of f32), 16 lanes along a row, 2 rows per warp, 4 warps down.
    #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16],
                   warpsPerCTA = [4, 1], order = [1, 0]}>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"unsigned">:$sizePerThread,
                        ArrayRefParameter<"unsigned">:$threadsPerWarp,
                        ArrayRefParameter<"unsigned">:$warpsPerCTA,
                        ArrayRefParameter<"unsigned">:$order);
  let assemblyFormat = [{
    `<` `{` `sizePerThread` `=` `[` $sizePerThread `]` `,`
    `threadsPerWarp` `=` `[` $threadsPerWarp `]` `,`
    `warpsPerCTA` `=` `[` $warpsPerCTA `]` `,` `order` `=` `[` $order `]`
    `}` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    unsigned getRank() const { return getOrder().size(); }
    unsigned getNumThreads() const;
  }];
}

def Tile_SliceLayoutAttr : Tile_Attr<"SliceLayout", "slice"> {
  let summary = "A blocked layout with one dimension removed";
  let description = [{
    The layout of a tile with one dimension fewer than `parent`: its
    elements sit on the threads that hold the parent's elements with the
    same coordinates in the other dimensions, and every thread along `dim`
    holds a copy. Reducing along `dim` gives this layout, and
    `tile.expand_dims` at `dim` turns it back into `parent` without moving
    data.

    ```mlir
    #tile.slice<{dim = 1, parent = #tile.blocked<{sizePerThread = [1, 4],
        threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>}>
    ```
  }];
  let parameters = (ins "unsigned":$dim, "BlockedLayoutAttr":$parent);
  let assemblyFormat = [{
    `<` `{` `dim` `=` $dim `,` `parent` `=` qualified($parent) `}` `>`
  }];
  let genVerifyDecl = 1;
}

#endif // RECUR_TILE_LAYOUTS_TD
