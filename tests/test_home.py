"""The course home's journey features: continue link, module progress, last worked on."""

from __future__ import annotations

from datetime import UTC, datetime

from peerkit.course.data import Course, ModuleInfo, SessionInfo, SupportLine
from peerkit.course.progress import SessionProgress, module_totals, next_session
from peerkit.pages.home import continue_html, home_html


def _course() -> Course:
    def session(module: str, number: int) -> SessionInfo:
        return SessionInfo(
            id=f"{module}s{number}",
            module_id=module,
            number=number,
            title=f"Title {module}{number}",
            notebook=f"{module}/{number:02d}.ipynb",
            objectives=("Learn",),
        )

    modules = tuple(
        ModuleInfo(id=m, number=n, title=f"Module {m}", sessions=(session(m, 1), session(m, 2)))
        for n, m in enumerate(("m1", "m2"), start=1)
    )
    course = Course("Course", modules, "Help.", (SupportLine("Line", "1", ""),), "Private.")
    course.sessions_by_id.update({s.id: s for s in course.sessions})
    return course


def _progress(**states) -> dict[str, SessionProgress]:
    defaults = {sid: (True, 0, 3, None) for sid in ("m1s1", "m1s2", "m2s1", "m2s2")}
    defaults.update(states)
    return {sid: SessionProgress(sid, *state) for sid, state in defaults.items()}


DAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_new_learner_starts_at_the_first_session():
    course = _course()
    assert next_session(course, _progress()).id == "m1s1"
    html = continue_html(course, _progress())
    assert "Start here" in html and 'href="m1/01.ipynb"' in html


def test_continue_stays_in_the_module_the_learner_is_working_in():
    course = _course()
    progress = _progress(m2s1=(True, 3, 3, DAY), m2s2=(True, 1, 3, DAY))
    assert next_session(course, progress).id == "m2s2"
    html = continue_html(course, progress)
    assert "Continue where you left off" in html and "Module 2, Session 2" in html


def test_continue_moves_to_the_next_unfinished_session_then_other_modules():
    course = _course()
    progress = _progress(m2s1=(True, 3, 3, DAY), m2s2=(True, 3, 3, DAY))
    assert next_session(course, progress).id == "m1s1"
    done = {sid: (True, 3, 3, DAY) for sid in ("m1s1", "m1s2", "m2s1", "m2s2")}
    assert next_session(course, _progress(**done)) is None
    assert "Well done" in continue_html(course, _progress(**done))


def test_unavailable_sessions_are_skipped():
    course = _course()
    progress = _progress(m1s1=(False, 0, 0, None))
    assert next_session(course, progress).id == "m1s2"


def test_home_shows_module_progress_and_last_worked():
    course = _course()
    progress = _progress(m1s1=(True, 2, 3, DAY), m1s2=(True, 1, 4, None))
    assert module_totals(course.module("m1"), progress) == (3, 7)
    html = home_html(course, progress)
    assert "Module 1: 3 of 7 exercises answered" in html
    assert "last worked on 20 Nov 2026" in html
    assert "not started" in html
    assert 'href="my-data.ipynb"' in html


def test_a_content_note_comes_before_its_session_link_with_a_choice():
    from dataclasses import replace

    course = _course()
    first = course.module("m1").sessions[0]
    noted = replace(first, content_note="This session talks about <hard> things.")
    module = replace(course.module("m1"), sessions=(noted, course.module("m1").sessions[1]))
    course = replace(course, modules=(module, course.modules[1]))
    html = home_html(course, _progress())
    note = html.index('<div class="peerkit-content-note" id="m1s1-note">')
    link = html.index('<a href="m1/01.ipynb" aria-describedby="m1s1-note">')
    assert note < link  # read before the link, and tied to it for screen readers
    assert "<strong>Content note:</strong> This session talks about &lt;hard&gt; things." in html
    assert 'You choose: open it when you feel ready, or <a href="m1/02.ipynb">go on to' in html
    assert "and come back to it later. You can also talk to a facilitator first." in html
    assert html.count("peerkit-content-note") == 1  # sessions without a note have none
    # The last session of a module has no next one to offer; the choice still reads well.
    last = replace(course.module("m1").sessions[1], content_note="Hard.")
    module = replace(module, sessions=(first, last))
    html = home_html(replace(course, modules=(module, course.modules[1])), _progress())
    assert "You choose: open it when you feel ready. You can also talk" in html


def test_the_real_course_notes_sessions_three_and_ten():
    from peerkit.course.data import load_course

    course = load_course()
    noted = [s.id for s in course.sessions if s.content_note]
    assert noted == ["m1s3", "m1s10"]
    assert "suicide" in course.session("m1s10").content_note
