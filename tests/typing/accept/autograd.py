"""``backward()`` on a Scalar; ``.grad`` of a ``Tensor[*S]`` is ``Tensor[*S] | None``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

M = TypeVar("M")
N = TypeVar("N")

w = tt.randn(4, 2, requires_grad=True)
b = tt.zeros(2, requires_grad=True)
x = tt.randn(8, 4)

loss = ((x @ w + b) ** 2).mean()
reveal_type(loss)  # R: typedtorch._tensor.Tensor[()]
loss.backward()
(w * 3).sum().backward(retain_graph=True)
tt.zeros().backward()
s: Scalar = w.sum()
s.backward()
tt.tensor([1.0]).sum(dim=0).backward()  # any-rank: accepted, checked at run time

reveal_type(w.grad)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]] | None
reveal_type(b.grad)  # R: typedtorch._tensor.Tensor[Literal[2]] | None
reveal_type(loss.grad)  # R: typedtorch._tensor.Tensor[()] | None
if w.grad is not None:
    reveal_type(w.grad)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
g = w.grad
assert g is not None
reveal_type(w - 0.1 * g)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
w.grad = tt.zeros(4, 2)
w.grad = None

# Graph helpers keep the shape.
reveal_type(w.detach())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(w.requires_grad_())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(w.to("cpu"))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
with tt.no_grad():
    reveal_type(x @ w)  # R: typedtorch._tensor.Tensor[Literal[8], Literal[2]]


def sgd_step(p: Matrix[M, N], lr: float) -> Matrix[M, N]:
    grad = p.grad
    if grad is None:
        return p
    return (p - lr * grad).detach()


def grad_of(v: Vector[N]) -> Tensor[N] | None:
    return v.grad


reveal_type(sgd_step(w, 0.1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
