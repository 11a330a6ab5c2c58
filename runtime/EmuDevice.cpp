//===- EmuDevice.cpp - GPU kernels on the SIMT emulator -------------------===//

#include "runtime/EmuDevice.h"
#include "runtime/Error.h"
#include "runtime/emu/RecurEmu.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <limits>
#include <vector>

using namespace recur;

void EmuDevice::launch(const CpuModule::Kernel &kernel,
                       const CpuArtifact::EmulatedBlock &block,
                       llvm::ArrayRef<KernelArg> args, Grid grid) const {
  const KernelSignature &signature = kernel.signature;
  if (args.size() != signature.args.size())
    throw Error(Status::InvalidArgument,
                "kernel '" + signature.name + "' takes " +
                    std::to_string(signature.args.size()) + " arguments, got " +
                    std::to_string(args.size()));
  for (int64_t size : {grid.x, grid.y, grid.z})
    if (size < 0 || size > std::numeric_limits<int32_t>::max())
      throw Error(Status::InvalidArgument,
                  "grid of kernel '" + signature.name + "' has a dimension " +
                      std::to_string(size) + " outside [0, 2^31)");
  if (grid.size() == 0)
    return;
  std::vector<KernelArg> values(args.begin(), args.end());
  std::vector<void *> packed;
  for (KernelArg &value : values)
    packed.push_back(value.data());

  recur_emu_kernel_t launch = {};
  launch.entry = kernel.entry;
  launch.args = packed.data();
  launch.name = signature.name.c_str();
  launch.grid[0] = static_cast<uint32_t>(grid.x);
  launch.grid[1] = static_cast<uint32_t>(grid.y);
  launch.grid[2] = static_cast<uint32_t>(grid.z);
  launch.block[0] = block.threads;
  launch.block[1] = launch.block[2] = 1;
  launch.static_shared_bytes = static_cast<uint32_t>(block.sharedBytes);
  launch.warp_size = block.warpSize;
  launch.num_workers = numWorkers;
  launch.schedule_seed = scheduleSeed;
  recur_status_t status = recur_emu_launch(&launch);
  if (status == RECUR_SUCCESS)
    return;
  Status code = status == RECUR_ERROR_ASSERTION ? Status::AssertionFailed
                : status == RECUR_ERROR_INVALID_ARGUMENT
                    ? Status::InvalidArgument
                    : Status::LaunchError;
  throw Error(code, recur_emu_last_error());
}

void recur::addEmulatorSymbols(
    llvm::function_ref<void(const char *, void *)> define) {
#define RECUR_EMU_SYMBOL(name) define(#name, reinterpret_cast<void *>(&name))
  RECUR_EMU_SYMBOL(__recur_emu_thread_id);
  RECUR_EMU_SYMBOL(__recur_emu_block_id);
  RECUR_EMU_SYMBOL(__recur_emu_block_dim);
  RECUR_EMU_SYMBOL(__recur_emu_grid_dim);
  RECUR_EMU_SYMBOL(__recur_emu_lane_id);
  RECUR_EMU_SYMBOL(__recur_emu_warp_id);
  RECUR_EMU_SYMBOL(__recur_emu_barrier);
  RECUR_EMU_SYMBOL(__recur_emu_shared_memory);
  RECUR_EMU_SYMBOL(__recur_emu_dynamic_shared_memory);
  RECUR_EMU_SYMBOL(__recur_emu_trap);
  RECUR_EMU_SYMBOL(__recur_emu_assert);
  RECUR_EMU_SYMBOL(__recur_emu_printf);
  RECUR_EMU_SYMBOL(__recur_emu_shfl_idx);
  RECUR_EMU_SYMBOL(__recur_emu_shfl_up);
  RECUR_EMU_SYMBOL(__recur_emu_shfl_down);
  RECUR_EMU_SYMBOL(__recur_emu_shfl_xor);
  RECUR_EMU_SYMBOL(__recur_emu_vote_any);
  RECUR_EMU_SYMBOL(__recur_emu_vote_all);
  RECUR_EMU_SYMBOL(__recur_emu_vote_ballot);
  RECUR_EMU_SYMBOL(__recur_emu_warp_sync);
  RECUR_EMU_SYMBOL(__recur_emu_mma_m16n8k16_f32_f16);
  RECUR_EMU_SYMBOL(__recur_emu_mma_m16n8k16_f32_bf16);
  RECUR_EMU_SYMBOL(__recur_emu_mma_m16n8k8_f32_tf32);
  RECUR_EMU_SYMBOL(__recur_emu_ldmatrix);
  RECUR_EMU_SYMBOL(__recur_emu_cp_async);
  RECUR_EMU_SYMBOL(__recur_emu_cp_async_commit_group);
  RECUR_EMU_SYMBOL(__recur_emu_cp_async_wait_group);
  RECUR_EMU_SYMBOL(__recur_emu_mbarrier_init);
  RECUR_EMU_SYMBOL(__recur_emu_mbarrier_arrive);
  RECUR_EMU_SYMBOL(__recur_emu_mbarrier_expect_tx);
  RECUR_EMU_SYMBOL(__recur_emu_mbarrier_try_wait_parity);
  RECUR_EMU_SYMBOL(__recur_emu_cp_async_bulk);
  RECUR_EMU_SYMBOL(__recur_emu_wgmma);
  RECUR_EMU_SYMBOL(__recur_emu_wgmma_fence);
  RECUR_EMU_SYMBOL(__recur_emu_wgmma_commit_group);
  RECUR_EMU_SYMBOL(__recur_emu_wgmma_wait_group);
  RECUR_EMU_SYMBOL(__recur_emu_fence_proxy_async);
  RECUR_EMU_SYMBOL(__recur_emu_mfma_f32_16x16x16f16);
  RECUR_EMU_SYMBOL(__recur_emu_mfma_f32_16x16x16bf16_1k);
  RECUR_EMU_SYMBOL(__recur_emu_mfma_f32_16x16x4f32);
  RECUR_EMU_SYMBOL(__recur_emu_mfma_f32_32x32x8f16);
#undef RECUR_EMU_SYMBOL
}
