# ruff: noqa: F722
"""jaxtyping annotations on typedtorch tensors, alone and mixed with shape types."""

# (F722: jaxtyping shape strings such as "b 784" are not Python expressions.)

from __future__ import annotations

from typing import Any, TypeVar
from typing import Literal as L

import pytest
from beartype import beartype
from jaxtyping import Float, Int, Shaped, jaxtyped
from jaxtyping._storage import _has_shape_memo

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

B = TypeVar("B")


def test_jaxtyping_reads_shape_and_dtype_of_a_tensor() -> None:
    assert isinstance(tt.zeros(4, 784), Float[Tensor, "b 784"])
    assert not isinstance(tt.zeros(4, 100), Float[Tensor, "b 784"])
    assert isinstance(tt.tensor([1, 2]), Int[Tensor, " n"])
    assert not isinstance(tt.tensor([1, 2]), Float[Tensor, " n"])  # int64 is not a float dtype
    assert isinstance(tt.zeros(2, 3, device="strict"), Float[Tensor, "2 3"])  # array-api-strict dtypes too
    assert isinstance(tt.zeros(2, 3), Shaped[Tensor, "*batch 3"])


@tt.checked
def pairs(x: Float[Tensor, "b 3"], y: Float[Tensor, " b"]) -> Float[Tensor, " b"]:
    return y


def test_checked_binds_jaxtyping_dims_per_call() -> None:
    assert pairs(tt.zeros(4, 3), tt.zeros(4)).shape == (4,)
    with pytest.raises(tt.ShapeError) as e:
        pairs(tt.zeros(4, 3), tt.zeros(5))
    assert str(e.value) == (
        "pairs() parameter 'y': expected Float[Tensor, 'b'], got shape (5,) "
        "(the size of dimension b is 5 which does not equal the existing value of 4); bound so far: b=4"
    )
    assert not _has_shape_memo()  # every pushed memo was popped


def test_checked_reports_jaxtyping_dtype_errors() -> None:
    with pytest.raises(tt.ShapeError, match=r"pairs\(\) parameter 'x'.*this array has dtype int64"):
        pairs(tt.tensor([[1, 2, 3]]), tt.zeros(1))


@tt.checked
def mixed(x: Float[Tensor, "B 3"], y: Matrix[B, L[2]]) -> Vector[B]:
    return y.sum(dim=1)


def test_dims_are_shared_between_both_styles() -> None:
    # jaxtyping's "B" and the TypeVar B are one dim (both keyed by name).
    assert mixed(tt.zeros(4, 3), tt.zeros(4, 2)).shape == (4,)
    with pytest.raises(tt.ShapeError) as e:
        mixed(tt.zeros(4, 3), tt.zeros(5, 2))
    assert str(e.value) == (
        "mixed() parameter 'y': expected Matrix[B, 2], got shape (5, 2) (dim 0 is 5, but B=4); bound so far: B=4"
    )


def test_shared_dims_reach_the_return() -> None:
    @tt.checked
    def bad(x: Matrix[B, L[3]]) -> Float[Tensor, " B"]:
        return x[0]  # type: ignore[return-value]

    with pytest.raises(tt.ShapeError, match=r"bad\(\) return: expected Float\[Tensor, 'B'\], got shape \(3,\)"):
        bad(tt.zeros(2, 3))


def test_shape_types_under_jaxtypeds_own_decorator_share_its_memo() -> None:
    @jaxtyped(typechecker=beartype)
    def jt(x: Float[Tensor, "B 3"], y: Matrix[B, L[2]]) -> Vector[B]:
        return y.sum(dim=1)

    assert jt(tt.zeros(4, 3), tt.zeros(4, 2)).shape == (4,)
    with pytest.raises(Exception, match="parameter 'y'"):
        jt(tt.zeros(4, 3), tt.zeros(5, 2))


def test_nested_jaxtyping_calls_do_not_share_bindings() -> None:
    @tt.checked
    def outer(x: Float[Tensor, "b n"]) -> Float[Tensor, "b n"]:
        pairs(tt.zeros(7, 3), tt.zeros(7))  # its own b
        return x

    assert outer(tt.zeros(2, 5)).shape == (2, 5)


def test_async_with_jaxtyping_annotations_is_refused() -> None:
    async def f(x: Float[Tensor, " b"]) -> None: ...

    with pytest.raises(TypeError, match="jaxtyping annotations on an async function are not supported"):
        tt.checked(f)


def test_strict_mypy_spelling_with_an_any_rank_array_type() -> None:
    # mypy --strict wants Tensor's type arguments; the any-rank shape type is a fine
    # array type for jaxtyping at run time.
    AnyTensor = Tensor[*tuple[Any, ...]]

    @tt.checked
    def f(x: Float[AnyTensor, "B 784"], y: Matrix[B, L[10]]) -> None: ...

    f(tt.zeros(2, 784), tt.zeros(2, 10))
    with pytest.raises(tt.ShapeError, match=r"parameter 'y'.*dim 0 is 3, but B=2"):
        f(tt.zeros(2, 784), tt.zeros(3, 10))
