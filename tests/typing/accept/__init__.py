"""Code that mypy must accept, with the types it must infer (see tests/test_typing.py)."""
