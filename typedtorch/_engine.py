"""The backprop engine: recorded ops, the reverse walk, and grad mode.

Define-by-run reverse mode in the spirit of micrograd and Chainer: every op that
touches a tensor requiring grad leaves a :class:`Function` on its output, holding the
input tensors and whatever it saved to send the gradient back. ``backward()`` sorts
the recorded graph once, walks it in reverse, and hands each ``Function`` the
gradient of its output. The engine knows arrays only through ``xp``; it knows
nothing of layers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._backend import Array

if TYPE_CHECKING:
    from ._tensor import AnyTensor


class _GradMode(threading.local):
    # Thread-local as in PyTorch: a `no_grad` block in one thread leaves others recording.
    enabled = True


grad_mode = _GradMode()


@contextmanager
def no_grad() -> Iterator[None]:
    """Record nothing inside the block: no graph, no memory held for backward.

    >>> import typedtorch as tt
    >>> w = tt.ones(3, requires_grad=True)
    >>> with tt.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    previous = grad_mode.enabled
    grad_mode.enabled = False
    try:
        yield
    finally:
        grad_mode.enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record again inside a ``no_grad`` block."""
    previous = grad_mode.enabled
    grad_mode.enabled = True
    try:
        yield
    finally:
        grad_mode.enabled = previous


class Function:
    """One recorded op. Subclasses save what ``backward`` needs during forward.

    ``parents`` holds the op's inputs in order (``None`` for a Python scalar) and
    ``needs[i]`` says whether input ``i`` wants a gradient, so ``backward`` can skip
    work nobody asked for (for example the input gradient of a first layer).
    """

    __slots__ = ("parents", "needs")

    parents: tuple[AnyTensor | None, ...]
    needs: tuple[bool, ...]

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        """Gradients for each parent, given the gradient of the output."""
        raise NotImplementedError


class _Freed(Function):
    __slots__ = ()

    def backward(self, grad: Array) -> tuple[Array | None, ...]:  # pragma: no cover
        raise AssertionError("unreachable: freed graphs are refused before the walk")


# Marks tensors whose graph a completed backward() has released. A distinct marker,
# not None, so a second backward() is an error instead of a silent no-op.
FREED: Function = _Freed()


def unbroadcast(xp: Any, grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``grad`` back to ``shape``, undoing array-API broadcasting.

    The one helper every broadcasting op's backward goes through: leading dims that
    broadcasting added are summed away, and dims that were 1 are summed with
    ``keepdims``.
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    if axes:
        grad = xp.sum(grad, axis=axes)
    return xp.reshape(grad, shape)


def _topological(root: AnyTensor) -> list[AnyTensor]:
    """Tensors reachable from ``root`` that need a gradient, inputs before outputs."""
    order: list[AnyTensor] = []
    seen: set[int] = set()
    stack: list[tuple[AnyTensor, bool]] = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.append((t, True))
        node = t._node
        if node is None:
            continue
        if node is FREED:
            raise RuntimeError(
                "backward() through a graph that was already freed: a previous backward() "
                "released it; call backward(retain_graph=True) the first time to keep it"
            )
        for parent in node.parents:
            if parent is not None and parent.requires_grad and id(parent) not in seen:
                stack.append((parent, False))
    return order


def run_backward(root: AnyTensor, retain_graph: bool) -> None:
    """Accumulate d(root)/d(leaf) into ``.grad`` of every leaf that requires grad."""
    order = _topological(root)  # raises before any .grad changes
    xp = root._backend.xp
    data = root._data
    grads: dict[int, Array] = {id(root): xp.ones((), dtype=data.dtype, device=root._backend.native_device)}
    for t in reversed(order):
        g = grads.pop(id(t), None)
        node = t._node
        if node is None:  # a leaf
            if g is not None:
                # Out of place: `g` may be a view shared with another leaf's gradient.
                t._grad = g if t._grad is None else t._grad + g
            continue
        if not retain_graph:
            t._node = FREED
        if g is None:
            continue
        for parent, pg in zip(node.parents, node.backward(g), strict=True):
            if pg is None or parent is None or not parent.requires_grad:
                continue
            key = id(parent)
            prev = grads.get(key)
            grads[key] = pg if prev is None else prev + pg
