//===- AsyncCopyOpToGPU.cpp - Copies into shared-memory slots
//--------------===//
//
// A `tile.local_alloc` is a fixed place in the program's shared memory,
// after the scratch (ConvertTileToGPU.cpp assigns it); a slot holds its tile
// row-major. Each thread copies its own elements of a `tile.async_copy`:
// on NVIDIA targets a run that a vector load would read (aligned, every
// lane set; see LoadStoreOpToGPU.cpp) is one `cp.async` of up to 16 bytes,
// and the other elements are one `cp.async` each, whose source size of 0
// zero-fills a masked-off lane. Elements under 4 bytes outside such runs,
// and every copy on targets without `cp.async`, are an ordinary load and a
// store to shared memory: complete when they return, which the wait's
// barrier makes visible like the asynchronous ones. A `tile.local_load`
// reads each thread's runs back as vectors.
//
// With bulk copies (sm_90), a copy whose rows are whole runs of 16-byte
// multiples is one `cp.async.bulk` per aligned, unmasked row, started by the
// row's first holder, whose groups complete on a ring of mbarriers that the
// commits arrive at and the waits wait on (docs/gpu.md, "Bulk copies on
// sm_90").
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace recur;

int64_t recur::getSlotBytes(tile::SharedBufferType type) {
  return llvm::alignTo(type.getSlotType().getNumElements() *
                           getStorageBytes(type.getElementType()),
                       16);
}

Value recur::getSlotAddress(OpBuilder &b, Location loc, Value buffer,
                            Value slot, tile::SharedBufferType type) {
  Value offset = arith::MulIOp::create(b, loc, slot,
                                       createI32(b, loc, getSlotBytes(type)));
  return LLVM::GEPOp::create(b, loc, buffer.getType(), b.getI8Type(), buffer,
                             ValueRange{offset});
}

bool recur::canCopyRowsInBulk(Operation *asyncCopy, LastDimInfo pointers,
                              int64_t maskConstancy) {
  auto copy = cast<tile::AsyncCopyOp>(asyncCopy);
  Type element = copy.getBuffer().getType().getElementType();
  int64_t row =
      cast<RankedTensorType>(copy.getPtr().getType()).getShape().back();
  if ((row * getStorageBytes(element)) % 16 != 0 ||
      pointers.contiguity != row || (copy.getMask() && maskConstancy != row))
    return false;
  // Where each thread's share is one vector run, its cp.async is already one
  // instruction: bulk copies would add the mbarriers and save nothing.
  tile::ThreadMapping mapping = getMapping(copy.getPtr().getType());
  return mapping.getNumElements() >
         getRunLength(mapping, pointers.contiguity, element);
}

int64_t recur::getBulkCopyRingCount(Operation *kernel) {
  int64_t count = 2;
  kernel->walk([&](tile::LocalAllocOp alloc) {
    count = std::max(count, alloc.getType().getNumSlots());
  });
  return count;
}

/// The address of the mbarrier of group `group` (i32).
static Value getGroupMbarrier(OpBuilder &b, Location loc,
                              const BulkCopyKernel &kernel, Value group) {
  Value inRing =
      arith::RemUIOp::create(b, loc, group, createI32(b, loc, kernel.count));
  Value offset = arith::AddIOp::create(
      b, loc, createI32(b, loc, kernel.offset),
      arith::MulIOp::create(b, loc, inRing, createI32(b, loc, 8)));
  Value scratch = getSharedScratch(b, loc);
  return LLVM::GEPOp::create(b, loc, scratch.getType(), b.getI8Type(), scratch,
                             ValueRange{offset});
}

