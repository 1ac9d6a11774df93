"""The backprop engine: recorded ops, the reverse walk, and grad mode.

Define-by-run reverse mode in the spirit of micrograd and Chainer: every op that
touches a tensor requiring grad leaves a :class:`Function` on its output, holding the
input tensors and whatever it saved to send the gradient back. ``backward()`` sorts
the recorded graph once, walks it in reverse, and hands each ``Function`` the
gradient of its output. The engine knows arrays only through ``xp``; it knows
nothing of layers.
"""

from __future__ import annotations

import itertools
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

    __slots__ = ("parents", "needs", "seq")

    parents: tuple[AnyTensor | None, ...]
    needs: tuple[bool, ...]
    seq: int  # recording order; see `_collect`

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

# Sequence numbers for recorded ops (thread-safe under the GIL).
next_seq = itertools.count().__next__


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


def _collect(root: AnyTensor) -> list[AnyTensor]:
    """Recorded tensors reachable from ``root``, outputs before inputs.

    Every op takes a sequence number when it is recorded and an op's inputs exist
    before it runs, so sorting by that number, newest first, is a topological order;
    no post-order bookkeeping is needed. Refuses a freed graph before anything moves.
    """
    interior: list[AnyTensor] = []
    if root._node is None:
        return interior
    seen = {root}
    stack = [root]
    # Only recorded tensors are walked; leaves just receive gradients.
    while stack:
        t = stack.pop()
        node = t._node
        if node is FREED:
            raise RuntimeError(
                "backward() through a graph that was already freed: a previous backward() "
                "released it; call backward(retain_graph=True) the first time to keep it"
            )
        interior.append(t)
        for parent in node.parents:  # type: ignore[union-attr]
            if parent is not None and parent._node is not None and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    interior.sort(key=_seq, reverse=True)
    return interior


def _seq(t: AnyTensor) -> int:
    return t._node.seq  # type: ignore[union-attr]


def run_backward(root: AnyTensor, retain_graph: bool) -> None:
    """Accumulate d(root)/d(leaf) into ``.grad`` of every leaf that requires grad.

    Gradients are gathered per tensor (tensors hash by identity) and written to the
    leaves only at the end, so an error anywhere leaves every ``.grad`` as it was.
    """
    interior = _collect(root)
    backend = root._backend
    grads: dict[AnyTensor, Array] = {root: backend.one(root._data.dtype)}
    for t in interior:
        g = grads.pop(t, None)
        node = t._node
        if not retain_graph:
            t._node = FREED
        if g is None or node is None:  # no gradient reached it (e.g. through argmax)
            continue
        # Ops return None for inputs whose `needs` flag is off, so no other filter here.
        for parent, pg in zip(node.parents, node.backward(g), strict=False):  # equal by construction
            if pg is not None:
                prev = grads.get(parent)  # type: ignore[arg-type]
                grads[parent] = pg if prev is None else prev + pg  # type: ignore[index]
    # What is left are the leaves. Out of place: `g` may be a view shared with another
    # leaf's gradient, so it is never accumulated into.
    for leaf, g in grads.items():
        leaf._grad = g if leaf._grad is None else leaf._grad + g
