"""``from_torch``: a PyTorch ``state_dict`` (or a safetensors file saved from one) into a typedtorch module."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from typedtorch._backend import get_backend, host_from_buffer, is_host_array
from typedtorch._errors import ShapeError
from typedtorch._tensor import Tensor, make

from ._files import open_regular
from ._format import fail, read_header

if TYPE_CHECKING:
    from typedtorch.nn import Module

M = TypeVar("M", bound="Module")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _linear_weights(module: Module) -> set[str]:
    """The state names of ``nn.Linear`` weights: stored ``(in, out)`` here, ``(out, in)`` in PyTorch."""
    from typedtorch.nn import Linear

    names = set()
    params = {id(p): name for name, p in module.named_parameters()}
    for prefix, m in module.named_modules():
        if isinstance(m, Linear) and params.get(id(m.weight)) == _join(prefix, "weight"):
            names.add(_join(prefix, "weight"))
    return names


def _describe(value: Any) -> tuple[tuple[int, ...], str] | None:
    """Shape and dtype name of a torch tensor, a numpy array or a typedtorch tensor, without copying."""
    if isinstance(value, Tensor):
        return value.shape, value._backend.dtype_name(value._data)
    if is_host_array(value):
        return tuple(value.shape), str(value.dtype)
    if callable(getattr(value, "detach", None)) and hasattr(value, "shape") and hasattr(value, "dtype"):
        return tuple(value.shape), str(value.dtype).removeprefix("torch.")
    return None


def _host(value: Any) -> Any:
    """A numpy array with ``value``'s data (shared with a CPU torch tensor or numpy array)."""
    if isinstance(value, Tensor):
        return value.numpy()
    if is_host_array(value):
        return value
    return value.detach().cpu().numpy()


def from_torch(module: M, state: Mapping[str, Any] | str | os.PathLike[str]) -> M:
    """Load a PyTorch ``state_dict`` into ``module`` (which it returns), converting the layouts that differ.

    ``state`` is ``torch_model.state_dict()`` (torch tensors; numpy arrays work too)
    or the path of a safetensors file saved from one
    (``safetensors.torch.save_file(torch_model.state_dict(), path)``). Names are the
    same as in PyTorch when the modules are built alike (``fc1.weight``, ``0.bias``).
    An ``nn.Linear`` weight is ``(out, in)`` in PyTorch and ``(in, out)`` here, so it is
    transposed; every other tensor (biases, convolutions, embeddings, norms) has
    PyTorch's layout here and is copied as it is.

    Every name, shape and dtype is checked before anything changes: a missing or
    unexpected name, a shape that differs (after the transpose) or a dtype that
    differs is a :class:`typedtorch.ShapeError` naming the entry, and the module is
    left as it was. Then ``module.load_state_dict`` is called once.

    >>> import torch                                                    # doctest: +SKIP
    >>> from typedtorch import io, nn
    >>> theirs = torch.nn.Sequential(torch.nn.Linear(784, 10))          # doctest: +SKIP
    >>> ours = io.from_torch(nn.Linear(784, 10) >> nn.ReLU(), theirs.state_dict())  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    typedtorch.ShapeError: io.from_torch: the state does not match Sequential: missing '0.weight', '0.bias' ...
    """
    cls = type(module).__name__
    expected = module.state_dict()
    transposed = _linear_weights(module)
    where = "the state"
    if isinstance(state, str | os.PathLike):
        where = os.fspath(state)
        f = open_regular(state, lambda why: fail(where, f"not a safetensors file: {why}"))
        try:
            header = read_header(f, where)
            described: dict[str, tuple[tuple[int, ...], str] | None] = {
                name: (e.shape, e.dtype) for name, e in header.entries.items()
            }
            _check(expected, described, transposed, cls, where)
            values = {name: _read(f, header, name, where) for name in expected}
        finally:
            f.close()
    elif isinstance(state, Mapping):
        described = {str(k): _describe(v) for k, v in state.items()}
        _check(expected, described, transposed, cls, where)
        values = {name: _host(state[name]) for name in expected}
    else:
        raise TypeError(f"io.from_torch: expected a state_dict (a mapping) or a file path, got {type(state).__name__}")
    cpu = get_backend("cpu")
    converted = {name: make(cpu.from_host(v.T if name in transposed else v), cpu, None) for name, v in values.items()}
    module.load_state_dict(converted)
    return module


def _read(f: Any, header: Any, name: str, where: str) -> Any:
    entry = header.entries[name]
    f.seek(header.data_start + entry.begin)
    buf = bytearray(entry.nbytes)
    if f.readinto(buf) != entry.nbytes:
        raise fail(where, "the file changed while it was being read (it is shorter now)")
    return host_from_buffer(buf, entry.dtype, entry.shape, copy=False)


def _check(
    expected: Mapping[str, Any],
    given: dict[str, tuple[tuple[int, ...], str] | None],
    transposed: set[str],
    cls: str,
    where: str,
) -> None:
    missing = [name for name in expected if name not in given]
    unexpected = [name for name in given if name not in expected]
    if missing or unexpected:
        parts = []
        for what, names in (("missing", missing), ("unexpected", unexpected)):
            if names:
                shown = ", ".join(map(repr, names[:12])) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
                parts.append(f"{what} {shown}")
        raise ShapeError(f"io.from_torch: {where} does not match {cls}: {'; '.join(parts)}")
    for name, p in expected.items():
        info = given[name]
        if info is None:
            raise TypeError(f"io.from_torch: {name!r} in {where} is not a tensor")
        shape, dtype = info
        if name in transposed:
            if shape != p.shape[::-1]:
                raise ShapeError(
                    f"io.from_torch: parameter {name!r} (an nn.Linear weight) has shape {p.shape} in {cls}, so "
                    f"PyTorch's (out, in) layout is {p.shape[::-1]}, but {where} holds shape {shape}"
                )
        elif shape != p.shape:
            raise ShapeError(
                f"io.from_torch: parameter {name!r} has shape {p.shape} in {cls}, but {where} holds shape {shape}"
            )
        ours = p._backend.dtype_name(p._data)
        if dtype != ours:
            raise ShapeError(
                f"io.from_torch: parameter {name!r} has dtype {ours} in {cls}, but {where} holds {dtype} "
                "(from_torch refuses to convert; cast the PyTorch model, e.g. .float(), or the typedtorch one)"
            )