void recur::initBulkCopyKernel(Operation *kernel, BulkCopyKernel &state) {
  Block &entry = kernel->getRegion(0).front();
  auto b = OpBuilder::atBlockBegin(&entry);
  Location loc = kernel->getLoc();
  auto counter = [&] {
    Value address = LLVM::AllocaOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext()), b.getI32Type(),
        createI32(b, loc, 1));
    LLVM::StoreOp::create(b, loc, createI32(b, loc, 0), address);
    return address;
  };
  state.committed = counter();
  state.waited = counter();
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                            getThreadId(b, loc), createI32(b, loc, 0));
  Value threads = arith::IndexCastUIOp::create(
      b, loc, b.getI32Type(),
      gpu::BlockDimOp::create(b, loc, gpu::Dimension::x));
  scf::IfOp::create(b, loc, first, [&](OpBuilder &then, Location) {
    for (int64_t i = 0; i < state.count; ++i)
      NVVM::MBarrierInitOp::create(
          then, loc,
          getGroupMbarrier(then, loc, state, createI32(then, loc, i)), threads,
          /*predicate=*/Value());
    scf::YieldOp::create(then, loc);
  });
  gpu::BarrierOp::create(b, loc);
}

static Value loadCounter(OpBuilder &b, Location loc, Value counter) {
  return LLVM::LoadOp::create(b, loc, b.getI32Type(), counter);
}

/// Waits for the phases of the groups from the first not yet waited for up
/// to `end` (exclusive, i32): group g's mbarrier is g % count of the ring,
/// and its phase there the (g / count)-th, of parity (g / count) & 1.
static void waitForGroupsBefore(OpBuilder &b, Location loc,
                                const BulkCopyKernel &kernel, Value end) {
  Value waited = loadCounter(b, loc, kernel.waited);
  Value one = createI32(b, loc, 1);
  scf::ForOp::create(
      b, loc, waited, end, one, ValueRange{},
      [&](OpBuilder &body, Location, Value group, ValueRange) {
        Value phase = arith::DivUIOp::create(
            body, loc, group, createI32(body, loc, kernel.count));
        NVVM::MBarrierTryWaitParityOp::create(
            body, loc, getGroupMbarrier(body, loc, kernel, group),
            arith::AndIOp::create(body, loc, phase, one),
            // A suspend-time hint, in nanoseconds, as CUTLASS passes.
            createI32(body, loc, 0x989680));
        scf::YieldOp::create(body, loc);
      });
  LLVM::StoreOp::create(b, loc, arith::MaxSIOp::create(b, loc, waited, end),
                        kernel.waited);
}

/// The mbarrier of the group being filled (the commit before it made sure
/// that the group which used it last has been waited for).
static Value getOpenGroupMbarrier(OpBuilder &b, Location loc,
                                  const BulkCopyKernel &kernel) {
  return getGroupMbarrier(b, loc, kernel,
                          loadCounter(b, loc, kernel.committed));
}

/// A shared-memory pointer as a `shared::cluster` one: a block's own shared
/// window lies inside its cluster's (a block outside a cluster is one).
static Value toSharedClusterPointer(OpBuilder &b, Location loc, Value shared) {
  return LLVM::AddrSpaceCastOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 7), shared);
}

namespace {

struct LocalAllocOpLowering : public OpConversionPattern<tile::LocalAllocOp> {
  LocalAllocOpLowering(const TypeConverter &converter, MLIRContext *context,
                       const SharedBufferOffsets &offsets)
      : OpConversionPattern(converter, context), offsets(offsets) {}

  LogicalResult
  matchAndRewrite(tile::LocalAllocOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto offset = offsets.find(op);
    if (offset == offsets.end())
      return rewriter.notifyMatchFailure(op, "no place in shared memory");
    Location loc = op.getLoc();
    Value scratch = getSharedScratch(rewriter, loc);
    rewriter.replaceOpWithNewOp<LLVM::GEPOp>(
        op, scratch.getType(), rewriter.getI8Type(), scratch,
        ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset->second)});
    return success();
  }

  const SharedBufferOffsets &offsets;
};

struct AsyncCopyOpLowering : public OpConversionPattern<tile::AsyncCopyOp> {
  AsyncCopyOpLowering(const TypeConverter &converter, MLIRContext *context,
                      const GPUAccessContiguity &contiguity, bool useCpAsync,
                      const BulkCopyPlan &bulk)
      : OpConversionPattern(converter, context), contiguity(contiguity),
        useCpAsync(useCpAsync), bulk(bulk) {}

