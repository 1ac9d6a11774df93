"""The backprop engine: recorded ops, the reverse walk, version counters and grad mode.

Define-by-run reverse mode in the spirit of micrograd and Chainer: every op that
touches a tensor requiring grad leaves a :class:`Function` on its output, holding the
input tensors and whatever it saved to send the gradient back. ``backward()`` sorts
the recorded graph once, checks that nothing it saved was modified in place since,
walks it in reverse, and hands each ``Function`` the gradient of its output. The
engine knows arrays only through ``xp``; it knows nothing of layers or of any op.

Version counters
    Every tensor has one (``tensor._version``, a one-element list shared by a tensor
    and its views, which share memory). An in-place op bumps it. When an op is
    recorded, the versions of its inputs are noted; ``backward()`` refuses to run an op
    whose saved inputs (or output) have changed since, instead of computing a gradient
    from the new values.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from ._backend import Array

if TYPE_CHECKING:
    from ._tensor import AnyTensor

# ------------------------------------------------------------------------ grad mode

# A ContextVar, not a thread-local: a `no_grad()` block held across an `await` must not
# stop recording in the other asyncio tasks (nor in other threads).
_grad_enabled: ContextVar[bool] = ContextVar("typedtorch_grad_enabled", default=True)


class _GradMode:
    """``grad_mode.enabled``: whether ops record a graph in the current context."""

    __slots__ = ()

    @property
    def enabled(self) -> bool:
        return _grad_enabled.get()


grad_mode = _GradMode()

PS = ParamSpec("PS")
T = TypeVar("T")


class _SetGrad:
    """A context manager and decorator that sets grad mode, restoring it afterwards."""

    __slots__ = ("mode", "_tokens")

    def __init__(self, mode: bool) -> None:
        self.mode = mode
        self._tokens: list[Any] = []

    def __enter__(self) -> None:
        self._tokens.append(_grad_enabled.set(self.mode))

    def __exit__(self, *exc: object) -> None:
        _grad_enabled.reset(self._tokens.pop())

    def __call__(self, fn: Callable[PS, T]) -> Callable[PS, T]:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: PS.args, **kwargs: PS.kwargs) -> T:
            token = _grad_enabled.set(mode)
            try:
                return fn(*args, **kwargs)
            finally:
                _grad_enabled.reset(token)

        return wrapper


F = TypeVar("F", bound=Callable[..., Any])


@overload
def no_grad() -> _SetGrad: ...
@overload
def no_grad(fn: F, /) -> F: ...
def no_grad(fn: Callable[..., Any] | None = None, /) -> Any:
    """Record nothing: ``with tt.no_grad():``, ``@tt.no_grad()`` or ``@tt.no_grad``.

    Per thread and per asyncio task. Inside, in-place updates of parameters are
    allowed (the manual SGD step).

    >>> import typedtorch as tt
    >>> w = tt.ones(3, requires_grad=True)
    >>> with tt.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    return _SetGrad(False) if fn is None else _SetGrad(False)(fn)


@overload
def enable_grad() -> _SetGrad: ...
@overload
def enable_grad(fn: F, /) -> F: ...
def enable_grad(fn: Callable[..., Any] | None = None, /) -> Any:
    """Record again inside a ``no_grad`` block (a context manager or a decorator)."""
    return _SetGrad(True) if fn is None else _SetGrad(True)(fn)


def set_grad_enabled(mode: bool) -> _SetGrad:
    """``with tt.set_grad_enabled(training):`` records only when ``mode`` is true."""
    return _SetGrad(bool(mode))


def is_grad_enabled() -> bool:
    """Whether ops record a graph here and now."""
    return _grad_enabled.get()


# --------------------------------------------------------------------- functions

# Sequence numbers for recorded ops (thread-safe under the GIL).
next_seq = itertools.count().__next__


