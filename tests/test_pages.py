"""Course home HTML, learner progress, and the sky-and-mountains picture."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html import escape

import pytest

from peerkit.course.data import Course, ModuleInfo, SessionInfo, SupportLine
from peerkit.course.progress import SessionProgress, course_progress
from peerkit.pages.home import home_html
from peerkit.pictures.sky_and_mountains import MAX_SHOWN, sky_and_mountains_svg

XSS = "<script>alert(1)</script>"
SVG = "{http://www.w3.org/2000/svg}"


def _course(title="Test course", session_title="Ready", module_title="One"):
    ready = SessionInfo(
        id="s1",
        module_id="m1",
        number=1,
        title=session_title,
        notebook="m1/ready.ipynb",
        objectives=("Learn",),
    )
    missing = SessionInfo(
        id="s2", module_id="m1", number=2, title="No notebook yet", notebook="m1/missing.ipynb"
    )
    planned = SessionInfo(
        id="s3",
        module_id="m1",
        number=3,
        title="Later",
        notebook="m1/ready.ipynb",
        aim="Later.",
        planned=True,
    )
    module = ModuleInfo(id="m1", number=1, title=module_title, sessions=(ready, missing, planned))
    course = Course(
        title=title,
        modules=(module,),
        support_intro="Help.",
        support_lines=(SupportLine("Line", "123", ""),),
        privacy="Private & yours.",
    )
    course.sessions_by_id.update({s.id: s for s in module.sessions})
    return course


def _notebook(path, exercise_ids, session="s1"):
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": f'session.reflection("{exercise_id}", "Prompt?")',
        }
        for exercise_id in exercise_ids
    ]
    opening = f'import peerkit\nsession = peerkit.open_session("{session}")'
    cells.insert(0, {"cell_type": "code", "metadata": {}, "outputs": [], "source": opening})
    cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "source": "x = ("})
    nb = {"cells": cells, "metadata": {"peerkit": {"session": session}}, "nbformat": 4}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


# --- home_html ---------------------------------------------------------------------


def _progress(**states):
    return {sid: SessionProgress(sid, *state) for sid, state in states.items()}


DEFAULT_PROGRESS = {"s1": (True, 2, 5), "s2": (False, 0, 0), "s3": (False, 0, 0)}


@pytest.mark.parametrize("where", ["session_title", "module_title"])
def test_home_html_escapes_course_text(where):
    html = home_html(_course(**{where: XSS}), _progress(**DEFAULT_PROGRESS))
    assert "<script" not in html.lower()
    assert escape(XSS) in html


def test_home_html_shows_coming_soon_for_unavailable_sessions():
    html = home_html(_course(), _progress(**DEFAULT_PROGRESS))
    assert html.count("coming soon") == 2
    for session_id in ("s2", "s3"):
        start = html.index(f'data-session="{session_id}"')
        item = html[start : html.index("</li>", start)]
        assert "coming soon" in item
        assert "<a " not in item


def test_home_html_shows_progress_for_available_sessions():
    html = home_html(_course(), _progress(**DEFAULT_PROGRESS))
    start = html.index('data-session="s1"')
    item = html[start : html.index("</li>", start)]
    assert "2 of 5 exercises answered" in item
    assert '<a href="m1/ready.ipynb">' in item
    assert 'value="2"' in item
    assert "coming soon" not in item


def test_home_html_progress_numbers_follow_the_progress():
    states = dict(DEFAULT_PROGRESS, s1=(True, 0, 3))
    assert "0 of 3 exercises answered" in home_html(_course(), _progress(**states))


def test_home_html_escapes_privacy_text():
    html = home_html(_course(), _progress(**DEFAULT_PROGRESS))
    assert "Private &amp; yours." in html


# --- course_progress ---------------------------------------------------------------


def test_course_progress_counts_answered_exercises_in_the_notebook(store, tmp_path):
    _notebook(tmp_path / "m1" / "ready.ipynb", ["a", "b", "c", "d"])
    store.save("alex", "s1", "a", "Answered")
    store.save("alex", "s1", "b", "   \n")  # blank
    store.save("alex", "s1", "c", "Was answered")
    store.save("alex", "s1", "c", "")  # then cleared
    store.save("alex", "s1", "d", {"x": "", "y": ["", "yes"]})
    store.save("alex", "s1", "not-in-notebook", "Stale answer")
    store.save("alex", "s2", "a", "Other session")
    store.save("sam", "s1", "b", "Other learner")

    progress = course_progress(_course(), store, "alex", root=tmp_path)

    assert progress["s1"] == SessionProgress("s1", True, 2, 4)
    assert progress["s2"] == SessionProgress("s2", False, 0, 0)
    assert progress["s3"] == SessionProgress("s3", False, 0, 0)


def test_course_progress_for_another_learner(store, tmp_path):
    _notebook(tmp_path / "m1" / "ready.ipynb", ["a", "b"])
    store.save("alex", "s1", "a", "Alex")
    store.save("sam", "s1", "a", "Sam")
    store.save("sam", "s1", "b", "Sam again")
    assert course_progress(_course(), store, "sam", root=tmp_path)["s1"].answered == 2
    assert course_progress(_course(), store, "nobody", root=tmp_path)["s1"] == (
        SessionProgress("s1", True, 0, 2)
    )


def test_course_progress_counts_a_repeated_id_once(store, tmp_path):
    _notebook(tmp_path / "m1" / "ready.ipynb", ["a", "a", "b"])
    store.save("alex", "s1", "a", "Answered")
    assert course_progress(_course(), store, "alex", root=tmp_path)["s1"] == (
        SessionProgress("s1", True, 1, 2)
    )


# --- sky_and_mountains_svg -------------------------------------------------------------


SKY = [XSS, "Tom & Jerry", "Hope 'n' \"dreams\""]
MOUNTAINS = ["Fear of <failure>", "Money & time"]


def _parse(svg):
    return ET.fromstring(svg)  # raw '&' or unbalanced tags would not parse


def test_svg_escapes_script_and_ampersands():
    svg = sky_and_mountains_svg(SKY, MOUNTAINS, "pic1")
    assert "<script" not in svg.lower()
    assert "<failure>" not in svg
    assert "Tom &amp; Jerry" in svg
    assert " & " not in svg
    root = _parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert XSS in texts
    assert "Tom & Jerry" in texts


def test_svg_is_an_accessible_image_with_title_and_description():
    svg = sky_and_mountains_svg(SKY, MOUNTAINS, "pic1")
    root = _parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text.strip()
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for idea in SKY + MOUNTAINS:
        assert idea in desc.text


def test_svg_description_lists_ideas_that_do_not_fit_on_the_picture():
    sky = [f"sky idea {n}" for n in range(MAX_SHOWN + 3)]
    mountains = [f"mountain idea {n}" for n in range(7)]
    root = _parse(sky_and_mountains_svg(sky, mountains, "pic2"))
    desc = root.find(f"{SVG}desc").text
    for idea in sky + mountains:
        assert f"{idea};" in desc or f"{idea}." in desc
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert "and 3 more" in texts
    assert f"sky idea {MAX_SHOWN}" not in texts


def test_svg_skips_blank_ideas_and_says_when_there_are_none():
    root = _parse(sky_and_mountains_svg(["  ", ""], [], "pic3"))
    desc = root.find(f"{SVG}desc").text
    assert desc.count("no ideas yet") == 2
    assert list(root.iter(f"{SVG}text")) == []


# --- the template environment ---------------------------------------------------------


def test_templates_are_autoescaped_and_strict():
    import jinja2

    from peerkit.pages.templating import environment

    env = environment()
    assert env is environment()  # built once
    assert env.from_string("{{ x }}").render(x=XSS) == escape(XSS, quote=False)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_template_lines_are_joined_without_their_indentation():
    from peerkit.pages.templating import join_lines

    assert join_lines("<p>\n  <b>{{ x }}</b> text\n</p>\n") == "<p><b>{{ x }}</b> text</p>"


def test_importing_the_pages_does_not_load_jinja():
    import subprocess
    import sys

    code = (
        "import sys, peerkit.pages.home, peerkit.pages.my_data, peerkit.pages.progress_bar; "
        "print(sorted({'jinja2', 'markupsafe', 'mistune'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_session_page_without_a_scenario_needs_no_template_engine():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from peerkit.session import Session\n"
        "from peerkit.store.answer_store import AnswerStore\n"
        "s = Session('m2s1', store=AnswerStore('sqlite://'), learner='a', autosave_delay=None)\n"
        "s.progress_bar(); s.reflection('chime-now', 'How?'); s.chime_wheel()\n"
        "print(sorted({'jinja2', 'mistune'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- course text (Markdown) -------------------------------------------------------------


def test_course_text_paragraphs_and_bullets():
    from peerkit.course.markdown import paragraphs_html

    text = "First line\nsame paragraph.\n\nSecond & last.\n\n- one\n- two <i>"
    assert paragraphs_html(text) == (
        "<p>First line same paragraph.</p><p>Second &amp; last.</p>"
        "<ul><li>one</li><li>two &lt;i&gt;</li></ul>"
    )


def test_course_text_lists_may_follow_a_line_and_use_emphasis():
    from peerkit.course.markdown import paragraphs_html

    html = paragraphs_html("These could include:\n- *why* he thinks so\n- what **help** he needs")
    assert html == (
        "<p>These could include:</p>"
        "<ul><li><em>why</em> he thinks so</li><li>what <strong>help</strong> he needs</li></ul>"
    )


@pytest.mark.parametrize(
    "text",
    [
        XSS,
        f"Before {XSS} after",
        "<div onclick='alert(1)'>block</div>",
        '<img src=x onerror="alert(1)">',
        "- <script>alert(1)</script>",
        "[a link](javascript:alert(1))",
    ],
)
def test_course_text_html_is_escaped(text):
    from peerkit.course.markdown import paragraphs_html

    html = paragraphs_html(text)
    tags = {tag for tag, _attrs in _tags(html)}
    assert tags <= {"p", "ul", "li", "a"}
    for _tag, attrs in _tags(html):
        assert all(not name.startswith("on") for name, _value in attrs)
        assert all("javascript:" not in (value or "") for _name, value in attrs)


def test_course_text_indentation_does_not_make_code():
    from peerkit.course.markdown import paragraphs_html

    indented = """
        Ian needs to remind Kyle.

        - Why?
        - How?
    """
    assert (
        paragraphs_html(indented)
        == "<p>Ian needs to remind Kyle.</p><ul><li>Why?</li><li>How?</li></ul>"
    )


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    parser = Tags()
    parser.feed(html)
    parser.close()
    return found
