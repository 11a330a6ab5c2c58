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
  RECUR_ERROR_INTERNAL = 6
} recur_status_t;

/** A stream of launches; NULL is the default CPU worker pool (one worker per
 *  hardware thread, or RECUR_NUM_THREADS). CPU launches are synchronous. */
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

#ifdef __cplusplus
}
#endif

#endif /* RECUR_RUNTIME_CAPI_H */