class Function:
    """One recorded op. Subclasses save what ``backward`` needs during forward.

    ``parents`` holds the op's inputs in order (``None`` for a Python scalar) and
    ``needs[i]`` says whether input ``i`` wants a gradient, so ``backward`` can skip
    work nobody asked for (for example the input gradient of a first layer).

    Setting ``seq`` (the last step of recording an op: ``fn.seq = next_seq()``) also
    notes the version of every input, so ``backward()`` can tell if one was modified
    in place afterwards. An op whose backward reads none of its inputs' values sets
    ``saves_inputs = False``; one that reads its own output sets ``saves_output = True``.
    """

    __slots__ = ("parents", "needs", "_seq", "versions", "out_version")

    parents: tuple[AnyTensor | None, ...]
    needs: tuple[bool, ...]
    versions: tuple[int, ...]
    out_version: int
    saves_inputs: bool = True
    saves_output: bool = False

    @property
    def seq(self) -> int:
        """Recording order; see :func:`_collect`."""
        return self._seq

    @seq.setter
    def seq(self, value: int) -> None:
        self._seq = value
        self.out_version = 0
        versions = []
        for p in self.parents:
            if p is None:
                versions.append(0)
            else:
                versions.append(p._version[0])
                p._uses += 1
        self.versions = tuple(versions)

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

_FREED_MESSAGE = (
    "backward() through a graph that was already freed: a previous backward() "
    "released it; call backward(retain_graph=True) the first time to keep it"
)


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


# ----------------------------------------------------------------------- the walk


def _collect(root: AnyTensor) -> list[AnyTensor]:
    """Recorded tensors reachable from ``root``, outputs before inputs.

    Every op takes a sequence number when it is recorded and an op's inputs exist
    before it runs, so sorting by that number, newest first, is a topological order;
    no post-order bookkeeping is needed. Refuses a freed graph, and one where a saved
    tensor was modified in place, before anything moves.
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
            raise RuntimeError(_FREED_MESSAGE)
        assert node is not None
        _check_versions(t, node)
        interior.append(t)
        for parent in node.parents:
            if parent is not None and parent._node is not None and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    interior.sort(key=_seq, reverse=True)
    return interior


def _check_versions(t: AnyTensor, node: Function) -> None:
    op = type(node).__name__
    if node.saves_inputs:
        for i, (parent, v) in enumerate(zip(node.parents, node.versions, strict=True)):
            if parent is not None and parent._version[0] != v:
                raise RuntimeError(
                    f"backward(): input {i} of {op} (shape {parent.shape}) was modified in place after "
                    f"{op} saved it for the gradient (version {v}, now {parent._version[0]}); "
                    "modify a copy (x.clone()) or do the in-place update after backward()"
                )
    if node.saves_output and t._version[0] != node.out_version:
        raise RuntimeError(
            f"backward(): the output of {op} (shape {t.shape}) was modified in place after {op} "
            f"saved it for the gradient (version {node.out_version}, now {t._version[0]}); "
            "modify a copy (x.clone()) instead"
        )


def _seq(t: AnyTensor) -> int:
    return t._node._seq  # type: ignore[union-attr]


def compute_grads(root: AnyTensor, retain_graph: bool) -> dict[AnyTensor, Array]:
    """d(root)/d(leaf) for every leaf the graph reaches, without touching any ``.grad``.

    Gradients are gathered per tensor (tensors hash by identity). The graph is freed
    on the way unless ``retain_graph``; every check happens before the walk starts.
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
                assert parent is not None
                prev = grads.get(parent)
                grads[parent] = pg if prev is None else prev + pg
    # What is left are the leaves.
    return grads


def run_backward(root: AnyTensor, retain_graph: bool) -> None:
    """Accumulate d(root)/d(leaf) into ``.grad`` of every leaf that requires grad.

    Written to the leaves only at the end, so an error anywhere leaves every ``.grad``
    as it was.
    """
    grads = compute_grads(root, retain_graph)
    # Out of place: `g` may be a view shared with another leaf's gradient, so it is
    # never accumulated into.
    for leaf, g in grads.items():
        if leaf.requires_grad:
            leaf._grad = g if leaf._grad is None else leaf._grad + g
