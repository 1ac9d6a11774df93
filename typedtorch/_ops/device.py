"""Moving between devices, differentiably."""

from __future__ import annotations

from typedtorch._backend import Array, Backend
from typedtorch._engine import Function


class ToDevice(Function):
    """A copy to another device; the gradient travels back the same way."""

    __slots__ = ("source", "target")

    def __init__(self, source: Backend, target: Backend) -> None:
        self.source, self.target = source, target

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.source.from_host(self.target.to_host(g)),)
