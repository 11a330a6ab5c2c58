"""Launches on a GPU (``RECUR_DEVICE=cuda``, NVIDIA; ``RECUR_DEVICE=rocm``, AMD).

GPU arrays go straight to kernels: anything with ``__cuda_array_interface__``
(torch and cupy tensors on the GPU, on ROCm builds too) or a DLPack producer
whose ``__dlpack_device__`` is a CUDA or ROCm device (jax). numpy arrays are
staged: copied to GPU memory before the launch and back after it, so a
script written for the CPU runs unchanged (at the cost of the copies).
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import device
from .launch import _NUMPY_TYPES


class DevicePointer:
    """A typed address in GPU memory, as a launch argument."""

    __slots__ = ("address", "dtype")

    def __init__(self, address: int, dtype):
        self.address = int(address)
        self.dtype = np.dtype(dtype)

    def pointer_type(self, name: str) -> str:
        try:
            return "*" + _NUMPY_TYPES[self.dtype]
        except KeyError:
            raise TypeError(f"argument '{name}': dtype {self.dtype} is not supported") from None


class Staging:
    """Replaces host arrays by GPU copies for one launch; ``finish`` copies
    them back and frees them."""

    def __init__(self, gpu=None):
        self.gpu = gpu or device.gpu()
        self.staged = []
        self.borrowed = []  # DLPack capsules, alive until the launch ends

    def argument(self, value, copy_back: bool = True):
        """The launch value of ``value``: GPU arrays as they are, host arrays
        as GPU copies (copied back by ``finish`` unless ``copy_back`` is
        false: arrays the kernel only reads)."""
        if isinstance(value, DevicePointer):
            return value
        interface = getattr(value, "__cuda_array_interface__", None)
        if interface is not None:
            return DevicePointer(interface["data"][0], np.dtype(interface["typestr"]))
        if hasattr(value, "__dlpack_device__") and not isinstance(value, np.ndarray):
            kind, _ = value.__dlpack_device__()
            if kind in _DLPACK_GPU_DEVICES:
                return self._from_dlpack(value)
        if isinstance(value, np.ndarray):
            if not value.flags.c_contiguous and not value.flags.f_contiguous:
                raise ValueError("numpy arguments of GPU launches must be contiguous")
            address = self.gpu.allocate(value.nbytes)
            self.staged.append((value, address, copy_back))
            self.gpu.copy_to_device(address, value.__array_interface__["data"][0], value.nbytes)
            return DevicePointer(address, value.dtype)
        return value

    def _from_dlpack(self, value):
        capsule = value.__dlpack__()
        address, dtype, contiguous, _ = _dlpack_tensor(capsule)
        if not contiguous:
            raise ValueError("GPU arrays passed through DLPack must be contiguous")
        self.borrowed.append(capsule)
        return DevicePointer(address, dtype)

    def finish(self, copy_back: bool = True):
        try:
            if copy_back:
                for array, address, wanted in self.staged:
                    if wanted:
                        self.gpu.copy_to_host(
                            array.__array_interface__["data"][0], address, array.nbytes
                        )
        finally:
            for _, address, _ in self.staged:
                self.gpu.release(address)
            self.staged = []
            self.borrowed = []


# DLPack's kDLCUDA, kDLCUDAManaged and kDLROCM device types.
_DLPACK_GPU_DEVICES = (2, 13, 10)


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", _DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", _DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


# DLPack type codes (kDLInt, kDLUInt, kDLFloat, kDLBfloat) and bits -> numpy.
_DLPACK_DTYPES = {
    (0, 8): np.int8,
    (0, 16): np.int16,
    (0, 32): np.int32,
    (0, 64): np.int64,
    (1, 8): np.uint8,
    (1, 16): np.uint16,
    (1, 32): np.uint32,
    (1, 64): np.uint64,
    (2, 16): np.float16,
    (2, 32): np.float32,
    (2, 64): np.float64,
    (6, 8): np.bool_,
}


def _dlpack_tensor(capsule):
    """(address, numpy dtype, contiguous, shape) of an unconsumed DLPack
    capsule.

    The capsule is read, not consumed: its producer keeps the memory alive
    for as long as the capsule lives.
    """
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    # A DLManagedTensor starts with its DLTensor.
    tensor = _DLTensor.from_address(get(capsule, b"dltensor"))
    key = (tensor.dtype.code, tensor.dtype.bits)
    if key == (4, 16):
        from .launch import _NUMPY_TYPES

        bf16 = [d for d, name in _NUMPY_TYPES.items() if name == "bf16"]
        if not bf16:
            raise TypeError("bfloat16 GPU arrays need the ml_dtypes package")
        dtype = bf16[0]
    elif key in _DLPACK_DTYPES and tensor.dtype.lanes == 1:
        dtype = np.dtype(_DLPACK_DTYPES[key])
    else:
        raise TypeError(f"DLPack dtype (code {key[0]}, {key[1]} bits) is not supported")
    shape = [tensor.shape[i] for i in range(tensor.ndim)]
    contiguous = True
    if tensor.strides:
        expected = 1
        for axis in reversed(range(tensor.ndim)):
            if shape[axis] != 1 and tensor.strides[axis] != expected:
                contiguous = False
            expected *= shape[axis]
    return (tensor.data or 0) + tensor.byte_offset, np.dtype(dtype), contiguous, tuple(shape)
