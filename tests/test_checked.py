"""``@tt.checked`` and the run-time shape types behind it (DESIGN.md §2).

Every rule has an accepting and a rejecting case; rejections assert the message.
The import hook, jaxtyping and training with checks on have their own files
(``test_checked_hook.py``, ``test_checked_jaxtyping.py``, ``test_checked_train.py``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import typing
from pathlib import Path
from typing import Any, Generic, TypeVar
from typing import Literal as L

import pytest
from beartype import beartype
from beartype.roar import BeartypeCallHintParamViolation, BeartypeCallHintReturnViolation
from typing_extensions import TypeVarTuple

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")
N = TypeVar("N")
K = TypeVar("K")
I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741
S = TypeVarTuple("S")


def raises_shape(match: str | None = None) -> Any:
    return pytest.raises(tt.ShapeError, match=match)


def msg(e: pytest.ExceptionInfo[BaseException]) -> str:
    return str(e.value)


# --------------------------------------------------------------- run-time types


class TestShapeTypes:
    def test_every_spelling_is_a_checkable_class(self) -> None:
        x = tt.zeros(2, 784)
        cases = [
            (Tensor[B, L[784]], x, True),
            (Tensor[B, L[784]], tt.zeros(2, 785), False),
            (Matrix[B, L[784]], x, True),
            (Vector[N], tt.zeros(5), True),
            (Vector[N], x, False),
            (Scalar, tt.zeros(), True),
            (Scalar, tt.zeros(1), False),
            (Tensor[*S], x, True),
            (Tensor[*tuple[Any, ...]], tt.zeros(1, 2, 3, 4), True),
            (Tensor[*tuple[Any, ...]], x.numpy(), False),
        ]
        for t, value, expected in cases:
            assert isinstance(t, type)
            assert isinstance(value, t) is expected, (t, value.shape)

    def test_aliases_substitute_into_shape_types(self) -> None:
        # Matrix is Tensor[M, N]; Matrix[B, L[784]] goes through the alias's own
        # substitution, which must give a shape type too, named after the alias.
        t = Matrix[B, L[784]]
        assert repr(t) == "typedtorch.Matrix[B, 784]"
        assert isinstance(tt.zeros(3, 784), t)
        assert not isinstance(tt.zeros(3, 785), t)
        assert not isinstance(tt.zeros(784), t)
        assert Matrix[B, L[784]] is t  # cached
        v = Vector[L[3]]
        assert isinstance(tt.zeros(3), v) and not isinstance(tt.zeros(1, 3), v)
        assert isinstance(tt.zeros(), Scalar) and not isinstance(tt.zeros(1), Scalar)

    def test_user_alias_with_a_run(self) -> None:
        Images = Tensor[*S, L[28], L[28]]
        assert isinstance(tt.zeros(5, 28, 28), Images[L[5]])
        assert not isinstance(tt.zeros(4, 28, 28), Images[L[5]])
        assert isinstance(tt.zeros(2, 5, 28, 28), Images[Any, L[5]])

    def test_substitution_arity(self) -> None:
        with pytest.raises(TypeError, match=r"Matrix\[M, N\] takes 2 dimension\(s\), got 1"):
            Matrix[L[4]]
        with pytest.raises(TypeError, match="not generic"):
            Scalar[L[1]]

    def test_get_type_hints_gives_shape_types(self) -> None:
        def f(x: Matrix[B, L[784]], s: Scalar) -> Vector[B]: ...

        hints = typing.get_type_hints(f)
        assert hints == {"x": Matrix[B, L[784]], "s": Scalar, "return": Vector[B]}

    def test_isinstance_outside_a_call_checks_one_annotation(self) -> None:
        square = Tensor[N, N]
        assert isinstance(tt.zeros(3, 3), square)
        assert not isinstance(tt.zeros(3, 4), square)
        assert not isinstance([[0.0]], square)
        assert not isinstance(None, square)
        ends = Tensor[N, *S, N]  # a symbol on both sides of a run
        assert isinstance(tt.zeros(3, 4, 5, 3), ends) and isinstance(tt.zeros(2, 2), ends)
        assert not isinstance(tt.zeros(3, 4, 2), ends)

    def test_literal_union_and_any(self) -> None:
        assert isinstance(tt.zeros(2, 7), Tensor[L[1, 2], Any])
        assert not isinstance(tt.zeros(3, 7), Tensor[L[1, 2], Any])
        assert isinstance(tt.zeros(9, 4), Tensor[int, L[4]])  # every size is an int

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (lambda: Tensor[784], r"a size is written Literal\[784\], not 784"),
            (lambda: Tensor[str], "unsupported dimension str"),
            (lambda: Tensor[L["a"]], "unsupported dimension"),
            (lambda: Tensor[S], r"must be unpacked: \*S"),
            (lambda: Tensor[*S, *tuple[Any, ...]], "more than one run"),
        ],
    )
    def test_unsupported_dims_fail_when_built(self, make: Any, message: str) -> None:
        with pytest.raises(TypeError, match=message):
            make()

    def test_subclassing_a_subscription_subclasses_tensor(self) -> None:
        class Param(Tensor[*S]):
            __slots__ = ()

        assert issubclass(Param, Tensor)
        assert Param.__orig_bases__[0].__origin__ is Tensor  # type: ignore[attr-defined]

    def test_unions_bind_nothing_for_a_failed_member(self) -> None:
        @tt.checked
        def f(x: Tensor[B, L[3]] | Tensor[B], y: Vector[B]) -> None: ...

        f(tt.zeros(5), tt.zeros(5))  # first member fails after matching B=5; second binds B=5
        f(tt.zeros(4, 3), tt.zeros(4))
        with raises_shape(r"parameter 'y': expected Vector\[B\], got shape \(2,\) \(dim 0 is 2, but B=5\)"):
            f(tt.zeros(5), tt.zeros(2))


# --------------------------------------------------------------------- the rules


@tt.checked
def affine(x: Matrix[B, N], w: Matrix[N, K], b: Vector[K]) -> Matrix[B, K]:
    return x @ w + b


@tt.checked
def wrong_return(x: Matrix[B, N]) -> Matrix[N, B]:
    return x  # type: ignore[return-value]


class TestRules:
    def test_accepts_consistent_shapes(self) -> None:
        assert affine(tt.zeros(32, 784), tt.zeros(784, 10), tt.zeros(10)).shape == (32, 10)

    def test_typevar_must_agree_across_arguments(self) -> None:
        with raises_shape(r"affine\(\) parameter 'w'") as e:
            affine(tt.zeros(32, 784), tt.zeros(100, 10), tt.zeros(10))
        assert msg(e) == (
            "affine() parameter 'w': expected Matrix[N, K], got shape (100, 10) (dim 0 is 100, but N=784); "
            "bound so far: B=32, N=784"
        )

    def test_typevar_must_agree_with_the_return(self) -> None:
        assert wrong_return(tt.zeros(3, 3)).shape == (3, 3)
        with raises_shape("return") as e:
            wrong_return(tt.zeros(32, 10))
        assert msg(e) == (
            "wrong_return() return: expected Matrix[N, B], got shape (32, 10) (dim 0 is 32, but N=10); "
            "bound so far: B=32, N=10"
        )
        assert e.value.parameter == "return"  # type: ignore[attr-defined]

    def test_literal_is_exact(self) -> None:
        @tt.checked
        def flat(x: Matrix[B, L[784]]) -> None: ...

        flat(tt.zeros(2, 784))
        with raises_shape(r"got shape \(64, 100\) \(dim 1 is 100, expected 784\)"):
            flat(tt.zeros(64, 100))

    def test_rank_is_checked(self) -> None:
        with raises_shape(r"parameter 'x': expected Matrix\[B, N\], got shape \(3,\) \(rank 1, expected 2\)"):
            affine(tt.zeros(3), tt.zeros(3, 2), tt.zeros(2))

    def test_any_is_unchecked(self) -> None:
        @tt.checked
        def f(x: Tensor[Any, L[3]], y: Tensor[Any, L[3]]) -> None: ...

        f(tt.zeros(1, 3), tt.zeros(7, 3))  # two Any dims need not agree
        with raises_shape(r"dim 1 is 4, expected 3"):
            f(tt.zeros(1, 3), tt.zeros(7, 4))

    def test_typevartuple_binds_a_run(self) -> None:
        @tt.checked
        def add(x: Tensor[*S], y: Tensor[*S]) -> Tensor[*S]:
            return x + y

        assert add(tt.zeros(2, 3, 4), tt.zeros(2, 3, 4)).shape == (2, 3, 4)
        assert add(tt.zeros(), tt.zeros()).shape == ()
        with raises_shape(r"parameter 'y': expected Tensor\[\*S\], got shape \(2, 3\) .*\*S=\(2, 3, 4\)") as e:
            add(tt.zeros(2, 3, 4), tt.zeros(2, 3))
        assert "bound so far: *S=(2, 3, 4)" in msg(e)

    def test_typevartuple_with_fixed_dims_around_it(self) -> None:
        @tt.checked
        def last(x: Tensor[*S, N], w: Tensor[N, K]) -> Tensor[*S, K]:
            return x @ w

        assert last(tt.zeros(5, 6, 3), tt.zeros(3, 2)).shape == (5, 6, 2)
        with raises_shape(r"parameter 'w': expected Tensor\[N, K\], got shape \(4, 2\) \(dim 0 is 4, but N=3\)"):
            last(tt.zeros(5, 6, 3), tt.zeros(4, 2))
        with raises_shape(r"rank 0, expected at least 1"):
            last(tt.zeros(), tt.zeros(4, 2))

    def test_any_rank(self) -> None:
        @tt.checked
        def anything(x: Tensor[*tuple[Any, ...]]) -> Scalar:
            return x.sum()

        assert anything(tt.ones(2, 3, 4)).item() == 24
        with raises_shape(
            r"^anything\(\) parameter 'x': expected Tensor\[\*tuple\[Any, \.\.\.\]\], got a list \(not a tensor\)"
        ):
            anything([1, 2])  # type: ignore[arg-type]

    def test_scalar_return(self) -> None:
        @tt.checked
        def bad(x: Vector[N]) -> Scalar:
            return x  # type: ignore[return-value]

        with raises_shape(
            r"bad\(\) return: expected Scalar, got shape \(3,\) \(rank 1, expected 0\); bound so far: N=3"
        ):
            bad(tt.zeros(3))

    def test_a_non_tensor_argument_for_a_tensor_annotation(self) -> None:
        with raises_shape(r"parameter 'b': expected Vector\[K\], got float 1.5 \(not a tensor\)"):
            affine(tt.zeros(2, 3), tt.zeros(3, 4), 1.5)  # type: ignore[arg-type]

    def test_non_tensor_annotations_keep_beartype_errors(self) -> None:
        @tt.checked
        def scale(x: Vector[N], factor: float) -> Vector[N]:
            return x * factor

        @tt.checked
        def count(x: Vector[N]) -> int:
            return "three"  # type: ignore[return-value]

        assert scale(tt.ones(2), 2.0).shape == (2,)
        with pytest.raises(BeartypeCallHintParamViolation, match="parameter factor='two'"):
            scale(tt.ones(2), "two")  # type: ignore[arg-type]
        with pytest.raises(BeartypeCallHintReturnViolation):
            count(tt.ones(2))

    def test_optional_and_defaults(self) -> None:
        @tt.checked
        def maybe(x: Matrix[B, N], mask: Matrix[B, N] | None = None) -> Matrix[B, N]:
            return x if mask is None else x * mask

        maybe(tt.zeros(2, 3))
        maybe(tt.zeros(2, 3), tt.ones(2, 3))
        with raises_shape(r"parameter 'mask': expected Matrix\[B, N\] \| None, got shape \(3, 2\)"):
            maybe(tt.zeros(2, 3), mask=tt.ones(3, 2))

    def test_varargs(self) -> None:
        @tt.checked
        def total(*xs: Vector[N]) -> Vector[N]:
            out = xs[0]
            for x in xs[1:]:
                out = out + x
            return out

        total(tt.ones(3), tt.ones(3), tt.ones(3))
        with raises_shape(r"parameter 'xs': expected Vector\[N\], got shape \(4,\) \(dim 0 is 4, but N=3\)"):
            total(tt.ones(3), tt.ones(3), tt.ones(4))

    def test_error_attributes(self) -> None:
        with raises_shape() as e:
            affine(tt.zeros(32, 784), tt.zeros(100, 10), tt.zeros(10))
        err: Any = e.value
        assert isinstance(err, TypeError)
        assert (err.function, err.parameter, err.expected, err.shape) == ("affine", "w", "Matrix[N, K]", (100, 10))
        assert err.bound == {"B": 32, "N": 784}
        assert err.__cause__ is None and err.__suppress_context__

    def test_strict_backend_tensors(self) -> None:
        x = tt.zeros(4, 3, device="strict")
        w = tt.zeros(3, 2, device="strict")
        assert affine(x, w, tt.zeros(2, device="strict")).shape == (4, 2)
        with raises_shape("dim 0 is 3, but K=2"):
            affine(x, w, tt.zeros(3, device="strict"))

    def test_wrapper_keeps_the_function_identity(self) -> None:
        assert affine.__name__ == "affine"
        assert affine.__wrapped__.__name__ == "affine"  # type: ignore[attr-defined]
        assert typing.get_type_hints(affine)["x"] is Matrix[B, N]
        assert tt.checked(affine) is affine  # already checked

    def test_unannotated_function_is_returned_as_is(self) -> None:
        def f(x):  # type: ignore[no-untyped-def]
            return x

        assert tt.checked(f) is f


# ------------------------------------------------------------- frames and scoping


@tt.checked
def inner(y: Matrix[B, N]) -> Matrix[B, N]:
    return y


@tt.checked
def outer(x: Matrix[B, N]) -> Matrix[B, N]:
    inner(tt.zeros(7, 7))  # its own B and N
    return x


@beartype
def plain_beartype(y: Matrix[B, N]) -> Matrix[B, N]:
    return y


@tt.checked
def calls_plain(x: Matrix[B, N]) -> Matrix[B, N]:
    plain_beartype(tt.zeros(9, 9))  # plain @beartype: must not bind in our frame
    return x


class TestFrames:
    def test_nested_calls_do_not_share_bindings(self) -> None:
        assert outer(tt.zeros(2, 3)).shape == (2, 3)

    def test_nested_violation_names_the_inner_function(self) -> None:
        @tt.checked
        def bad_outer(x: Matrix[B, N]) -> Matrix[B, N]:
            inner(tt.zeros(7))  # type: ignore[arg-type]
            return x

        with raises_shape(r"^inner\(\) parameter 'y'"):
            bad_outer(tt.zeros(2, 3))

    def test_unchecked_code_in_the_body_cannot_see_the_frame(self) -> None:
        assert calls_plain(tt.zeros(2, 3)).shape == (2, 3)

    def test_beartype_violations_from_the_body_pass_through(self) -> None:
        @beartype
        def needs_int(n: int) -> int:
            return n

        @tt.checked
        def f(x: Vector[N]) -> Vector[N]:
            needs_int("no")  # type: ignore[arg-type]
            return x

        with pytest.raises(BeartypeCallHintParamViolation, match="needs_int"):
            f(tt.zeros(2))

    def test_recursion(self) -> None:
        @tt.checked
        def halve(x: Vector[N]) -> Scalar:
            if x.shape[0] == 1:
                return x.sum()
            return halve(x[: x.shape[0] // 2])

        assert halve(tt.ones(8)).item() == 1.0

    def test_threads_do_not_share_bindings(self) -> None:
        # Thread 3 binds B=3 and stops between its arguments; thread 5 then binds
        # B=5 and stops too; only then does thread 3 check y, against its own B.
        at_meet = {3: threading.Event(), 5: threading.Event()}
        done3 = threading.Event()

        class MeetMeta(type):
            def __instancecheck__(cls, n: object) -> bool:
                if n == 3:
                    at_meet[3].set()
                    assert at_meet[5].wait(10)
                elif n == 5:
                    at_meet[5].set()
                    assert done3.wait(10)
                return True  # (beartype also probes the hint with None)

        class Meet(metaclass=MeetMeta):
            pass

        @tt.checked
        def pair(x: Matrix[B, N], meet: Meet, y: Matrix[B, N]) -> Matrix[B, N]:
            return y

        pair(tt.zeros(1, 2), None, tt.zeros(1, 2))  # type: ignore[arg-type]  # build the wrapper first
        results: dict[int, object] = {}

        def run(n: int) -> None:
            try:
                results[n] = pair(tt.zeros(n, 2), n, tt.zeros(n, 2)).shape  # type: ignore[arg-type]
            except Exception as e:  # pragma: no cover - a failure is the bug
                results[n] = e
            finally:
                if n == 3:
                    done3.set()

        t3 = threading.Thread(target=run, args=(3,))
        t5 = threading.Thread(target=run, args=(5,))
        t3.start()
        assert at_meet[3].wait(10)
        t5.start()
        t3.join()
        t5.join()
        assert results == {3: (3, 2), 5: (5, 2)}

    def test_asyncio_tasks_do_not_share_bindings(self) -> None:
        @tt.checked
        async def step(x: Matrix[B, N], out: Tensor[*tuple[Any, ...]], gate: asyncio.Event) -> Matrix[B, N]:
            await gate.wait()
            return out

        async def main() -> tuple[Any, Any]:
            gate_a, gate_b = asyncio.Event(), asyncio.Event()
            # a returns a wrong batch size while b is suspended in its body: a's
            # return must be checked against a's B=4, not b's B=3 or nothing.
            a = asyncio.create_task(step(tt.zeros(4, 2), tt.zeros(5, 2), gate_a))
            b = asyncio.create_task(step(tt.zeros(3, 2), tt.zeros(3, 2), gate_b))
            await asyncio.sleep(0)
            gate_a.set()
            done_a = await asyncio.gather(a, return_exceptions=True)
            gate_b.set()
            return done_a[0], await b

        bad, ok = asyncio.run(main())
        assert ok.shape == (3, 2)
        assert isinstance(bad, tt.ShapeError)
        assert str(bad) == (
            "step() return: expected Matrix[B, N], got shape (5, 2) (dim 0 is 5, but B=4); bound so far: B=4, N=2"
        )

    def test_asyncio_arguments(self) -> None:
        @tt.checked
        async def pair(x: Matrix[B, N], y: Matrix[B, N]) -> Matrix[B, N]:
            await asyncio.sleep(0)
            return y

        async def main() -> list[Any]:
            calls = [pair(tt.zeros(n, 2), tt.zeros(n, 2)) for n in (1, 2, 3)]
            return await asyncio.gather(*calls, pair(tt.zeros(4, 2), tt.zeros(5, 2)), return_exceptions=True)

        *ok, bad = asyncio.run(main())
        assert [r.shape for r in ok] == [(1, 2), (2, 2), (3, 2)]
        assert "pair() parameter 'y': expected Matrix[B, N], got shape (5, 2) (dim 0 is 5, but B=4)" in str(bad)

    def test_async_return_is_checked(self) -> None:
        @tt.checked
        async def shrink(x: Vector[N]) -> Vector[N]:
            await asyncio.sleep(0)
            return x[:1]

        with raises_shape(r"shrink\(\) return: expected Vector\[N\], got shape \(1,\) \(dim 0 is 1, but N=3\)"):
            asyncio.run(shrink(tt.zeros(3)))


# ------------------------------------------------------------ methods and classes

D = TypeVar("D")


class Affine(Generic[I, O]):
    """A stand-in for a layer generic in its sizes: it tells @tt.checked its dims."""

    def __init__(self, n_in: int, n_out: int) -> None:
        self.w = tt.zeros(n_in, n_out)
        self.n_in, self.n_out = n_in, n_out

    def __typedtorch_dims__(self) -> dict[object, int]:
        return {I: self.n_in, O: self.n_out}

    @tt.checked
    def __call__(self, x: Matrix[B, I]) -> Matrix[B, O]:
        return x @ self.w  # type: ignore[return-value]

    @tt.checked
    def broken(self, x: Matrix[B, I]) -> Matrix[B, O]:
        return x  # type: ignore[return-value]

    @tt.checked
    def clone(self) -> Affine[I, O]:  # names the class being defined: resolved at the first call
        return Affine(self.n_in, self.n_out)

    @staticmethod
    @tt.checked
    def twice(x: Vector[N]) -> Vector[N]:
        return x * 2

    @tt.checked
    @classmethod
    def make(cls, x: Vector[N]) -> Vector[N]:
        return x

    @tt.checked
    @property
    def weight(self) -> Matrix[I, O]:
        return self.w  # type: ignore[return-value]


class TestMethods:
    def test_instance_dims_are_bound(self) -> None:
        layer = Affine(784, 128)
        assert layer(tt.zeros(64, 784)).shape == (64, 128)
        with raises_shape() as e:
            layer(tt.zeros(64, 100))
        assert msg(e) == (
            "Affine.__call__() parameter 'x': expected Matrix[B, I], got shape (64, 100) "
            "(dim 1 is 100, but I=784); bound so far: I=784, O=128"
        )

    def test_instance_dims_bind_the_return(self) -> None:
        layer = Affine(4, 3)
        with raises_shape(
            r"Affine.broken\(\) return: expected Matrix\[B, O\], got shape \(2, 4\) \(dim 1 is 4, but O=3\)"
        ):
            layer.broken(tt.zeros(2, 4))

    def test_forward_reference_to_the_class(self) -> None:
        assert isinstance(Affine(2, 3).clone(), Affine)

    def test_static_class_and_property(self) -> None:
        assert Affine.twice(tt.ones(2)).shape == (2,)
        assert Affine.make(tt.ones(2)).shape == (2,)
        assert Affine(2, 3).weight.shape == (2, 3)
        with raises_shape("twice"):
            Affine.twice(tt.ones(2, 2))  # type: ignore[arg-type]

    def test_bad_dims_hook(self) -> None:
        class Bad:
            def __typedtorch_dims__(self) -> dict[object, int]:
                return {"I": 3}

            @tt.checked
            def f(self, x: Vector[I]) -> None: ...

        with pytest.raises(TypeError, match="__typedtorch_dims__ must map TypeVars"):
            Bad().f(tt.zeros(3))

    def test_typevartuple_instance_dims(self) -> None:
        class Batched:
            def __typedtorch_dims__(self) -> dict[object, tuple[int, ...]]:
                return {S: (2, 3)}

            @tt.checked
            def f(self, x: Tensor[*S, N]) -> None: ...

        Batched().f(tt.zeros(2, 3, 9))
        with raises_shape(r"but \*S=\(2, 3\)"):
            Batched().f(tt.zeros(2, 4, 9))

    def test_decorating_a_class_checks_its_methods(self) -> None:
        @tt.checked
        class Norm:
            def __call__(self, x: Matrix[B, N]) -> Vector[B]:
                return x.sum(dim=1)

            def same(self) -> Norm:
                return self

        assert Norm()(tt.ones(2, 3)).shape == (2,)
        assert isinstance(Norm().same(), Norm)
        with raises_shape(r"Norm.__call__\(\) parameter 'x'"):
            Norm()(tt.ones(3))  # type: ignore[arg-type]


# -------------------------------------------------------- resolution and switches


def _write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source))
    return path


class TestResolution:
    def test_name_only_imported_under_type_checking_fails_at_decoration(self, tmp_path: Path) -> None:
        _write(tmp_path / "helper_types.py", "from typing import TypeVar\nB = TypeVar('B')\n")
        mod = _write(
            tmp_path / "uses_hidden.py",
            """
            from __future__ import annotations
            from typing import TYPE_CHECKING
            import typedtorch as tt
            if TYPE_CHECKING:
                from helper_types import B

            @tt.checked
            def f(x: tt.Vector[B]) -> None: ...
            """,
        )
        sys.path.insert(0, str(tmp_path))
        try:
            with pytest.raises(NameError) as e:
                __import__(mod.stem)
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop(mod.stem, None)
        assert msg(e).startswith(
            "@tt.checked uses_hidden.f: cannot resolve the annotation of parameter 'x' (tt.Vector[B]) at "
            "decoration time: name 'B' is not defined. Is it imported only under `if TYPE_CHECKING:`?"
        )

    def test_unknown_name_in_a_string_annotation(self) -> None:
        def f(x: Undefined) -> None: ...  # type: ignore[name-defined]  # noqa: F821

        with pytest.raises(NameError, match=r"annotation of parameter 'x' \(Undefined\)"):
            tt.checked(f)

    def test_invalid_annotation_is_a_type_error_at_decoration(self) -> None:
        def f(x: Tensor[784]) -> None: ...  # type: ignore[valid-type]

        with pytest.raises(TypeError, match=r"parameter 'x' \(Tensor\[784\]\) is not a valid type: .*Literal\[784\]"):
            tt.checked(f)

    def test_local_names_resolve(self) -> None:
        Local = TypeVar("Local")

        @tt.checked
        def f(x: Vector[Local], y: Vector[Local]) -> None: ...

        f(tt.zeros(2), tt.zeros(2))
        with raises_shape("but Local=2"):
            f(tt.zeros(2), tt.zeros(3))

    def test_checks_off_returns_the_function(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def f(x: Vector[N]) -> Vector[N]:
            return x

        monkeypatch.setenv("TYPEDTORCH_CHECKS", "0")
        assert tt.checked(f) is f
        hook = tt.install_import_hook("some_package_that_is_not_there")
        assert not hook.installed
        monkeypatch.setenv("TYPEDTORCH_CHECKS", "1")
        assert tt.checked(f) is not f

    def test_checks_off_in_a_fresh_process(self) -> None:
        code = textwrap.dedent(
            """
            import sys
            from typing import TypeVar
            import typedtorch as tt
            N = TypeVar("N")
            def f(x: tt.Vector[N]) -> tt.Vector[N]:
                return x
            g = tt.checked(f)
            print(g is f, "beartype" in sys.modules)
            """
        )
        env = {**os.environ, "TYPEDTORCH_CHECKS": "0"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["True", "False"]

    def test_importing_typedtorch_does_not_import_beartype(self) -> None:
        code = "import sys, typedtorch; print('beartype' in sys.modules, 'jaxtyping' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["False", "False"]
