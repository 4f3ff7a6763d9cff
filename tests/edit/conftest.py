"""Fixtures of the edit tests: the small knowledge base of the kb tests."""

from tests.kb.conftest import kb  # noqa: F401
