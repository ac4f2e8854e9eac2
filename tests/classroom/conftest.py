"""Class tests: a real JupyterHub, the peerkit service and PostgreSQL (``running_class``)."""

from __future__ import annotations

import pytest

# The browser tests' own Chromium and artifacts folder, shared rather than copied.
from tests.browser.conftest import artifacts, browser  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/classroom" in str(item.fspath):
            item.add_marker(pytest.mark.hub)
