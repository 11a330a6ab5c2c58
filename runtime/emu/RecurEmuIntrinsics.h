/*===- RecurEmuIntrinsics.h - What an emulated GPU thread calls --*- C -*-===*\
|*                                                                            *|
|* The device side of the SIMT emulator. A gpu.func lowered for the emulator  *|
|* calls these functions where the GPU lowering would emit an intrinsic       *|
|* (gpu.thread_id, gpu.barrier, nvvm.shfl.sync, nvgpu.mma.sync, ...). They    *|
|* may only be called from a kernel running under recur_emu_launch. Errors    *|
|* they detect end the launch with a status; they never return garbage        *|
|* silently. Dimensions are 0 (x), 1 (y) and 2 (z), as gpu::Dimension.       *|
|* Fragments are passed by address, in the element order of the nvgpu /      *|
|* amdgpu vector types (row-major), which is the ISA's register order.       *|
\*===----------------------------------------------------------------------===*/

#ifndef RECUR_RUNTIME_EMU_RECUREMUINTRINSICS_H
#define RECUR_RUNTIME_EMU_RECUREMUINTRINSICS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Thread geometry (gpu.thread_id, gpu.block_id, gpu.block_dim,
 * gpu.grid_dim, gpu.lane_id, gpu.subgroup_id, gpu.subgroup_size,
 * gpu.num_subgroups). */
int32_t __recur_emu_thread_id(int32_t dim);
int32_t __recur_emu_block_id(int32_t dim);
int32_t __recur_emu_block_dim(int32_t dim);
int32_t __recur_emu_grid_dim(int32_t dim);
int32_t __recur_emu_lane_id(void);
int32_t __recur_emu_warp_id(void);
int32_t __recur_emu_warp_size(void);
int32_t __recur_emu_num_warps(void);

/* Block-wide barrier (gpu.barrier, bar.sync 0, s_barrier). */
void __recur_emu_barrier(void);

/* The block's shared memory: static allocations from the base, the dynamic
 * allocation from the base plus static_shared_bytes rounded up to 16. The
 * base is 128-byte aligned; the contents start as 0xFF bytes (a NaN in every
 * float type), not zeros. */
void *__recur_emu_shared_memory(void);
void *__recur_emu_dynamic_shared_memory(void);

/* A failed device assertion: ends the launch with RECUR_ERROR_ASSERTION and
 * `message` (may be NULL). Does not return. */
void __recur_emu_trap(const char *message);

/* A device assertion (cf.assert): when `ok` is zero, ends the launch like
 * __recur_emu_trap, with "assertion failed: " and `message`. */
void __recur_emu_assert(int32_t ok, const char *message);

/* Device printf (gpu.printf): prints the formatted text to stdout in one
 * piece, so that lines of different threads do not mix. */
void __recur_emu_printf(const char *format, ...);

/* Warp shuffles of a 32-bit value with shfl.sync's semantics: `b` is the
 * source lane (idx), the delta (up, down) or the lane mask (xor); `c` packs
 * the clamp value in bits 0-4 and the segment mask in bits 8-12 (bits 0-5 and
 * 8-13 on 64-lane wavefronts). `*valid` (if `valid` is not NULL) receives
 * shfl.sync's predicate: 0 when the source lane is out of range and the
 * caller's own value is returned. */
uint32_t __recur_emu_shfl_idx(uint32_t value, uint32_t b, uint32_t c,
                              int32_t *valid);
uint32_t __recur_emu_shfl_up(uint32_t value, uint32_t b, uint32_t c,
                             int32_t *valid);
uint32_t __recur_emu_shfl_down(uint32_t value, uint32_t b, uint32_t c,
                               int32_t *valid);
uint32_t __recur_emu_shfl_xor(uint32_t value, uint32_t b, uint32_t c,
                              int32_t *valid);

/* AMD's ds_bpermute_b32: the value of lane (byte_address / 4) mod the
 * wavefront size. */
uint32_t __recur_emu_ds_bpermute(int32_t byte_address, uint32_t value);

/* Warp votes over the warp's live lanes (vote.sync.any/all/ballot); the
 * ballot has bit i set for each live lane i whose predicate is nonzero. */
int32_t __recur_emu_vote_any(int32_t predicate);
int32_t __recur_emu_vote_all(int32_t predicate);
uint64_t __recur_emu_vote_ballot(int32_t predicate);

/* __syncwarp / bar.warp.sync: waits for every live lane of the warp. */
void __recur_emu_warp_sync(void);

/* mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32:
 * a: 8 halves (vector<4x2xf16>), b: 4 halves (vector<2x2xf16>),
 * c, d: 4 floats (vector<2x2xf32>); d may alias c. */
void __recur_emu_mma_m16n8k16_f32_f16(const uint16_t *a, const uint16_t *b,
                                      const float *c, float *d);
void __recur_emu_mma_m16n8k16_f32_bf16(const uint16_t *a, const uint16_t *b,
                                       const float *c, float *d);
/* mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16: c, d: 4 halves. */
void __recur_emu_mma_m16n8k16_f16_f16(const uint16_t *a, const uint16_t *b,
                                      const uint16_t *c, uint16_t *d);
/* mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32: a: 4 halves, b: 2. */
void __recur_emu_mma_m16n8k8_f32_f16(const uint16_t *a, const uint16_t *b,
                                     const float *c, float *d);
/* mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32: a: 4 floats
 * (vector<4x1xf32>), b: 2 floats (vector<2x1xf32>), c, d: 4 floats. Only the
 * tf32 bits of a and b are read (the low 13 mantissa bits are ignored). */
void __recur_emu_mma_m16n8k8_f32_tf32(const float *a, const float *b,
                                      const float *c, float *d);

/* cvt.rna.tf32.f32: rounds to the nearest tf32, ties away from zero. */
float __recur_emu_cvt_rna_tf32(float value);

/* ldmatrix.sync.aligned.m8n8.x{1,2,4}{.trans}.shared.b16: `row` is this
 * lane's row address (lanes 8i..8i+7 give the rows of matrix i; 16-byte
 * aligned, inside shared memory); out receives num_matrices registers of two
 * b16 elements each (the lower column in the low half). */
void __recur_emu_ldmatrix(const void *row, int32_t num_matrices, int32_t trans,
                          uint32_t *out);
/* stmatrix.sync.aligned.m8n8.x{1,2,4}{.trans}.shared.b16 (sm_90): the
 * inverse of ldmatrix; `in` holds num_matrices registers. */
void __recur_emu_stmatrix(void *row, int32_t num_matrices, int32_t trans,
                          const uint32_t *in);

/* wgmma.mma_async.sync.aligned.m64nNk16.f32.{f16,bf16}.{f16,bf16} and
 * .m64nNk8.f32.tf32.tf32 (sm_90a), a collective of the 128 threads of a
 * warpgroup: A (64 x K) and B (N x K, i.e. B transposed) are read from
 * shared memory through the 64-bit matrix descriptors desc_a, desc_b
 * (K-major, swizzle mode 0 only; the start address is an offset in the
 * block's shared memory), n is N (8..256, a multiple of 8), acc the
 * thread's N/2 accumulator registers, read when scale_d is nonzero
 * (D = A B + D) and written. Every thread of the warpgroup must pass the
 * same type, n, scale_d and descriptors. */
enum {
  RECUR_EMU_WGMMA_F16 = 0,
  RECUR_EMU_WGMMA_BF16 = 1,
  RECUR_EMU_WGMMA_TF32 = 2,
};
void __recur_emu_wgmma(int32_t type, int32_t n, uint64_t desc_a,
                       uint64_t desc_b, int32_t scale_d, float *acc);
/* wgmma.fence, wgmma.commit_group, wgmma.wait_group and fence.proxy.async:
 * the emulated wgmma completes inside its collective, so these order
 * nothing; they only check that they run inside a launch. */
void __recur_emu_wgmma_fence(void);
void __recur_emu_wgmma_commit_group(void);
void __recur_emu_wgmma_wait_group(int32_t pending);
void __recur_emu_fence_proxy_async(void);

/* cp.async.{ca,cg}.shared.global [dst], [src], size, src_size (size 4, 8
 * or 16, both addresses aligned to it; src_size bytes from src, then
 * zeros), cp.async.commit_group and cp.async.wait_group pending. A copy is
 * queued in its thread and lands in shared memory only when a wait retires
 * its group; the source is read then. */
void __recur_emu_cp_async(void *dst, const void *src, int32_t size,
                          int32_t src_size);
void __recur_emu_cp_async_commit_group(void);
void __recur_emu_cp_async_wait_group(int32_t pending);

/* sm_90 mbarriers and the Tensor Memory Accelerator's bulk copies:
 * mbarrier.init.shared.b64 [bar], count; mbarrier.arrive.shared.b64 _, [bar];
 * mbarrier.expect_tx.shared.b64 [bar], bytes; a loop on
 * mbarrier.try_wait.parity.shared.b64 [bar], parity (returns once that
 * phase has completed); cp.async.bulk.shared::cluster.global
 * .mbarrier::complete_tx::bytes [dst], [src], size, [bar] (size a multiple
 * of 16, both addresses 16-byte aligned). A bulk copy is queued on its
 * mbarrier and lands when the phase's last thread arrives. */
void __recur_emu_mbarrier_init(void *mbarrier, int32_t count);
void __recur_emu_mbarrier_arrive(void *mbarrier);
void __recur_emu_mbarrier_expect_tx(void *mbarrier, int32_t bytes);
void __recur_emu_mbarrier_try_wait_parity(void *mbarrier, int32_t parity);
void __recur_emu_cp_async_bulk(void *dst, const void *src, int32_t size,
                               void *mbarrier);

/* v_mfma_f32_16x16x16f16 on a 64-lane wavefront: a, b: 4 halves each, c, d:
 * 4 floats. v_mfma_f32_32x32x8f16: a, b: 4 halves, c, d: 16 floats. */
void __recur_emu_mfma_f32_16x16x16f16(const uint16_t *a, const uint16_t *b,
                                      const float *c, float *d);
void __recur_emu_mfma_f32_32x32x8f16(const uint16_t *a, const uint16_t *b,
                                     const float *c, float *d);
/* v_mfma_f32_16x16x16bf16_1k (gfx90a and later): as 16x16x16f16, with bf16
 * a and b. v_mfma_f32_16x16x4f32: a, b: 1 float each, c, d: 4 floats. */
void __recur_emu_mfma_f32_16x16x16bf16_1k(const uint16_t *a, const uint16_t *b,
                                          const float *c, float *d);
void __recur_emu_mfma_f32_16x16x4f32(const float *a, const float *b,
                                     const float *c, float *d);

#ifdef __cplusplus
}
#endif

#endif /* RECUR_RUNTIME_EMU_RECUREMUINTRINSICS_H */
