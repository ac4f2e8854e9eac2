"""open_session: what JupyterLab users and Voilà learners get at the top of a page."""

from __future__ import annotations

import pytest

import peerkit
from peerkit import session as session_module


@pytest.fixture
def shown(monkeypatch, store):
    """Collect what open_session displays, with the shared store swapped for a test one."""
    displayed: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: displayed.append(obj))
    monkeypatch.setattr(session_module, "shared_store", lambda: store)
    return displayed


def test_in_jupyterlab_the_overview_and_styling_are_shown(shown, monkeypatch):
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    session = peerkit.open_session("m2s1")
    assert session.id == "m2s1"
    assert len(shown) == 1
    html = shown[0].data
    assert "<style>" in html and ".peerkit-exercise" in html
    assert "In this session you will" in html
    assert "Who Am I Map" in html


def test_in_voila_nothing_extra_is_shown(shown, monkeypatch):
    monkeypatch.setenv("VOILA_KERNEL_ID", "abc")
    peerkit.open_session("m2s2")
    assert shown == []


def test_unknown_session_is_a_clear_error(shown):
    from peerkit.errors import CourseDataError

    with pytest.raises(CourseDataError, match="No session 'm9s9'"):
        peerkit.open_session("m9s9")


def test_import_peerkit_loads_neither_sqlalchemy_nor_ipywidgets():
    import subprocess
    import sys

    code = (
        "import sys, peerkit; "
        "print(sorted(m for m in ('sqlalchemy', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