  LogicalResult
  matchAndRewrite(tile::AsyncCopyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tile::SharedBufferType bufferType = op.getBuffer().getType();
    Type element = bufferType.getElementType();
    int64_t bytes = getStorageBytes(element);
    tile::ThreadMapping mapping = getMapping(op.getPtr().getType());
    SmallVector<Value> addresses =
        unpackElements(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpackElements(rewriter, loc, adaptor.getMask());
    Value slot = getSlotAddress(rewriter, loc, adaptor.getBuffer(),
                                adaptor.getSlot(), bufferType);

    // Copies `count` bytes (one element, or an aligned run with every lane
    // set) whole, or `srcSize` of them and zeros.
    auto copyBytes = [&](OpBuilder &b, Value dst, Value src, int64_t count,
                         Value srcSize) {
      NVVM::CpAsyncOp::create(b, loc, dst, toGlobalPointer(b, loc, src), count,
                              count == 16 ? NVVM::LoadCacheModifierKind::CG
                                          : NVVM::LoadCacheModifierKind::CA,
                              srcSize);
    };
    auto copySync = [&](OpBuilder &b, Value dst, Value src, int64_t count,
                        Value mask) {
      Type type =
          count == bytes ? element : VectorType::get({count / bytes}, element);
      auto load = [&](OpBuilder &at) -> Value {
        return LLVM::LoadOp::create(at, loc, type,
                                    toGlobalPointer(at, loc, src), count);
      };
      Value value;
      if (!mask) {
        value = load(b);
      } else {
        value = scf::IfOp::create(
                    b, loc, mask,
                    [&](OpBuilder &then, Location) {
                      scf::YieldOp::create(then, loc, load(then));
                    },
                    [&](OpBuilder &otherwise, Location) {
                      scf::YieldOp::create(
                          otherwise, loc,
                          arith::ConstantOp::create(
                              otherwise, loc, type,
                              cast<TypedAttr>(otherwise.getZeroAttr(type)))
                              .getResult());
                    })
                    .getResult(0);
      }
      LLVM::StoreOp::create(b, loc, value, dst, count);
    };
    auto copyElement = [&](OpBuilder &b, Value dst, Value src, Value mask) {
      if (!useCpAsync || bytes < 4)
        return copySync(b, dst, src, bytes, mask);
      Value srcSize;
      if (mask)
        srcSize = arith::SelectOp::create(
            b, loc, mask, createI32(b, loc, bytes), createI32(b, loc, 0));
      copyBytes(b, dst, src, bytes, srcSize);
    };

    LastDimInfo info = contiguity.lookup(op);
    int64_t run = getRunLength(mapping, info.contiguity, element);
    // A run starts on a multiple of its length in its row, and so in the
    // slot, only when the rows divide into runs.
    if (mapping.shape.back() % run != 0)
      run = 1;
    int64_t runBytes = run * bytes;
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
    const BulkCopyKernel *kernel =
        bulk.copies.contains(op) ? bulk.kernelOf.lookup(op) : nullptr;
    Value canonical, mbarrier;
    if (kernel) {
      canonical = isCanonicalHolder(rewriter, loc, mapping);
      mbarrier = getOpenGroupMbarrier(rewriter, loc, *kernel);
    }
    int64_t rowBytes = mapping.shape.back() * bytes;
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      SmallVector<Value> coordinates =
          getElementCoordinates(rewriter, loc, mapping, base, first);
      Value index = getRowMajorIndex(rewriter, loc, coordinates, mapping.shape);
      Value dst = LLVM::GEPOp::create(rewriter, loc, slot.getType(), element,
                                      slot, ValueRange{index});
      ArrayRef<Value> runMasks =
          masks.empty() ? ArrayRef<Value>() : ArrayRef(masks).slice(first, run);
      auto perElement = [&](OpBuilder &b) {
        for (int64_t i = 0; i < run; ++i) {
          Value at = i == 0
                         ? dst
                         : LLVM::GEPOp::create(
                               b, loc, dst.getType(), element, dst,
                               ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)})
                               .getResult();
          copyElement(b, at, addresses[first + i],
                      runMasks.empty() ? Value() : runMasks[i]);
        }
      };
      auto copyRun = [&](OpBuilder &b) {
        if (run == 1 || runBytes < 4)
          return perElement(b);
        branchOnVectorAccess(
            b, loc,
            canAccessAsVector(b, loc, addresses[first], runBytes, info,
                              runMasks),
            [&](OpBuilder &vector) {
              if (useCpAsync)
                copyBytes(vector, dst, addresses[first], runBytes, Value());
              else
                copySync(vector, dst, addresses[first], runBytes, Value());
            },
            perElement);
      };
      if (!kernel) {
        copyRun(rewriter);
        continue;
      }
      // A row whose start is aligned and whose mask (the same along it) is
      // set is one bulk copy, started by the canonical holder of its first
      // element; the run's own copies are the way for every other row.
      Value column = coordinates.back();
      Value rowStart = LLVM::SubOp::create(
          rewriter, loc, addresses[first],
          arith::MulIOp::create(
              rewriter, loc,
              arith::ExtUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                     column),
              arith::ConstantIntOp::create(rewriter, loc, bytes, 64)));
      // The row is one run of consecutive addresses: `info`'s divisibility
      // is its start's.
      Value whole = canAccessAsVector(rewriter, loc, rowStart, 16, info,
                                      runMasks.empty() ? ArrayRef<Value>()
                                                       : runMasks.take_front());
      branchOnVectorAccess(
          rewriter, loc, whole,
          [&](OpBuilder &b) {
            Value starts = arith::AndIOp::create(
                b, loc, canonical,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, column,
                                      createI32(b, loc, 0)));
            scf::IfOp::create(b, loc, starts, [&](OpBuilder &then, Location) {
              Value size = createI32(then, loc, rowBytes);
              NVVM::MBarrierExpectTxOp::create(then, loc, mbarrier, size);
              NVVM::CpAsyncBulkGlobalToSharedClusterOp::create(
                  then, loc, toSharedClusterPointer(then, loc, dst),
                  toGlobalPointer(then, loc, rowStart), mbarrier, size,
                  /*multicastMask=*/Value(), /*l2CacheHint=*/Value());
              scf::YieldOp::create(then, loc);
            });
          },
          copyRun);
    }
    rewriter.eraseOp(op);
    return success();
  }

  const GPUAccessContiguity &contiguity;
  bool useCpAsync;
  const BulkCopyPlan &bulk;
};

