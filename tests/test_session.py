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
    assert len(shown) == 2
    html = shown[0].data
    assert "<style>" in html and ".peerkit-exercise" in html
    assert "In this session you will" in html
    assert "Who Am I Map" in html


def test_in_voila_only_the_progress_bar_is_shown(shown, monkeypatch):
    from peerkit.pages.progress_bar import ProgressBar

    monkeypatch.setenv("VOILA_KERNEL_ID", "abc")
    peerkit.open_session("m2s2")
    assert len(shown) == 1
    assert isinstance(shown[0], ProgressBar)


def test_progress_bar_counts_answers_and_follows_saves(store, monkeypatch):
    from peerkit.course.notebooks import exercise_ids
    from peerkit.session import Session

    session = Session("m2s5", store=store, learner="sam", autosave_delay=None)
    total = len(exercise_ids(session.info.notebook_path()))
    store.save("sam", "m2s5", "core-behaviours-check", "Be kind")
    store.save("sam", "m2s5", "not-in-this-notebook", "ignored")
    bar = session.progress_bar()
    assert f"1 of {total} exercises answered" in bar.value
    ex = session.reflection("what-self-care-means", "What does self-care mean?")
    ex.edit(text="Rest")
    ex.save_now()
    assert f"2 of {total} exercises answered" in bar.value
    ex.edit(text="   ")
    ex.save_now()
    assert f"1 of {total} exercises answered" in bar.value
    ex.receive({"text": "Rest, and a walk"}, base=ex.view.revision, seq=1, view="v")
    assert f"2 of {total} exercises answered" in bar.value  # a save from the browser too
    ex.receive({"text": ""}, base=ex.view.revision, seq=2, view="v")
    assert f"1 of {total} exercises answered" in bar.value
    wheel = session.chime_wheel()
    wheel.edit(**dict.fromkeys(wheel.keys, "6"))
    assert wheel.add_reading()
    assert f"1 of {total} exercises answered" in bar.value  # the wheel is not an exercise


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
