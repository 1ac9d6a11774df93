"""Shared fixtures: the devices every runtime test runs on, and hypothesis settings.

``device`` runs a test on ``"cpu"`` (numpy), ``"strict"`` (array-api-strict, which
refuses hidden numpy conversions) and ``"cuda"`` (cupy). The cuda case is skipped
when cupy or a GPU is missing, unless ``TYPEDTORCH_REQUIRE_GPU=1`` is set: then it
fails, so a run meant to exercise the GPU cannot pass by skipping everything.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Modest, deterministic hypothesis runs: the gradient checks evaluate the forward
# pass twice per input element, so many examples would make the suite slow.
settings.register_profile(
    "typedtorch",
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,  # nothing written to .hypothesis/; runs are reproducible anyway
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("typedtorch"),
    max_examples=200,
    derandomize=False,
)
settings.load_profile(os.environ.get("TYPEDTORCH_HYPOTHESIS_PROFILE", "typedtorch"))

GPU_REQUIRED = os.environ.get("TYPEDTORCH_REQUIRE_GPU") == "1"


def _cuda_problem() -> str | None:
    """Why cupy on a GPU cannot be used here, or None when it can."""
    try:
        import cupy
    except Exception as e:  # ImportError, or a broken CUDA install
        return f"cupy does not import: {e!r}"
    try:
        if not cupy.is_available():
            return "cupy imports but no CUDA GPU is available"
    except Exception as e:
        return f"cupy.is_available() failed: {e!r}"
    return None


def require_cuda() -> None:
    """Skip the calling test without a GPU; fail it when ``TYPEDTORCH_REQUIRE_GPU=1``."""
    problem = _cuda_problem()
    if problem is None:
        return
    if GPU_REQUIRED:
        pytest.fail(f"TYPEDTORCH_REQUIRE_GPU=1 but {problem}", pytrace=False)
    pytest.skip(problem)


DEVICES = ["cpu", "strict", pytest.param("cuda", marks=pytest.mark.gpu)]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    """Each device a test runs on, spelled as ``Tensor.device`` reports it."""
    name: str = request.param
    if name == "cuda":
        require_cuda()
        return "cuda:0"
    return name


@pytest.fixture
def cuda() -> str:
    """The GPU device, for tests that only make sense on one."""
    require_cuda()
    return "cuda"


@pytest.fixture
def other_device(device: str) -> str:
    """A device different from ``device``, for cross-device tests."""
    return "strict" if device == "cpu" else "cpu"
