"""The course data file: the real course, and malformed files caught with clear errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from peerkit import paths
from peerkit.course.data import load_content, load_course
from peerkit.errors import CourseDataError

ROOT = Path(__file__).resolve().parents[1]
COURSE_YAML = ROOT / "content" / "course.yaml"

VALID = """\
title: Test course
privacy: Private.
support:
  intro: Get help.
  lines:
    - name: Line
      contact: "123"
modules:
  - id: m1
    number: 1
    title: One
    sessions:
      - id: s1
        number: 1
        title: First
        notebook: one/first.ipynb
        objectives: [Learn a thing]
      - id: s2
        number: 2
        title: Second
        notebook: one/second.ipynb
        planned: true
        aim: Later.
"""


@pytest.fixture(autouse=True)
def _real_checkout(monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)


def _write(tmp_path, text):
    path = tmp_path / "course.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the real course ---------------------------------------------------------------


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE_YAML)


def test_default_path_is_the_checkout_course(course):
    assert load_course() == course


def test_real_course_has_two_modules(course):
    assert [m.id for m in course.modules] == ["m1", "m2"]
    assert [m.number for m in course.modules] == [1, 2]


def test_module_one_has_eleven_sessions_and_useful_resources_each_with_an_aim(course):
    module = course.module("m1")
    sessions = [s for s in module.sessions if s.kind == "session"]
    resources = [s for s in module.sessions if s.kind == "resources"]
    assert [s.number for s in sessions] == list(range(1, 12))
    assert [r.heading for r in resources] == ["Useful Resources"]
    for info in module.sessions:
        assert info.aim.strip(), info.id
        assert info.module_id == "m1"
        if not info.planned:
            assert info.objectives, info.id
            assert info.notebook_path().is_file(), info.id


def test_module_two_has_five_sessions_and_useful_resources_with_objectives_and_notebooks(course):
    module = course.module("m2")
    assert [s.number for s in module.sessions if s.kind == "session"] == [1, 2, 3, 4, 5]
    assert [s.id for s in module.sessions if s.kind == "resources"] == ["m2res"]
    for info in module.sessions:
        assert not info.planned, info.id
        assert info.objectives, info.id
        assert all(o.strip() for o in info.objectives), info.id
        assert info.notebook_path(ROOT / "notebooks").is_file(), info.notebook
        assert info.notebook_path().is_file(), info.notebook


def test_session_ids_are_indexed(course):
    assert len(course.sessions_by_id) == 18
    assert course.session("m2s3").title.startswith("Identify personal boundaries")
    with pytest.raises(CourseDataError, match="m9s9"):
        course.session("m9s9")
    with pytest.raises(CourseDataError, match="m9"):
        course.module("m9")


def test_support_lines_include_samaritans(course):
    contacts = {line.name: line.contact for line in course.support_lines}
    assert contacts["Samaritans"] == "116 123"
    assert course.support_intro.strip()
    assert course.privacy.strip()


# --- small files in tmp_path -----------------------------------------------------


def test_valid_small_file_loads(tmp_path):
    course = load_course(_write(tmp_path, VALID))
    assert course.title == "Test course"
    first, second = course.sessions
    assert (first.id, first.objectives, first.planned) == ("s1", ("Learn a thing",), False)
    assert (second.id, second.aim, second.planned) == ("s2", "Later.", True)
    assert course.support_lines[0].detail == ""


def test_missing_file_is_a_course_data_error(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(CourseDataError, match="not found"):
        load_course(missing)


def test_malformed_yaml_is_a_course_data_error(tmp_path):
    path = _write(tmp_path, "title: [unclosed\nmodules: {\n")
    with pytest.raises(CourseDataError, match="not valid YAML") as info:
        load_course(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("removed", "field"),
    [
        ("title: Test course\n", "title"),
        ("privacy: Private.\n", "privacy"),
        ("  intro: Get help.\n", "intro"),
        ("        notebook: one/first.ipynb\n", "notebook"),
        ("    number: 1\n    title: One\n", "number"),
    ],
)
def test_missing_field_is_named_in_the_error(tmp_path, removed, field):
    assert removed in VALID
    path = _write(tmp_path, VALID.replace(removed, "", 1))
    with pytest.raises(CourseDataError, match=f"missing or malformed field '{field}'") as info:
        load_course(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "- just\n- a list\n",
        "a plain string\n",
        VALID.replace("        number: 1\n", "        number: first\n"),
        VALID.replace("modules:\n", "modules: 7\nold_modules:\n"),
        VALID.replace("  lines:\n", "  lines: 5\n  old_lines:\n"),
    ],
    ids=["empty", "list", "string", "bad-number", "modules-not-list", "lines-not-list"],
)
def test_malformed_structure_is_a_course_data_error(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(CourseDataError) as info:
        load_course(path)
    assert str(path) in str(info.value)


def test_duplicate_session_ids_are_refused(tmp_path):
    path = _write(tmp_path, VALID.replace("      - id: s2\n", "      - id: s1\n"))
    with pytest.raises(CourseDataError, match="session id 's1' is used twice"):
        load_course(path)


def test_duplicate_session_ids_across_modules_are_refused(tmp_path):
    second_module = """\
  - id: m2
    number: 2
    title: Two
    sessions:
      - id: s2
        number: 1
        title: Again
        notebook: two/again.ipynb
