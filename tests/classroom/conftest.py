"""Class tests: a real JupyterHub, the peerkit service and PostgreSQL (``running_class``)."""

from __future__ import annotations

import pytest

# The browser tests' own Chromium and artifacts folder, shared rather than copied.
from tests.browser.conftest import artifacts, browser  # noqa: F401
from tests.running_class import wait_until


def in_a_group(rc, who: str) -> bool:
    """Whether the service has read the hub's groups since ``who`` joined one."""
    status, data = rc.service_call("GET", "whoami", rc.token_for(who))
    return status == 200 and bool(data["groups"])


@pytest.fixture
def group(running_class):
    """A group no other test uses: learners A and B with facilitator F; and another
    group, of learner O with facilitator G. Returns (rc, A, B, F, G, O)."""
    rc = running_class
    a, b, f, g, other = (rc.new_learner(stem) for stem in ("a", "b", "f", "g", "other"))
    rc.new_group([a, b], (f,))
    rc.new_group([other], (g,))
    for who in (a, b, f, g, other):  # read again within half a second of a new name
        wait_until(lambda w=who: in_a_group(rc, w), timeout=10)
    return rc, a, b, f, g, other


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/classroom" in str(item.fspath):
            item.add_marker(pytest.mark.hub)