struct AsyncCommitOpLowering : public OpConversionPattern<tile::AsyncCommitOp> {
  AsyncCommitOpLowering(const TypeConverter &converter, MLIRContext *context,
                        bool useCpAsync, const BulkCopyPlan &bulk)
      : OpConversionPattern(converter, context), useCpAsync(useCpAsync),
        bulk(bulk) {}

  LogicalResult
  matchAndRewrite(tile::AsyncCommitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (useCpAsync)
      NVVM::CpAsyncCommitGroupOp::create(rewriter, loc);
    if (const BulkCopyKernel *kernel = bulk.kernelOf.lookup(op)) {
      // Every thread arrives, so the phase completes once all have
      // committed and the group's rows have landed.
      Value group = loadCounter(rewriter, loc, kernel->committed);
      NVVM::MBarrierArriveOp::create(
          rewriter, loc, /*res=*/Type(),
          getGroupMbarrier(rewriter, loc, *kernel, group), /*count=*/Value());
      Value committed = arith::AddIOp::create(rewriter, loc, group,
                                              createI32(rewriter, loc, 1));
      LLVM::StoreOp::create(rewriter, loc, committed, kernel->committed);
      // The next group takes the mbarrier of the group `count` before it,
      // which must be waited for first: the ring then holds more groups than
      // the waits leave in flight (never in the pipeliner's loops, which
      // leave fewer groups than slots); waiting early is always allowed.
      waitForGroupsBefore(
          rewriter, loc, *kernel,
          arith::SubIOp::create(rewriter, loc, committed,
                                createI32(rewriter, loc, kernel->count - 1)));
    }
    rewriter.eraseOp(op);
    return success();
  }

  bool useCpAsync;
  const BulkCopyPlan &bulk;
};