"""
    path = _write(tmp_path, VALID + second_module)
    with pytest.raises(CourseDataError, match="session id 's2' is used twice"):
        load_course(path)


def test_objectives_as_a_single_string_are_refused(tmp_path):
    path = _write(
        tmp_path, VALID.replace("objectives: [Learn a thing]", "objectives: Learn a thing")
    )
    with pytest.raises(CourseDataError):
        load_course(path)


# --- load_content ----------------------------------------------------------------


def test_load_content_reads_a_named_file():
    values = load_content("hear-me-values")
    assert isinstance(values, list)
    assert values[0]["name"] == "Hope"


@pytest.mark.parametrize(
    "name",
    ["../course", "../../etc/passwd", "/etc/passwd", "sub/file", "..\\course", ".hidden", ".."],
)
def test_load_content_rejects_path_traversal(name):
    with pytest.raises(CourseDataError, match="Not a content name"):
        load_content(name)


def test_load_content_missing_name_is_a_course_data_error():
    with pytest.raises(CourseDataError, match="not found"):
        load_content("no-such-content-file")


# --- assessment briefs -------------------------------------------------------------

BRIEF = """\
assessments:
  - id: essay
    session: s1
    title: The essay
    task: Write about it.
    good_answer_shows: [Your own words]
    length: Set by your course.
    assessed: Read by your facilitators.
"""


def test_the_real_course_has_both_module_one_briefs_shown_where_they_are_introduced(course):
    from peerkit.course.notebooks import read_notebook

    for brief_id, session_id in [("m1-first-assessment", "m1s6"), ("m1-final-assignment", "m1s11")]:
        brief = course.assessment(brief_id)
        assert brief.session == session_id
        assert brief.task and brief.length and brief.assessed and brief.good_answer_shows
        assert brief.words is None and brief.word_target == 0  # no word count the course never set
        nb = read_notebook(course.session(session_id).notebook_path(ROOT / "notebooks"))
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert f'session.assessment_brief("{brief_id}")' in cells
        text = "".join("".join(c["source"]) for c in nb["cells"])
        assert "1,500" not in text and "1500" not in text
    with pytest.raises(CourseDataError, match="no-such"):
        course.assessment("no-such")


def test_a_brief_loads_with_an_optional_word_count(tmp_path):
    course = load_course(_write(tmp_path, VALID + BRIEF))
    brief = course.assessment("essay")
    assert (brief.title, brief.good_answer_shows, brief.word_target) == (
        "The essay",
        ("Your own words",),
        0,
    )
    counted = load_course(_write(tmp_path, VALID + BRIEF + "    words: 1200\n"))
    assert counted.assessment("essay").word_target == 1200
    assert load_course(_write(tmp_path, VALID)).assessments == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    task: Write about it.\n", ""), "task"),
        (("    task: Write about it.\n", "    task: ''\n"), "task must be some text"),
        (("good_answer_shows: [Your own words]", "good_answer_shows: []"), "at least one"),
        (("good_answer_shows: [Your own words]", "good_answer_shows: A sentence"), "list"),
        (("    session: s1\n", "    session: s9\n"), "'s9'"),
        (("assessed: Read by your facilitators.\n", "assessed: Read.\n    words: lots\n"), "words"),
        (("assessed: Read by your facilitators.\n", "assessed: Read.\n    words: 0\n"), "words"),
    ],
)
def test_a_malformed_brief_is_a_course_data_error(tmp_path, change, message):
    old, new = change
    assert old in BRIEF
    with pytest.raises(CourseDataError, match=message):
        load_course(_write(tmp_path, VALID + BRIEF.replace(old, new)))


def test_duplicate_brief_ids_are_refused(tmp_path):
    twice = BRIEF + BRIEF.split("assessments:\n")[1]
    with pytest.raises(CourseDataError, match="'essay' is used twice"):
        load_course(_write(tmp_path, VALID + twice))


def test_a_brief_reads_as_a_labelled_section_with_its_text_escaped():
    from peerkit.course.data import AssessmentBrief
    from peerkit.pages.assessment import brief_html

    brief = AssessmentBrief(
        "essay", "s1", "The <essay>", "Write *about* it.", ("Own <words>",), "Set.", "Read.", 1500
    )
    page = brief_html(brief)
    assert page.startswith('<section class="peerkit-brief" aria-labelledby="brief-essay">')
    assert '<h3 id="brief-essay">The &lt;essay&gt;</h3>' in page
    assert "<em>about</em>" in page and "<li>Own &lt;words&gt;</li>" in page
    for heading in ["The task", "What a good answer shows", "Length", "How it is assessed"]:
        assert f"<h4>{heading}</h4>" in page
    assert "About 1,500 words. Set." in page
