"""Launches on an NVIDIA GPU (``RECUR_DEVICE=cuda``).

GPU arrays (anything with ``__cuda_array_interface__``: torch and cupy
tensors on the GPU) go straight to kernels. numpy arrays are staged: copied
to GPU memory before the launch and back after it, so a script written for
the CPU runs unchanged (at the cost of the copies).
"""

from __future__ import annotations

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

    def __init__(self):
        self.gpu = device.cuda()
        self.staged = []

    def argument(self, value):
        interface = getattr(value, "__cuda_array_interface__", None)
        if interface is not None:
            return DevicePointer(interface["data"][0], np.dtype(interface["typestr"]))
        if isinstance(value, np.ndarray):
            if not value.flags.c_contiguous and not value.flags.f_contiguous:
                raise ValueError("numpy arguments of GPU launches must be contiguous")
            address = self.gpu.allocate(value.nbytes)
            self.staged.append((value, address))
            self.gpu.copy_to_device(address, value.__array_interface__["data"][0], value.nbytes)
            return DevicePointer(address, value.dtype)
        return value

    def finish(self, copy_back: bool = True):
        try:
            if copy_back:
                for array, address in self.staged:
                    self.gpu.copy_to_host(
                        array.__array_interface__["data"][0], address, array.nbytes
                    )
        finally:
            for _, address in self.staged:
                self.gpu.release(address)
            self.staged = []
