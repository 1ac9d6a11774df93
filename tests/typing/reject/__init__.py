"""Code that mypy must reject, line by line (see tests/test_typing.py)."""