struct AsyncWaitOpLowering : public OpConversionPattern<tile::AsyncWaitOp> {
  AsyncWaitOpLowering(const TypeConverter &converter, MLIRContext *context,
                      bool useCpAsync, const BulkCopyPlan &bulk)
      : OpConversionPattern(converter, context), useCpAsync(useCpAsync),
        bulk(bulk) {}

  LogicalResult
  matchAndRewrite(tile::AsyncWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (useCpAsync)
      NVVM::CpAsyncWaitGroupOp::create(rewriter, loc, op.getPending());
    if (const BulkCopyKernel *kernel = bulk.kernelOf.lookup(op)) {
      Value committed = loadCounter(rewriter, loc, kernel->committed);
      Value last = arith::SubIOp::create(
          rewriter, loc, committed, createI32(rewriter, loc, op.getPending()));
      waitForGroupsBefore(rewriter, loc, *kernel, last);
      // The slots' next bulk copies (the async proxy) come after every
      // thread's reads and zero fills (the generic proxy) up to here.
      NVVM::FenceProxyOp::create(
          rewriter, loc, NVVM::ProxyKind::async_shared,
          NVVM::SharedSpaceAttr::get(getContext(),
                                     NVVM::SharedSpace::shared_cta));
    }
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }

  bool useCpAsync;
  const BulkCopyPlan &bulk;
};

struct LocalLoadOpLowering : public OpConversionPattern<tile::LocalLoadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::LocalLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tile::SharedBufferType bufferType = op.getBuffer().getType();
    Value slot = getSlotAddress(rewriter, loc, adaptor.getBuffer(),
                                adaptor.getSlot(), bufferType);
    Type element = bufferType.getElementType();
    tile::ThreadMapping mapping = getMapping(op.getType());
    // A thread's run along the row is contiguous in the slot: one vector
    // load (`ld.shared.v4`), aligned when the rows divide into runs. A
    // permuted read takes element by element: coordinate `i` of the result
    // is coordinate `order[i]` of the slot.
    std::optional<ArrayRef<int32_t>> order = op.getOrder();
    int64_t run = getRunLength(mapping, mapping.shape.back(), element);
    if (order || mapping.shape.back() % run != 0)
      run = 1;
    ArrayRef<int64_t> slotShape = bufferType.getSlotType().getShape();
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
    SmallVector<Value> elements;
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      SmallVector<Value> coordinates =
          getElementCoordinates(rewriter, loc, mapping, base, first);
      if (order) {
        SmallVector<Value> inSlot(coordinates.size());
        for (auto [i, dim] : llvm::enumerate(*order))
          inSlot[dim] = coordinates[i];
        coordinates = inSlot;
      }
      Value index = getRowMajorIndex(rewriter, loc, coordinates, slotShape);
      Value address = LLVM::GEPOp::create(rewriter, loc, slot.getType(),
                                          element, slot, ValueRange{index});
      if (run == 1) {
        elements.push_back(
            LLVM::LoadOp::create(rewriter, loc, element, address));
        continue;
      }
      Value vector = LLVM::LoadOp::create(
          rewriter, loc, VectorType::get({run}, element), address,
          static_cast<unsigned>(run * getStorageBytes(element)));
      llvm::append_range(elements, unpackElements(rewriter, loc, vector));
    }
    rewriter.replaceOp(
        op,
        packElements(rewriter, loc,
                     getTypeConverter()->convertType(op.getType()), elements));
    return success();
  }
};

} // namespace

void recur::populateAsyncCopyOpToGPUPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const GPUAccessContiguity &contiguity, const SharedBufferOffsets &offsets,
    bool useCpAsync, const BulkCopyPlan &bulk) {
  MLIRContext *context = patterns.getContext();
  patterns.add<LocalAllocOpLowering>(converter, context, offsets);
  patterns.add<AsyncCopyOpLowering>(converter, context, contiguity, useCpAsync,
                                    bulk);
  patterns.add<AsyncCommitOpLowering, AsyncWaitOpLowering>(converter, context,
                                                           useCpAsync, bulk);
  patterns.add<LocalLoadOpLowering>(converter, context);
}
