"""Every error the library raises at run time, with its exact text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import typedtorch as tt

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def raises(exc: type[BaseException], message: str, fn: Callable[[], object]) -> None:
    """``fn()`` raises ``exc`` whose message is exactly ``message``."""
    with pytest.raises(exc, match=f"^{re.escape(message)}$"):
        fn()


def test_shape_error_is_a_type_error() -> None:
    assert issubclass(tt.ShapeError, TypeError)
    assert issubclass(tt.DeviceError, RuntimeError)
    with pytest.raises(TypeError):
        tt.zeros(4, 2) @ tt.zeros(3, 5)  # type: ignore[operator]


# --------------------------------------------------------------------------- matmul


@pytest.mark.parametrize(
    ("sa", "sb", "message"),
    [
        ((4, 2), (3, 5), "matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)"),
        ((4, 2), (3,), "matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3] (2 != 3)"),
        ((2,), (3,), "matmul: inner dimensions differ: Tensor[2] @ Tensor[3] (2 != 3)"),
        ((2,), (3, 5), "matmul: inner dimensions differ: Tensor[2] @ Tensor[3, 5] (2 != 3)"),
        ((7, 4, 2), (7, 3, 5), "matmul: inner dimensions differ: Tensor[7, 4, 2] @ Tensor[7, 3, 5] (2 != 3)"),
        (
            (2, 4, 3),
            (5, 3, 2),
            "matmul: batch dimensions do not broadcast: Tensor[2, 4, 3] @ Tensor[5, 3, 2] (dim 0: 2 != 5)",
        ),
        (
            (2, 1, 3, 4),
            (5, 4, 2),
            "matmul: batch dimensions do not broadcast: Tensor[2, 1, 3, 4] @ Tensor[5, 4, 2] (hidden outer product: "
            "would stretch dim 1 of Tensor[2, 1] (size 1) across 5 while adding a dim to Tensor[5])",
        ),
        ((), (3,), "matmul: a Scalar operand: Tensor[()] @ Tensor[3] (@ needs at least one dim on each side)"),
        ((3,), (), "matmul: a Scalar operand: Tensor[3] @ Tensor[()] (@ needs at least one dim on each side)"),
    ],
    ids=str,
)
def test_matmul_mismatch(device: str, sa: tuple[int, ...], sb: tuple[int, ...], message: str) -> None:
    a = tt.zeros(*sa, device=device, requires_grad=True)
    b = tt.zeros(*sb, device=device)
    raises(tt.ShapeError, message, lambda: a @ b)


# ---------------------------------------------------------------------- elementwise


@pytest.mark.parametrize(
    ("name", "sym", "fn"),
    [
        ("add", "+", lambda a, b: a + b),
        ("sub", "-", lambda a, b: a - b),
        ("mul", "*", lambda a, b: a * b),
        ("div", "/", lambda a, b: a / b),
        ("floor_divide", "//", lambda a, b: a // b),
        ("remainder", "%", lambda a, b: a % b),
        ("remainder", "%", tt.remainder),
        ("maximum", "and", tt.maximum),
        ("gt", ">", lambda a, b: a > b),
        ("ge", ">=", lambda a, b: a >= b),
        ("lt", "<", lambda a, b: a < b),
        ("le", "<=", lambda a, b: a <= b),
        ("eq", "==", lambda a, b: a.eq(b)),
        ("eq", "==", lambda a, b: a == b),
        ("ne", "!=", lambda a, b: a != b),
    ],
)
def test_elementwise_mismatch(device: str, name: str, sym: str, fn: Callable[[Any, Any], Any]) -> None:
    a = tt.zeros(4, 2, device=device, requires_grad=True)
    b = tt.zeros(3, device=device)
    raises(
        tt.ShapeError,
        f"{name}: shapes do not broadcast: Tensor[4, 2] {sym} Tensor[3] (last dim: 2 != 3)",
        lambda: fn(a, b),
    )
    raises(
        tt.ShapeError,
        f"{name}: shapes do not broadcast: Tensor[3] {sym} Tensor[4, 2] (last dim: 3 != 2)",
        lambda: fn(b, a),
    )


def test_integer_division_by_zero(device: str) -> None:
    # PyTorch raises too; numpy would give 0. Floats give inf and nan, as in PyTorch.
    x = tt.tensor([7, -7], device=device)
    raises(ZeroDivisionError, "floor_divide: integer division by zero", lambda: x // 0)
    raises(ZeroDivisionError, "remainder: integer division by zero", lambda: x % 0)
    divisor = tt.tensor([2, 0], device=device)
    raises(ZeroDivisionError, "floor_divide: integer division by zero (a divisor element is 0)", lambda: x // divisor)
    raises(ZeroDivisionError, "remainder: integer division by zero (a divisor element is 0)", lambda: 5 % divisor)
    raises(
        ZeroDivisionError,
        "floor_divide: integer division by zero (a divisor element is 0)",
        lambda: x.floor_divide_(divisor),
    )
    assert x.tolist() == [7, -7]  # the failed in-place op changed nothing
    flags = tt.tensor([True, False], device=device)
    raises(TypeError, "floor_divide: needs numeric tensors, got two bool tensors", lambda: flags // flags)


def test_where_mismatch(device: str) -> None:
    a = tt.zeros(4, 2, device=device)
    b = tt.zeros(3, device=device)
    raises(tt.ShapeError, "where: shapes do not broadcast: Tensor[4, 2] and Tensor[3] (last dim: 2 != 3)", lambda: tt.where(a > 0, a, b))  # fmt: skip
    raises(tt.ShapeError, "where: shapes do not broadcast: Tensor[3] and Tensor[4, 2] (last dim: 3 != 2)", lambda: tt.where(b > 0, a, 0.0))  # fmt: skip


def test_where_argument_types(device: str) -> None:
    a = tt.zeros(2, device=device)
    raises(
        TypeError,
        "where: condition must be a typedtorch Tensor, got list; wrap data with tt.tensor()",
        lambda: tt.where([True, False], a, a),
    )  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^where: condition must be boolean, got dtype .*float32$"):
        tt.where(a, a, a)
    raises(
        TypeError, "where: unsupported operand type str; wrap arrays with tt.tensor()", lambda: tt.where(a > 0, "x", a)
    )  # type: ignore[arg-type]


# ------------------------------------------------------------------- cat and stack


def test_cat_mismatch(device: str) -> None:
    a, b = tt.zeros(2, 3, device=device), tt.zeros(2, 4, device=device)
    differ = "cat: tensors 0 and 1 differ in dim 1: Tensor[2, 3] and Tensor[2, 4] (3 != 4); only dim 0 may differ"
    raises(tt.ShapeError, differ, lambda: tt.cat([a, b]))
    raises(tt.ShapeError, differ, lambda: tt.cat([a, b], dim=-2))
    raises(tt.ShapeError, "cat: tensors 0 and 1 have different ranks: Tensor[2, 3] and Tensor[3]", lambda: tt.cat([a, tt.zeros(3, device=device)]))  # fmt: skip
    c = tt.zeros(3, 3, device=device)
    raises(tt.ShapeError, "cat: tensors 0 and 1 differ in dim 0: Tensor[2, 3] and Tensor[3, 3] (2 != 3); only dim 1 may differ", lambda: tt.cat([a, c], dim=1))  # fmt: skip


def test_stack_mismatch(device: str) -> None:
    a, b = tt.zeros(2, 3, device=device), tt.zeros(3, 3, device=device)
    differ = "stack: tensors 0 and {i} have different shapes: Tensor[2, 3] and Tensor[3, 3] (dim 0: 2 != 3); stack needs equal shapes"  # fmt: skip
    raises(tt.ShapeError, differ.format(i=1), lambda: tt.stack([a, b]))
    raises(tt.ShapeError, differ.format(i=2), lambda: tt.stack([a, a, b], dim=-1))


def test_cat_stack_arguments(device: str) -> None:
    a = tt.zeros(2, device=device)
    raises(ValueError, "cat: expected a non-empty sequence of tensors", lambda: tt.cat([]))
    raises(ValueError, "stack: expected a non-empty sequence of tensors", lambda: tt.stack([]))
    raises(
        TypeError,
        "cat: tensor 1 must be a typedtorch Tensor, got ndarray; wrap data with tt.tensor()",
        lambda: tt.cat([a, np.zeros(2)]),
    )  # type: ignore[list-item]
    raises(IndexError, "cat: dim=1 is out of range for rank-1 tensors", lambda: tt.cat([a, a], dim=1))
    raises(
        IndexError,
        "stack: dim=2 is out of range for stacking rank-1 tensors (from -2 to 1)",
        lambda: tt.stack([a, a], dim=2),
    )
    raises(
        IndexError,
        "stack: dim=-3 is out of range for stacking rank-1 tensors (from -2 to 1)",
        lambda: tt.stack([a, a], dim=-3),
    )


# --------------------------------------------------------------- shapes and indexing


def test_reshape_wrong_size(device: str) -> None:
    x = tt.zeros(2, 3, device=device, requires_grad=True)
    raises(
        tt.ShapeError, "reshape: cannot reshape Tensor[2, 3] (6 elements) into (4,) (4 elements)", lambda: x.reshape(4)
    )
    raises(tt.ShapeError, "reshape: cannot reshape Tensor[2, 3] (6 elements) into (4, -1): 6 is not a multiple of 4", lambda: x.reshape(4, -1))  # fmt: skip
    raises(tt.ShapeError, "reshape: cannot reshape Tensor[2, 3] (6 elements) into (7,) (7 elements)", lambda: tt.reshape(x, (7,)))  # fmt: skip
    raises(tt.ShapeError, "view: cannot reshape Tensor[2, 3] (6 elements) into (5,) (5 elements)", lambda: x.view(5))


def test_view_needs_a_layout_it_can_view(device: str) -> None:
    # As PyTorch: a copy here would make writes through the "view" miss the tensor.
    x = tt.arange(6, device=device).view(2, 3)
    message = (
        "view: a tensor of shape (3, 2) laid out by a transpose, permute or expand cannot be viewed as (6,) "
        "without a copy; use reshape(...), or .contiguous().view(...)"
    )
    raises(RuntimeError, message, lambda: x.T.view(6))
    raises(RuntimeError, message, lambda: x.permute(1, 0).view(-1))
    raises(RuntimeError, "view_as" + message[4:], lambda: x.T.view_as(tt.zeros(6, device=device)))
    assert x.T.contiguous().view(6).tolist() == [0, 3, 1, 4, 2, 5]
    assert x.T.reshape(6).tolist() == [0, 3, 1, 4, 2, 5]
    assert x.contiguous() is x  # already row-major: itself, as in PyTorch
    y = x.view(3, 2)
    y[0, 0] = 7  # a view: the write reaches x
    assert x[0, 0].item() == 7


def test_transpose_needs_a_matrix(device: str) -> None:
    end = "; use x.mT or x.transpose(d0, d1)"
    raises(tt.ShapeError, ".T needs a matrix (rank 2), got Tensor[3]" + end, lambda: tt.zeros(3, device=device).T)  # type: ignore[misc]
    raises(
        tt.ShapeError,
        ".T needs a matrix (rank 2), got Tensor[2, 3, 4]" + end,
        lambda: tt.zeros(2, 3, 4, device=device).T,
    )  # type: ignore[misc]
    raises(tt.ShapeError, ".T needs a matrix (rank 2), got Tensor[()]" + end, lambda: tt.zeros(device=device).T)  # type: ignore[misc]


def test_item_needs_one_element(device: str) -> None:
    raises(tt.ShapeError, "item() needs a tensor with one element, got shape (2, 2)", lambda: tt.zeros(2, 2, device=device).item())  # fmt: skip
    raises(tt.ShapeError, "item() needs a tensor with one element, got shape (0,)", lambda: tt.zeros(0, device=device).item())  # fmt: skip


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: x.sum(dim=2), "sum: dim 2 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.sum(dim=(0, 2)), "sum: dim 2 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.mean(dim=-3), "mean: dim -3 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.max(dim=5, keepdim=True), "max: dim 5 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.amax(dim=5, keepdim=True), "amax: dim 5 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.softmax(dim=2), "softmax: dim 2 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (
            lambda x: tt.log_softmax(x, dim=-3),
            "log_softmax: dim -3 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)",
        ),
        (lambda x: x.argmax(dim=2), "argmax: dim 2 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.transpose(0, 2), "transpose: dim 2 is out of range for Tensor[2, 3] (rank 2: dims -2 to 1)"),
        (lambda x: x.unsqueeze(3), "unsqueeze: dim 3 is out of range for Tensor[2, 3] (rank 2: dims -3 to 2)"),
        (lambda x: x.flatten(3), "flatten: start_dim=3 is out of range for Tensor[2, 3] (rank 2)"),
        (
            lambda x: tt.flatten(x, start_dim=0, end_dim=-3),
            "flatten: end_dim=-3 is out of range for Tensor[2, 3] (rank 2)",
        ),
    ],
)
def test_dim_out_of_range(device: str, call: Callable[[AnyTensor], object], message: str) -> None:
    raises(IndexError, message, lambda: call(tt.zeros(2, 3, device=device, requires_grad=True)))


def test_flatten_dims_in_wrong_order(device: str) -> None:
    x = tt.zeros(2, 3, 4, device=device)
    raises(tt.ShapeError, "flatten: start_dim=2 comes after end_dim=1 for Tensor[2, 3, 4]", lambda: x.flatten(2, 1))


def test_indexing_errors(device: str) -> None:
    x = tt.zeros(2, 3, device=device)
    with pytest.raises(IndexError):
        x[5]
    raises(TypeError, "index: an index tensor must hold integers or booleans, got float32", lambda: x[tt.tensor([0.0], device=device)])  # fmt: skip
    raises(IndexError, "index: index 5 is out of range for dim 0 of Tensor[2, 3] (size 2)", lambda: x[5])
    raises(IndexError, "index: 3 indices for Tensor[2, 3] (rank 2)", lambda: x[0, 0, 0])
    raises(IndexError, "index: index 2 is out of range for dim 0 of size 2 (tensor of shape (2, 3))", lambda: x[[0, 2]])  # fmt: skip
    raises(
        tt.ShapeError,
        "index: a boolean mask of shape (3,) does not match dims 0..0 of a tensor of shape (2, 3)",
        lambda: x[tt.tensor([True, False, True], device=device)],
    )
    raises(IndexError, "index: too many indices for a tensor of shape ()", lambda: tt.zeros(device=device)[tt.tensor([0], device=device)])  # type: ignore[call-overload]  # fmt: skip
    raises(TypeError, "index: at most one index tensor (or list) per index; index one dim at a time", lambda: x[[0], [1]])  # fmt: skip


def test_backward_and_grad_errors(device: str) -> None:
    x = tt.zeros(2, 3, device=device, requires_grad=True)
    raises(tt.ShapeError, "backward() needs a scalar (shape ()), got shape (2, 3)", lambda: (x * 2.0).backward())  # type: ignore[misc]
    raises(RuntimeError, "backward() on a tensor that does not require grad and has no graph", lambda: tt.zeros(device=device).backward())  # fmt: skip
    raises(tt.ShapeError, "grad: shape (3,) does not match tensor shape (2, 3)", lambda: setattr(x, "grad", tt.zeros(3, device=device)))  # fmt: skip
    raises(TypeError, "grad: the gradient is float64 but the tensor is float32; convert it first (.to(tt.float32))", lambda: setattr(x, "grad", tt.zeros(2, 3, dtype=tt.float64, device=device)))  # fmt: skip
    raises(TypeError, "grad: the gradient is int64 but the tensor is float32; convert it first (.to(tt.float32))", lambda: setattr(x, "grad", tt.zeros(2, 3, dtype=tt.int64, device=device)))  # fmt: skip

    def vector(p: AnyTensor) -> AnyTensor:
        return p * 1.0

    raises(tt.ShapeError, "grad: vector must return a scalar tensor (shape ()), got (2, 3)", lambda: tt.grad(vector)(x))  # type: ignore[arg-type]
    raises(RuntimeError, "requires_grad_(False) on a non-leaf tensor; use .detach()", lambda: (x * 1.0).requires_grad_(False))  # fmt: skip


def test_freed_graph_message(device: str) -> None:
    x = tt.ones(2, device=device, requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    raises(
        RuntimeError,
        "backward() through a graph that was already freed: a previous backward() "
        "released it; call backward(retain_graph=True) the first time to keep it",
        loss.backward,
    )


def test_dtype_errors(device: str) -> None:
    x = tt.zeros(2, device=device)
    with pytest.raises(
        TypeError, match=r"^unknown dtype 'float128'; expected one of tt.float16, .*tt.bool \(or their names\)$"
    ):
        x.astype("float128")


# -------------------------------------------------------------------------- devices

MIXED: list[tuple[str, Callable[[AnyTensor, AnyTensor], object]]] = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
    ("matmul", lambda a, b: a @ b),
    ("maximum", tt.maximum),
    ("where", lambda a, b: tt.where(a > 0, a, b)),
    ("gt", lambda a, b: a > b),
    ("le", lambda a, b: a <= b),
    ("eq", lambda a, b: a.eq(b)),
    ("cat", lambda a, b: tt.cat([a, b])),
    ("stack", lambda a, b: tt.stack([a, b])),
]


@pytest.mark.parametrize(("name", "fn"), MIXED, ids=[m[0] for m in MIXED])
@pytest.mark.parametrize(("first", "second"), [("cpu", "strict"), ("strict", "cpu")])
def test_mixing_devices(name: str, fn: Callable[[AnyTensor, AnyTensor], object], first: str, second: str) -> None:
    a = tt.ones(2, 2, device=first, requires_grad=True)
    b = tt.ones(2, 2, device=second)
    raises(tt.DeviceError, f"{name}: tensors on different devices: {first} and {second}", lambda: fn(a, b))


def test_mixing_devices_elsewhere() -> None:
    a, b = tt.ones(2, 2), tt.ones(2, 2, device="strict")
    raises(tt.DeviceError, "where: tensors on different devices: strict and cpu", lambda: tt.where(b > 0, a, a))
    raises(tt.DeviceError, "index: tensor on cpu indexed by a tensor on strict", lambda: a[tt.tensor([0], device="strict")])  # fmt: skip
    raises(tt.DeviceError, "grad: gradient on strict for a tensor on cpu", lambda: setattr(a, "grad", b))
    assert a.grad is None


# ------------------------------------------------------------ unsupported operands


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (lambda x: x + "a", "add: unsupported operand type str; wrap arrays with tt.tensor()"),
        (lambda x: "a" + x, "add: unsupported operand types str and Tensor"),
        (lambda x: x - [1.0, 2.0], "sub: unsupported operand type list; wrap arrays with tt.tensor()"),
        (lambda x: x * None, "mul: unsupported operand type NoneType; wrap arrays with tt.tensor()"),
        (lambda x: None / x, "div: unsupported operand types NoneType and Tensor"),
        (lambda x: x + np.ones(2), "add: unsupported operand type ndarray; wrap arrays with tt.tensor()"),
        (lambda x: np.ones(2) * x, "mul: unsupported operand types ndarray and Tensor"),
        (lambda x: x @ 3, "matmul: unsupported operand type int; wrap arrays with tt.tensor()"),
        (lambda x: x @ np.ones(2), "matmul: unsupported operand type ndarray; wrap arrays with tt.tensor()"),
        (lambda x: x ** "2", "pow: exponent must be a number or a tensor, got str"),
        (lambda x: tt.relu([1.0]), "relu: input must be a typedtorch Tensor, got list; wrap data with tt.tensor()"),
        (
            lambda x: tt.softmax(np.ones(2), dim=0),
            "softmax: input must be a typedtorch Tensor, got ndarray; wrap data with tt.tensor()",
        ),
        (lambda x: tt.maximum(x, "a"), "maximum: unsupported operand type str; wrap arrays with tt.tensor()"),
        (lambda x: x > "a", "gt: unsupported operand type str; wrap arrays with tt.tensor()"),
        (lambda x: x <= [1.0, 2.0], "le: unsupported operand type list; wrap arrays with tt.tensor()"),
        (lambda x: x.eq(np.ones(2)), "eq: unsupported operand type ndarray; wrap arrays with tt.tensor()"),
    ],
)
def test_unsupported_operand_types(device: str, fn: Callable[[AnyTensor], object], message: str) -> None:
    x = tt.ones(2, device=device, requires_grad=True)
    raises(TypeError, message, lambda: fn(x))


def test_numpy_scalars_never_drop_the_graph(device: str) -> None:
    # numpy must not turn a tensor into an array behind the library's back: either
    # the result is a tensor in the graph, or the operation is refused.
    x = tt.ones(2, device=device, requires_grad=True)
    for scalar in (np.float64(2.0), np.float32(2.0), np.int64(2)):
        for fn in (lambda s: s * x, lambda s: x * s, lambda s: s + x, lambda s: s - x):
            try:
                r = fn(scalar)
            except TypeError:
                continue
            assert isinstance(r, tt.Tensor) and r.requires_grad
            assert str(r.dtype).endswith("float32")  # a number, not a float64 array


def test_unsupported_devices_and_factories() -> None:
    raises(ValueError, "unknown device 'tpu'; expected 'cpu', 'cuda', 'cuda:N' or 'strict'", lambda: tt.zeros(2, device="tpu"))  # fmt: skip
    raises(ValueError, "bad device 'cuda:x': expected 'cuda' or 'cuda:N'", lambda: tt.zeros(2, device="cuda:x"))
    raises(ValueError, "zeros: sizes must be non-negative ints, got (2, -1)", lambda: tt.zeros(2, -1))
    raises(TypeError, "from_numpy: expected a numpy array, got list", lambda: tt.from_numpy([1.0]))
