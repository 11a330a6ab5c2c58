/*===- CApi.h - Recur's C API for ahead-of-time kernels -----------*- C -*-===*\
|*                                                                            *|
|* Kernels compiled by recurc call into this API, and C or C++ programs that  *|
|* use them include it (installed as <recur/recur.h>). It needs no Python,    *|
|* MLIR or LLVM at run time.                                                  *|
\*===----------------------------------------------------------------------===*/

#ifndef RECUR_RUNTIME_CAPI_H
#define RECUR_RUNTIME_CAPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a Recur call returns: RECUR_SUCCESS (0) or what went wrong. */
typedef enum recur_status {
  RECUR_SUCCESS = 0,
  RECUR_ERROR_INVALID_ARGUMENT = 1,
  RECUR_ERROR_COMPILE = 2,
  RECUR_ERROR_NOT_FOUND = 3,
  RECUR_ERROR_LAUNCH = 4,
  RECUR_ERROR_ASSERTION = 5,
  RECUR_ERROR_INTERNAL = 6,
  RECUR_ERROR_DRIVER_NOT_FOUND = 7
} recur_status_t;

/** A stream of launches. CPU kernels: NULL, the default worker pool (one
 *  worker per hardware thread, or RECUR_NUM_THREADS); CPU launches are
 *  synchronous. GPU kernels: a CUstream (cuda:*) or a hipStream_t (rocm:*)
 *  cast to recur_stream_t, NULL being the default stream of the current
 *  context (CUDA; device 0's primary context when none is current) or
 *  device (HIP); GPU launches are asynchronous, ordered on the stream. */
typedef struct recur_stream *recur_stream_t;

/** The kinds of kernel arguments, in the order of the runtime's ArgKind. */
typedef enum recur_arg_kind {
  RECUR_ARG_PTR = 0,
  RECUR_ARG_I1 = 1,
  RECUR_ARG_I8 = 2,
  RECUR_ARG_I16 = 3,
  RECUR_ARG_I32 = 4,
  RECUR_ARG_I64 = 5,
  RECUR_ARG_F32 = 6,
  RECUR_ARG_F64 = 7
} recur_arg_kind_t;

/** A static description of a status ("invalid argument"); never NULL. */
const char *recur_status_string(recur_status_t status);

/** The message of this thread's last failed call ("" if none). */
const char *recur_last_error(void);

/** Records `message` as this thread's last error and returns `status`
 *  (how generated wrappers report a bad argument). */
recur_status_t recur_set_error(recur_status_t status, const char *message);

/** Runs programs [0, gx*gy*gz) of a kernel's packed entry (what recurc puts
 *  in its objects) on `stream`. `values[i]` points at argument i, stored in
 *  the width of `kinds[i]` (a pointer argument: the address of the pointer).
 *  Never throws: failures return a status and set recur_last_error(). */
recur_status_t recur_cpu_launch(recur_stream_t stream, const char *kernel,
                                void (*entry)(void **),
                                const recur_arg_kind_t *kinds,
                                void *const *values, int32_t num_args,
                                int64_t gx, int64_t gy, int64_t gz);

/** The GPU platforms of recur_gpu_kernel_t. */
typedef enum recur_gpu_platform {
  RECUR_GPU_CUDA = 0, /* a cubin, launched through libcuda */
  RECUR_GPU_HIP = 1   /* an HSACO code object, launched through HIP */
} recur_gpu_platform_t;

/** A GPU kernel embedded in an ahead-of-time object: recurc defines one per
 *  C function, with `state` NULL. The binary is loaded on the first launch
 *  in each CUDA context (HIP device), once even when threads race. */
typedef struct recur_gpu_kernel {
  const char *name;      /* the C function, for messages */
  const char *function;  /* the kernel's symbol in the binary */
  const void *binary;    /* a cubin or an HSACO code object */
  uint64_t binary_size;  /* its size in bytes */
  int32_t platform;      /* a recur_gpu_platform_t */
  uint32_t threads;      /* threads per block (along x) */
  uint32_t shared_bytes; /* dynamic shared memory per block */
  void *state;           /* the runtime's; NULL until the first launch */
} recur_gpu_kernel_t;

/** Launches `kernel` on a gx x gy x gz grid on `stream`; `args[i]` points at
 *  argument i in its own width (a pointer argument: the address of the
 *  device pointer). Asynchronous; a grid with a zero dimension launches
 *  nothing. Never throws: without the driver it returns
 *  RECUR_ERROR_DRIVER_NOT_FOUND, and recur_last_error() says which library
 *  is missing. */
recur_status_t recur_gpu_launch(recur_stream_t stream,
                                recur_gpu_kernel_t *kernel, void **args,
                                int64_t gx, int64_t gy, int64_t gz);

/** Sets `bytes` bytes of device memory at `pointer` to `value` on `stream`,
 *  in the context (device) `kernel` launches in. */
recur_status_t recur_gpu_memset(recur_stream_t stream,
                                recur_gpu_kernel_t *kernel, void *pointer,
                                int32_t value, uint64_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* RECUR_RUNTIME_CAPI_H */
