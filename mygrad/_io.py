"""Saving and loading tensors (NumPy ``.npz`` files)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from mygrad._core.tensor import Tensor

__all__ = ["save", "load"]

_FORMAT = "mygrad-tensor-1"


def save(file: Any, tensor: Tensor) -> None:
    """Save a tensor: its data, its gradient (if any) and its ``constant`` flag.

    ``file`` is a path (``.npz`` is appended if missing) or a writeable binary
    file object.

    >>> import io, mygrad as mg
    >>> buf = io.BytesIO()
    >>> x = mg.tensor([1., 2.])
    >>> (x * x).backward()
    >>> mg.save(buf, x)
    >>> _ = buf.seek(0)
    >>> y = mg.load(buf)
    >>> y, y.grad, y.constant
    (Tensor([1., 2.]), array([2., 4.]), False)
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"mygrad.save saves a Tensor, got {type(tensor).__name__}")
    arrays = {"data": tensor.data, "constant": np.array(tensor.constant), "format": np.array(_FORMAT)}
    grad = tensor.grad
    if grad is not None:
        arrays["grad"] = np.asarray(grad)
    np.savez(file, **arrays)


def _bad_zip() -> type:
    import zipfile  # (the standard library's; imported only when a file is loaded)

    return zipfile.BadZipFile


def _why(e: BaseException) -> str:
    """What is wrong with the file, in words (NumPy's own message may suggest
    loading pickled data, which mygrad never saves and never loads)."""
    text = str(e)
    if "pickle" in text.lower():
        return "it is not an .npz archive of arrays (NumPy takes it for pickled Python data, which mygrad never loads)"
    if type(e).__name__ == "BadZipFile":
        return "it is not a complete .npz archive (truncated or another format)"
    if isinstance(e, EOFError):
        return "it is empty"
    return f"{text} ({type(e).__name__})" if text else type(e).__name__


def load(file: Any) -> Tensor:
    """Load a tensor saved by :func:`save` (with ``allow_pickle=False``).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` for a
    file that is truncated or not a saved tensor.
    """
    name = os.fspath(file) if isinstance(file, (str, os.PathLike)) else getattr(file, "name", "<file object>")
    try:
        npz = np.load(file, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError("it is a plain .npy array, not an .npz archive")
        with npz:
            if "data" not in npz.files:
                raise ValueError("it holds no 'data' array")
            data = npz["data"]
            constant = bool(npz["constant"]) if "constant" in npz.files else None
            grad = npz["grad"] if "grad" in npz.files else None
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, KeyError, IndexError, _bad_zip()) as e:
        raise ValueError(f"{name!r} is not a tensor saved by mygrad.save: {_why(e)}") from None
    out = Tensor(data, constant=constant, copy=False)
    if grad is not None and not out.constant:
        if grad.shape != out.shape:
            raise ValueError(f"{name!r}: the saved gradient's shape {grad.shape} does not match the data's {out.shape}")
        out._grad = grad.astype(out.dtype, copy=False)
    return out
