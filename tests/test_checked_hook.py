"""``tt.install_import_hook``: every annotated function of a package checked at import.

Each test writes a throwaway package under ``tmp_path``, imports it with the hook,
and removes the hook, the path entry and every module of the package afterwards.
"""

from __future__ import annotations

import itertools
import os
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from beartype.roar import BeartypeCallHintViolation, BeartypeDoorHintViolation

import typedtorch as tt

_counter = itertools.count()

PACKAGE = '''
"""A package checked by the import hook."""
from __future__ import annotations

from typing import Literal as L
from typing import TypeAlias, TypeVar, overload

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
N = TypeVar("N")

Batch: TypeAlias = Matrix[B, L[3]]  # a type alias: not a value to check
SIZE: int = 3  # module level: checked on its own


def mean_rows(x: Matrix[B, N]) -> Vector[B]:
    return x.mean(dim=1)


def with_local(x: Matrix[B, N], wrong: bool) -> Vector[B]:
    y: Vector[B] = x.sum(dim=0) if wrong else x.sum(dim=1)  # B is the argument's B
    return y


def local_non_tensor(flag: bool) -> int:
    n: int = "three" if flag else 3  # type: ignore[assignment]
    return n


def closure(x: Matrix[B, N]) -> Vector[B]:
    def helper():  # unannotated, but nested in a checked call: shares its dims
        z: Vector[B] = x.sum(dim=0)
        return z

    return helper()


def gen(x: Vector[N]):
    y: Vector[N] = x  # a generator body checks each annotation on its own
    yield y


def unannotated(x):
    return x


@overload
def over(x: int) -> int: ...
@overload
def over(x: str) -> str: ...
def over(x):
    return x


class Layer:
    size: int = 3  # class body: a field declaration, not checked

    def __call__(self, x: Matrix[B, L[3]]) -> Matrix[B, L[3]]:
        return x

    @staticmethod
    def twice(v: Vector[N]) -> Vector[N]:
        return v * 2
'''


@pytest.fixture
def make_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``make_package({"__init__.py": src, ...})`` -> a fresh package name on sys.path."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # so the bytecode cache is exercised
    names: list[str] = []
    sys.path.insert(0, str(tmp_path))

    def make(files: dict[str, str]) -> str:
        name = f"ttpkg_{next(_counter)}"
        root = tmp_path / name
        root.mkdir()
        for rel, source in files.items():
            (root / rel).write_text(textwrap.dedent(source))
        names.append(name)
        return name

    hooks_before = list(sys.meta_path)
    yield make
    sys.meta_path[:] = hooks_before
    sys.path.remove(str(tmp_path))
    for mod in [m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names)]:
        del sys.modules[mod]


def _import(name: str) -> ModuleType:
    __import__(name)
    return sys.modules[name]


