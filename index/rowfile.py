"""Rows of a stored 2-D ``.npy`` array, read on demand with ``pread`` instead of mapped.

A question needs the vectors of a few dozen candidate passages and their sentences. Memory
mapping the whole vector files made every page a question ever touched count in the
serving process's resident memory (ext4 maps page-cache folios of up to 2 MB per fault, so
a few hundred questions touched most of a 300 MB file). Read with ``pread``, the bytes stay
in the kernel's page cache, shared by every process serving the build and reclaimable,
while the process holds only the rows it asked for. Runs of consecutive ids are read with
one call each: a passage's sentences are consecutive, so a question costs a few dozen
calls of a few microseconds.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

import numpy as np


class RowFile:
    """A read-only, row-indexable view of a C-ordered 2-D ``.npy`` file.

    ``rows[i]`` gives row ``i``; ``rows[a:b]`` and ``rows[ids]`` (any integer sequence, in
    any order, repeats allowed) give 2-D arrays; ``np.asarray(rows)`` reads everything.
    The file may be unlinked while open (an old build removed under a serving process):
    the descriptor keeps its bytes readable until the object is collected.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if len(shape) != 2 or fortran or dtype.hasobject:
            raise ValueError(f"{path}: not a C-ordered 2-D numeric array")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        size = os.path.getsize(path)
        if size < self._offset + self.shape[0] * self._row_bytes:
            raise ValueError(f"{path}: {size} bytes, too short for shape {list(self.shape)}")
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        n = self.shape[0]
        if isinstance(key, (int, np.integer)):
            i = int(key) + n if key < 0 else int(key)
            if not 0 <= i < n:
                raise IndexError(f"row {int(key)} out of range for {n} rows")
            return self._read(i, i + 1)[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1:
                return self._read(start, max(start, stop))
            key = np.arange(start, stop, step)
        return self._take(np.asarray(key, dtype=np.int64).reshape(-1))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self._read(0, self.shape[0])
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def _take(self, ids: np.ndarray) -> np.ndarray:
        n = self.shape[0]
        if not len(ids):
            return np.empty((0, self.shape[1]), dtype=self.dtype)
        if ids.min() < -n or ids.max() >= n:
            raise IndexError(f"row ids out of range for {n} rows")
        ids = np.where(ids < 0, ids + n, ids)
        wanted, where = np.unique(ids, return_inverse=True)
        out = np.empty((len(wanted), self.shape[1]), dtype=self.dtype)
        # Runs of consecutive ids: one read each.
        breaks = np.flatnonzero(np.diff(wanted) != 1) + 1
        for lo, hi in zip(
            np.concatenate(([0], breaks)), np.concatenate((breaks, [len(wanted)])), strict=True
        ):
            self._read_into(out[lo:hi], int(wanted[lo]))
        return out[where]

    def _read(self, start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, self.shape[1]), dtype=self.dtype)
        self._read_into(out, start)
        return out

    def _read_into(self, out: np.ndarray, first_row: int) -> None:
        if out.size == 0:
            return
        view = memoryview(out).cast("B")
        offset = self._offset + first_row * self._row_bytes
        done = 0
        while done < len(view):
            got = os.preadv(self._fd, [view[done:]], offset + done)
            if got <= 0:
                raise OSError(f"{self.path}: short read at byte {offset + done}")
            done += got
