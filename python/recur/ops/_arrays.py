"""Operator arrays on the host and in GPU memory.

On the CPU and the emulated GPUs every operand is a contiguous numpy view.
On a GPU (``RECUR_DEVICE=cuda``/``rocm``) an operand already in GPU memory
-- a torch or cupy tensor on the GPU, any DLPack producer on a CUDA/ROCm
device, or an object with ``__cuda_array_interface__`` -- stays there as a
``GpuArray``: the operator reads its shape and dtype like numpy's, passes its
address to the kernel, and allocates the outputs beside it with the same
library (torch, cupy; a ``DeviceBuffer`` owned by Recur otherwise). Host
operands on a GPU are numpy arrays that the launch stages (runtime/cuda.py).
"""

from __future__ import annotations

import numpy as np

from ..runtime import device
from ..runtime.cuda import _DLPACK_GPU_DEVICES, DevicePointer, _dlpack_tensor
from ..runtime.launch import _NUMPY_TYPES, as_array


class GpuArray(DevicePointer):
    """A contiguous array in GPU memory: ``shape``, ``dtype`` (numpy's),
    ``address`` (a launch argument as it is), and ``value``, the object
    handed back to the caller."""

    __slots__ = ("shape", "value", "_keep")

    def __init__(self, value, address: int, shape, dtype, keep=None):
        super().__init__(address, dtype)
        self.value = value
        self.shape = tuple(int(n) for n in shape)
        self._keep = keep  # a DLPack capsule keeping the memory borrowed

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    def reshape(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
        if int(np.prod(shape, dtype=np.int64)) != self.size:
            raise ValueError(f"cannot reshape an array of shape {self.shape} into {shape}")
        value = self.value.reshape(shape) if hasattr(self.value, "reshape") else self.value
        return GpuArray(value, self.address, shape, self.dtype, self._keep)


class DeviceBuffer:
    """GPU memory owned by Recur, for outputs beside operands that are
    neither torch nor cupy tensors; freed when the last reference goes.
    ``__cuda_array_interface__`` lets torch (``torch.as_tensor``), cupy and
    numba take it without a copy."""

    def __init__(self, shape, dtype, gpu=None, address=None, owner=None):
        self.shape = tuple(int(n) for n in shape)
        self.dtype = np.dtype(dtype)
        self._gpu = gpu or device.gpu()
        self._owner = owner  # the buffer a reshaped view shares memory with
        nbytes = int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize
        self.address = address if address is not None else self._gpu.allocate(max(nbytes, 1))

    def __del__(self):
        if self._owner is None and getattr(self, "address", None) is not None:
            self._gpu.release(self.address)

    def reshape(self, shape):
        return DeviceBuffer(shape, self.dtype, self._gpu, self.address, self._owner or self)

    def get(self) -> np.ndarray:
        """A host copy."""
        out = np.empty(self.shape, self.dtype)
        if out.nbytes:
            self._gpu.copy_to_host(out.ctypes.data, self.address, out.nbytes)
        return out

    @property
    def __cuda_array_interface__(self):
        return {
            "shape": self.shape,
            "typestr": self.dtype.str,
            "data": (self.address, False),
            "strides": None,
            "version": 3,
        }

    def __repr__(self) -> str:
        return f"DeviceBuffer(shape={self.shape}, dtype={self.dtype})"


def _on_gpu_device() -> bool:
    return device.current() in device.GPU_DEVICES


def _gpu_array(value, name: str):
    """``value`` as a GpuArray when it lives in GPU memory, else None."""
    if isinstance(value, (np.ndarray, GpuArray)) or np.isscalar(value):
        return value if isinstance(value, GpuArray) else None
    if hasattr(value, "__dlpack_device__"):
        kind, _ = value.__dlpack_device__()
        if kind not in _DLPACK_GPU_DEVICES:
            return None
        capsule = value.__dlpack__()
        address, dtype, contiguous, shape = _dlpack_tensor(capsule)
        if not contiguous:
            raise ValueError(f"{name}: GPU arrays must be contiguous")
        return GpuArray(value, address, shape, dtype, capsule)
    interface = getattr(value, "__cuda_array_interface__", None)
    if interface is None:
        return None
    dtype = np.dtype(interface["typestr"])
    shape = tuple(interface["shape"])
    strides = interface.get("strides")
    if strides is not None and tuple(strides) != _contiguous_strides(shape, dtype.itemsize):
        raise ValueError(f"{name}: GPU arrays must be contiguous")
    return GpuArray(value, interface["data"][0], shape, dtype)


def _contiguous_strides(shape, itemsize):
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def operand(value, name: str, dtype=None):
    """An operator's array argument: a contiguous numpy array, or on a GPU
    device a GpuArray for memory already there. ``dtype`` converts host
    arrays; a GPU array must already have it (no silent device copy)."""
    if _on_gpu_device():
        array = _gpu_array(value, name)
        if array is not None:
            if dtype is not None and array.dtype != np.dtype(dtype):
                raise ValueError(f"{name}: must be {np.dtype(dtype)} on the GPU, got {array.dtype}")
            return array
    return np.ascontiguousarray(as_array(value, name), dtype=dtype)


def host(value, name: str) -> np.ndarray:
    """A numpy copy of a (small) array wherever it lives: offsets and
    initial values the operator reads on the host."""
    array = _gpu_array(value, name) if _on_gpu_device() else None
    if array is None:
        return np.ascontiguousarray(as_array(value, name))
    out = np.empty(array.shape, array.dtype)
    if out.nbytes:
        device.gpu().copy_to_host(out.ctypes.data, array.address, out.nbytes)
    return out


def _torch_dtype(torch, dtype):
    if dtype == np.float32:
        return torch.float32
    if dtype == np.float64:
        return torch.float64
    if dtype == np.float16:
        return torch.float16
    if _NUMPY_TYPES.get(dtype) == "bf16":
        return torch.bfloat16
    return getattr(torch, dtype.name)


def empty(shape, dtype, like):
    """An uninitialised output beside ``like``: numpy on the host; on the
    GPU a tensor of ``like``'s library (torch, cupy) or a DeviceBuffer."""
    return _allocate(shape, np.dtype(dtype), like, None)


def full(shape, fill, dtype, like):
    """An output filled with ``fill`` (a scalar, or host values of the
    output's shape), beside ``like``."""
    return _allocate(shape, np.dtype(dtype), like, fill)


def _allocate(shape, dtype, like, fill):
    if not isinstance(like, GpuArray):
        return np.empty(shape, dtype) if fill is None else np.full(shape, fill, dtype)
    module = type(like.value).__module__.split(".")[0]
    if module == "torch":
        import torch

        kind, where = _torch_dtype(torch, dtype), like.value.device
        if fill is None:
            value = torch.empty(shape, dtype=kind, device=where)
        elif np.isscalar(fill):
            value = torch.full(shape, fill, dtype=kind, device=where)
        else:
            value = torch.from_numpy(np.full(shape, fill, dtype)).to(where)
        return GpuArray(value, value.data_ptr(), shape, dtype)
    if module == "cupy":
        import cupy

        with like.value.device:
            if fill is None:
                value = cupy.empty(shape, dtype)
            else:
                value = cupy.asarray(np.full(shape, fill, dtype))
        return GpuArray(value, value.data.ptr, shape, dtype)
    value = DeviceBuffer(shape, dtype)
    out = GpuArray(value, value.address, shape, dtype)
    if fill is not None:
        source = np.full(shape, fill, dtype)
        if source.nbytes:
            device.gpu().copy_to_device(out.address, source.ctypes.data, source.nbytes)
    return out


def copy(array, like):
    """A fresh output holding ``array``'s values, beside ``like``."""
    if isinstance(array, GpuArray):
        array = host(array.value, "array")
    return full(array.shape, array, array.dtype, like)


def result(array):
    """What the caller gets back: numpy, or the GPU tensor itself."""
    return array.value if isinstance(array, GpuArray) else array