class TestImportHook:
    def test_annotated_functions_are_checked(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert pkg.mean_rows.__typedtorch_checked__
        assert pkg.mean_rows(tt.ones(4, 2)).shape == (4,)
        with pytest.raises(
            tt.ShapeError, match=r"^mean_rows\(\) parameter 'x': expected Matrix\[B, N\], got shape \(4,\)"
        ):
            pkg.mean_rows(tt.ones(4))
        layer = pkg.Layer()
        assert layer(tt.ones(2, 3)).shape == (2, 3)
        with pytest.raises(tt.ShapeError, match=r"Layer.__call__\(\) parameter 'x'.*dim 1 is 4, expected 3"):
            layer(tt.ones(2, 4))
        with pytest.raises(tt.ShapeError, match=r"Layer.twice\(\) parameter 'v'"):
            pkg.Layer.twice(tt.ones(2, 2))

    def test_unannotated_and_overloads_are_left_alone(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert not hasattr(pkg.unannotated, "__typedtorch_checked__")
        assert not hasattr(pkg.over, "__typedtorch_checked__")
        assert pkg.over("a") == "a"

    def test_annotated_assignment_shares_the_calls_dims(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert pkg.with_local(tt.ones(3, 2), False).shape == (3,)
        with pytest.raises(tt.ShapeError) as e:
            pkg.with_local(tt.ones(3, 2), True)
        assert str(e.value) == (
            "with_local() variable 'y': expected Vector[B], got shape (2,) (dim 0 is 2, but B=3); bound so far: B=3, N=2"
        )

    def test_nested_function_shares_the_enclosing_calls_dims(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        with pytest.raises(tt.ShapeError, match=r"^helper\(\) variable 'z': expected Vector\[B\], got shape \(2,\)"):
            pkg.closure(tt.ones(3, 2))
        # square input: z has B entries, and the return agrees
        assert pkg.closure(tt.ones(2, 2)).shape == (2,)

    def test_annotated_assignment_with_a_non_tensor_type(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert pkg.local_non_tensor(False) == 3
        with pytest.raises(BeartypeDoorHintViolation, match="three"):
            pkg.local_non_tensor(True)

    def test_generator_bodies(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert [t.shape for t in pkg.gen(tt.ones(3))] == [(3,)]

    def test_module_level_annotated_assignment(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": "",
                "weights.py": """
                    from typing import Literal as L
                    import typedtorch as tt
                    W: tt.Matrix[L[2], L[2]] = tt.zeros(3, 3)
                """,
            }
        )
        with tt.install_import_hook(name), pytest.raises(tt.ShapeError) as e:
            _import(f"{name}.weights")
        assert str(e.value) == (
            f"module {name}.weights: variable 'W': expected Matrix[2, 2], got shape (3, 3) (dim 0 is 3, expected 2); "
            "bound so far: nothing"
        )

    def test_submodules_are_checked(self, make_package: Any) -> None:
        name = make_package({"__init__.py": "", "models.py": PACKAGE})
        with tt.install_import_hook(name):
            models = _import(f"{name}.models")
        assert models.mean_rows.__typedtorch_checked__

    def test_rewritten_bytecode_has_its_own_cache_file(self, make_package: Any, tmp_path: Path) -> None:
        name = make_package({"__init__.py": PACKAGE})
        cache = tmp_path / name / "__pycache__"

        def fresh_import(hooked: bool) -> ModuleType:
            sys.modules.pop(name, None)
            if not hooked:
                return _import(name)
            with tt.install_import_hook(name):
                return _import(name)

        assert fresh_import(hooked=True).mean_rows.__typedtorch_checked__
        (ours,) = cache.glob("*.pyc")
        assert ours.name.endswith(".opt-typedtorch2.pyc")
        assert fresh_import(hooked=True).mean_rows.__typedtorch_checked__  # from the cache
        assert not hasattr(fresh_import(hooked=False).mean_rows, "__typedtorch_checked__")
        assert len(list(cache.glob("*.pyc"))) == 2  # the ordinary one, apart
        assert fresh_import(hooked=True).mean_rows.__typedtorch_checked__
        # an edited source invalidates the cached rewrite
        src = tmp_path / name / "__init__.py"
        src.write_text(src.read_text() + "\n\ndef added(x: Vector[N]) -> Vector[N]:\n    return x\n")
        os.utime(src, (src.stat().st_atime, src.stat().st_mtime + 10))
        assert fresh_import(hooked=True).added.__typedtorch_checked__

    def test_a_bad_annotation_fails_the_import(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from __future__ import annotations
                    from typing import TYPE_CHECKING
                    if TYPE_CHECKING:
                        from typedtorch import Vector

                    def f(x: Vector[int]) -> None: ...
                """
            }
        )
        with (
            tt.install_import_hook(name),
            pytest.raises(NameError, match=r"parameter 'x' \(Vector\[int\]\).*TYPE_CHECKING"),
        ):
            _import(name)

    def test_uninstall_stops_checking(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        hook = tt.install_import_hook(name)
        assert hook.installed
        hook.uninstall()
        assert not hook.installed
        pkg = _import(name)
        assert not hasattr(pkg.mean_rows, "__typedtorch_checked__")

    def test_warns_about_modules_already_imported(self, make_package: Any) -> None:
        name = make_package({"__init__.py": PACKAGE})
        _import(name)
        with pytest.warns(UserWarning, match=f"{name} already imported"), tt.install_import_hook(name):
            pass

    def test_checks_off_installs_nothing(self, make_package: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TYPEDTORCH_CHECKS", "0")
        name = make_package({"__init__.py": PACKAGE})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            hook = tt.install_import_hook(name)
        assert not hook.installed
        pkg = _import(name)
        assert not hasattr(pkg.mean_rows, "__typedtorch_checked__")
        pkg.with_local(tt.ones(3, 2), True)  # unchecked: no error

    def test_needs_a_package_name(self) -> None:
        with pytest.raises(TypeError, match="one or more package names"):
            tt.install_import_hook()


class TestTheHookOnlyAddsChecks:
    """Issue 15 item 5: a hooked program behaves as the unhooked one, apart from failing checks."""

    def test_local_annotations_are_never_required_to_resolve(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    def g():
                        y: Undefined = 3  # Python never evaluates this annotation
                        return y

                    def h(n: int) -> int:
                        z: AlsoUndefined[n] = n + 1
                        return z
                """
            }
        )
        with tt.install_import_hook(name):
            pkg = _import(name)
        with pytest.warns(UserWarning, match=r"variable 'y' .*not checked: .*Undefined"):
            assert pkg.g() == 3
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # warned once per site, not at every call
            assert pkg.g() == 3
        with pytest.warns(UserWarning, match="AlsoUndefined"):
            assert pkg.h(1) == 2

    def test_module_level_forward_references_under_future_annotations(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from __future__ import annotations

                    def make() -> Later:
                        return Later()

                    def use(x: Later) -> int:
                        return 1

                    def early(n: int) -> int | Later:
                        return n

                    class A:
                        def pair(self, other: B) -> B:
                            return other

                    first: Later | None = None  # checked once Later exists: at the end of the import
                    called = early(2)  # before Later exists: runs (unchecked, as without the hook)

                    class Later:
                        pass

                    class B:
                        pass
                """
            }
        )
        with tt.install_import_hook(name):
            pkg = _import(name)
        assert pkg.first is None and pkg.called == 2
        assert isinstance(pkg.make(), pkg.Later)
        assert pkg.use(pkg.Later()) == 1
        assert isinstance(pkg.A().pair(pkg.B()), pkg.B)
        # Still checked.
        with pytest.raises(BeartypeCallHintViolation):
            pkg.use(3)
        with pytest.raises(BeartypeCallHintViolation):
            pkg.A().pair(pkg.Later())
        with pytest.raises(BeartypeCallHintViolation):
            pkg.early("two")

    def test_a_forward_reference_that_never_resolves_still_fails_the_import(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from __future__ import annotations

                    def use(x: Never) -> int:
                        return 1
                """
            }
        )
        with tt.install_import_hook(name), pytest.raises(NameError, match=r"parameter 'x' \(Never\)"):
            _import(name)

    def test_a_module_variable_with_a_wrong_forward_referenced_type_fails_at_the_end(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from __future__ import annotations
                    first: Later = 3
                    class Later:
                        pass
                """
            }
        )
        with tt.install_import_hook(name), pytest.raises(BeartypeDoorHintViolation):
            _import(name)

    @pytest.mark.parametrize("future", [False, True], ids=["evaluated", "postponed"])
    def test_annotations_with_side_effects_run_as_often_as_without_the_hook(
        self, make_package: Any, future: bool
    ) -> None:
        source = (
            "from __future__ import annotations\n" * future
            + """
import builtins
builtins.__ttcalls__ = []

def note(t):
    builtins.__ttcalls__.append(t.__name__)
    return t

x: note(int) = 3

def f():
    y: note(str) = "a"
    return y

def h(a: note(float)) -> note(bool):
    return True

class C:
    field: note(bytes) = b""
"""
        )
        import builtins

        counts = {}
        for hooked in (False, True):
            name = make_package({"__init__.py": source})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the unchecked impure annotations are reported
                if hooked:
                    with tt.install_import_hook(name):
                        pkg = _import(name)
                else:
                    pkg = _import(name)
                pkg.f()
                pkg.f()
                pkg.h(1.5)
            counts[hooked] = list(builtins.__ttcalls__)  # type: ignore[attr-defined]
        del builtins.__ttcalls__  # type: ignore[attr-defined]
        assert counts[True] == counts[False]
        assert counts[False] == ([] if future else ["int", "float", "bool", "bytes"])

    def test_checks_that_can_be_done_without_side_effects_still_are(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    x: int = "not an int"
                """
            }
        )
        with tt.install_import_hook(name), pytest.raises(BeartypeDoorHintViolation):
            _import(name)

    def test_string_annotations_on_assignments_resolve_in_the_users_module(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from typing import Literal
                    import typedtorch as tt
                    from typedtorch import Vector

                    class Local:
                        pass

                    def f(wrong: bool):
                        z: "Local" = Local() if not wrong else 3
                        w: "Vector[Literal[3]]" = tt.zeros(3)
                        return z, w

                    top: "Local" = Local()
                    listed: list["Local"] = [Local()]
                """
            }
        )
        with tt.install_import_hook(name):
            pkg = _import(name)
        z, w = pkg.f(False)
        assert isinstance(z, pkg.Local) and w.shape == (3,)
        with pytest.raises(BeartypeDoorHintViolation):
            pkg.f(True)

    def test_string_annotation_of_a_tensor_shape_is_checked(self, make_package: Any) -> None:
        name = make_package(
            {
                "__init__.py": """
                    from typing import Literal
                    import typedtorch as tt
                    from typedtorch import Vector

                    def f():
                        w: "Vector[Literal[3]]" = tt.zeros(4)
                        return w
                """
            }
        )
        with tt.install_import_hook(name):
            pkg = _import(name)
        with pytest.raises(tt.ShapeError, match=r"^f\(\) variable 'w': expected Vector\[3\], got shape \(4,\)"):
            pkg.f()
