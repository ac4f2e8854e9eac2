"""Portfolio export: the JSON record is complete; Word, HTML and Markdown are readable and safe."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pytest

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercises, read_notebook
from peerkit.exercises import exercise_types
from peerkit.exercises.base import Exercise
from peerkit.pictures.chime_wheel import chime_table_html, describe
from peerkit.portfolio import FORMATS, export_portfolio
from peerkit.portfolio.collect import collect_portfolio
from peerkit.portfolio.render_md import md_escape
from peerkit.portfolio.sample import sample_answers
from peerkit.portfolio.text import one_line
from peerkit.store.answers import answer_lines

from .html_elements import parse_html

LEARNER = "alex"
NOW = datetime(2025, 3, 4, 10, 42, tzinfo=UTC)
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1)) <a href='javascript:alert(1)'>x</a>",
    "&lt;b&gt;entity&lt;/b&gt; <svg onload=alert(1)>",
)
#: Exercise types whose answer is the learner's own text (the others store choices).
#: Exercise types whose stored text is shown as it is (not a choice's option or a score).
TEXT_METHODS = {
    method
    for method, cls in exercise_types().items()
    if cls.shown.__func__ is Exercise.shown.__func__  # type: ignore[attr-defined]
}
READING = {
    "date": "2025-03-04T10:00:00+00:00",
    "connectedness": "7",
    "hope": "5",
    "identity": "6",
    "meaning": "4",
    "empowerment": "8",
}


@pytest.fixture(scope="module")
def course():
    return load_course()


def _text(name: str) -> str:
    return f"Answer text for {name}."


def _fill(store, course, learner=LEARNER, revisions=1):
    saved = []
    for n in range(revisions):
        saved = []
        for session, exercise, value in sample_answers(course, _text):
            if n < revisions - 1:
                value = json.loads(json.dumps(value).replace("Answer text", f"Draft {n}"))
            store.save(learner, session, exercise, value)
            saved.append((session, exercise, value))
    return saved


def _methods(course) -> dict[tuple[str, str], str]:
    found = {}
    for info in course.sessions:
        path = info.notebook_path()
        if path.is_file():
            for ref in exercises(read_notebook(path)):
                found[(info.id, ref.id)] = ref.method
    return found


def _docx_text(data: bytes):
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return document, paragraphs, "\n".join([t for _s, t in paragraphs] + cells)


def _assert_inert(html: str) -> None:
    """No script, no injected element and no event handler or javascript: link."""
    parsed = parse_html(html)
    tags = {tag for tag, _attrs in parsed.tags}
    assert not tags & {"script", "img", "iframe", "a", "object", "embed"}
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or ""), (tag, name)
    text = "".join(parsed.text)
    for payload in PAYLOADS:
        assert one_line(payload) in text


# --- JSON ---------------------------------------------------------------


def test_json_holds_every_answer_and_every_revision(store, course):
    _fill(store, course, revisions=3)
    store.save(LEARNER, "m2s1", "removed-exercise", "An answer to an exercise since removed")
    store.save("someone-else", "m2s1", "chime-now", "Not alex's answer")

    record = json.loads(export_portfolio("json", LEARNER, store, course, now=NOW))

    assert record["format"] == "peerkit-portfolio"
    assert record["schema_version"] == 1
    assert record["learner"] == LEARNER
    assert record["exported_at"] == NOW.isoformat()
    exported = {(a["session"], a["exercise"]): a for a in record["answers"]}
    stored = {(r.session, r.exercise) for r in store.current_answers(LEARNER)}
    assert set(exported) == stored
    for key, answer in exported.items():
        history = store.history(LEARNER, *key)
        assert [r["value"] for r in answer["revisions"]] == [h.value for h in history]
        assert [r["saved_at"] for r in answer["revisions"]] == [
            h.saved_at.isoformat() for h in history
        ]
        assert [r["id"] for r in answer["revisions"]] == [h.id for h in history]
        assert answer["current"] == history[-1].value
    assert len(exported[("m2s1", "chime-now")]["revisions"]) == 3
    assert exported[("m2s1", "removed-exercise")]["in_course"] is False
    assert exported[("m2s1", "chime-now")]["in_course"] is True
    assert "Not alex's answer" not in json.dumps(record)


def test_json_keeps_an_answer_that_was_cleared(store, course):
    store.save(LEARNER, "m2s1", "chime-now", "Written, then deleted")
    store.save(LEARNER, "m2s1", "chime-now", "")
    record = json.loads(export_portfolio("json", LEARNER, store, course))
    (answer,) = record["answers"]
    assert [r["value"] for r in answer["revisions"]] == ["Written, then deleted", ""]
    html = export_portfolio("html", LEARNER, store, course).decode()
    assert "Written, then deleted" not in html


# --- Word -----------------------------------------------------------------


def test_docx_holds_every_prompt_and_answer_with_heading_styles(store, course):
    saved = _fill(store, course, revisions=2)
    methods = _methods(course)
    data = export_portfolio("docx", LEARNER, store, course)
    document, paragraphs, text = _docx_text(data)

    portfolio = collect_portfolio(LEARNER, store, course)
    for _module, _session, exercise in portfolio.entries():
        assert one_line(exercise.title) in text
    checked = 0
    for session, exercise, value in saved:
        if methods.get((session, exercise)) in TEXT_METHODS:
            if isinstance(value, dict):
                value = {k: v for k, v in value.items() if k != "revealed"}
            for line in answer_lines(value):
                assert line in text, (session, exercise)
                checked += 1
    assert checked > 50
    assert "Draft 0" not in text  # only the current answer is shown
    styles = {style for style, _text in paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= styles
    assert ("Heading 1", "Module 2: The Peer Support Relationship") in paragraphs
    assert ("Heading 2", course.session("m2s3").heading) in paragraphs
    assert ("List Bullet", _text("m2s5/self-care-toolbox/0")) in paragraphs
    assert document.core_properties.author == LEARNER


def test_docx_shows_the_boundary_statement_and_who_am_i_map_with_their_labels(store, course):
    from peerkit.exercises.who_am_i_map import BOXES as WHO_AM_I_BOXES

    store.save(LEARNER, "m2s3", "boundary-statement", {"ok": "Tea", "statement": "My line"})
    store.save(LEARNER, "m2s1", "who-am-i-map", {k: f"map {k}" for k in WHO_AM_I_BOXES})
    _document, paragraphs, text = _docx_text(export_portfolio("docx", LEARNER, store, course))
    assert "My personal boundary statement" in text
    assert "My line" in text
    for key, label in WHO_AM_I_BOXES.items():
        assert label in text
        assert f"map {key}" in text
    assert ("Heading 3", "Sky and mountains") not in paragraphs  # not answered, left out


def test_docx_copes_with_characters_word_cannot_hold(store, course):
    store.save(LEARNER, "m2s1", "chime-now", "bell\x07 and nul\x00 and tab\t.")
    _document, _paragraphs, text = _docx_text(export_portfolio("docx", LEARNER, store, course))
    assert "bell\ufffd and nul\ufffd and tab" in text


# --- HTML -----------------------------------------------------------------


def _save_payloads(store):
    store.save(LEARNER, "m2s1", "chime-now", "\n\n".join(PAYLOADS))
    store.save(LEARNER, "m2s1", "core-behaviours", {"i-commit": PAYLOADS[1], "i-need": PAYLOADS[0]})
    store.save(LEARNER, "m2s5", "self-care-toolbox", list(PAYLOADS))
    store.save(
        LEARNER, "m2s4", "sky-and-mountains", {"sky": list(PAYLOADS), "mountains": [PAYLOADS[1]]}
    )
    store.save(LEARNER, "m2s1", "a-removed-exercise", {PAYLOADS[0][:50]: PAYLOADS[2]})
    store.save(LEARNER, "m2s1", "chime-wheel", {"readings": [{**READING, "date": PAYLOADS[1]}]})


def test_html_escapes_learner_text_everywhere(store, course):
    _save_payloads(store)
    html = export_portfolio("html", LEARNER, store, course).decode()
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    _assert_inert(html)


def test_html_escapes_the_learner_name(store, course):
    store.save(PAYLOADS[0], "m2s1", "chime-now", "hello")
    html = export_portfolio("html", PAYLOADS[0], store, course).decode()
    assert PAYLOADS[0] not in html
    assert "Learner: &lt;script&gt;" in html


def test_html_is_a_print_ready_document(store, course):
    store.save(LEARNER, "m2s3", "boundary-experience", "Line one\nline two\n\nNew paragraph")
    store.save(LEARNER, "m2s4", "sky-and-mountains", {"sky": ["Try a class"], "mountains": []})
    store.save(LEARNER, "m2s5", "ideas-from-others", "Walks")
    html = export_portfolio("html", LEARNER, store, course).decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html and "@page" in html
    assert "<h1>My portfolio</h1>" in html
    assert "<h2>Module 2: The Peer Support Relationship</h2>" in html
    assert f"<h3>{course.session('m2s3').heading}</h3>" in html
    assert "<p>Line one<br>line two</p><p>New paragraph</p>" in html
    assert 'class="peerkit-picture"' in html and "Try a class" in html
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")  # self-contained
    tags = {tag for tag, _attrs in parse_html(html).tags}
    assert not tags & {"link", "script", "img"}
    assert course.session("m2s1").heading not in html  # no answers there


def test_sessions_without_answers_are_left_out_of_every_human_format(store, course):
    store.save(LEARNER, "m2s3", "boundary-experience", "Only this")
    heading = course.session("m2s1").heading
    for fmt in ("html", "md"):
        assert heading not in export_portfolio(fmt, LEARNER, store, course).decode()
    _document, _paragraphs, text = _docx_text(export_portfolio("docx", LEARNER, store, course))
    assert heading not in text
    assert "Module 1" not in text
    assert "Only this" in text


def test_an_empty_portfolio_says_so(store, course):
    for fmt in ("html", "md"):
        assert "You have not written any answers yet." in export_portfolio(
            fmt, LEARNER, store, course
        ).decode("utf-8")
    record = json.loads(export_portfolio("json", LEARNER, store, course))
    assert record["answers"] == []


def test_answers_to_removed_exercises_appear_under_other_answers(store, course):
    store.save(LEARNER, "m2s2", "old-exercise", "Kept from an older course version")
    store.save(LEARNER, "no-such-session", "x", ["Kept too"])
    for fmt in ("html", "md"):
        out = export_portfolio(fmt, LEARNER, store, course).decode()
        assert "Other answers" in out
        assert "Kept from an older course version" in out
        assert "Kept too" in out
        assert "Old exercise" in out
    _document, _paragraphs, text = _docx_text(export_portfolio("docx", LEARNER, store, course))
    assert "Other answers" in text and "Kept too" in text


# --- Markdown -------------------------------------------------------------


def test_md_escapes_learner_text_so_it_renders_as_text(store, course):
    import mistune

    _save_payloads(store)
    md = export_portfolio("md", LEARNER, store, course).decode()
    for payload in PAYLOADS:
        assert payload not in md
    # A renderer that passes raw HTML through: only our escaping keeps it inert.
    html = mistune.create_markdown(escape=False)(md)
    _assert_inert(html)


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "- not a list",
        "1. not a list",
        "+ not a list",
        "> not a quote",
        "    not code",
        "*not emphasis* and _not_ either",
        "`not code`",
        "| not | a table |",
        "===",
        "back\\slash <b>",
    ],
)
def test_md_escape_keeps_markdown_syntax_literal(text):
    import mistune

    html = mistune.create_markdown(escape=False)(md_escape(text))
    parsed = parse_html(html)
    assert [tag for tag, _attrs in parsed.tags] == ["p"]
    assert "".join(parsed.text).strip() == text.strip()


def test_md_has_headings_lists_and_labels(store, course):
    store.save(LEARNER, "m2s5", "self-care-toolbox", ["Walking", "Yoga"])
    store.save(LEARNER, "m2s3", "boundary-statement", {"ok": "Tea", "statement": "My line"})
    md = export_portfolio("md", LEARNER, store, course).decode()
    assert md.startswith("# My portfolio\n")
    assert "\n## Module 2: The Peer Support Relationship\n" in md
    assert f"\n### {md_escape(course.session('m2s5').heading)}\n" in md
    assert "- Walking\n- Yoga" in md
    assert "**My personal boundary statement**\n\nMy line" in md


# --- CHIME wheel ----------------------------------------------------------


def test_the_chime_wheel_appears_when_readings_exist(store, course):
    second = {**READING, "date": "2025-04-01T09:00:00+00:00", "hope": "9"}
    store.save(LEARNER, "m2s1", "chime-wheel", {"readings": [READING, second]})
    html = export_portfolio("html", LEARNER, store, course).decode()
    assert html.count("<svg") == 1
    assert escape(describe([READING, second])) in html  # the wheel's description
    assert chime_table_html([READING, second]) in html
    md = export_portfolio("md", LEARNER, store, course).decode()
    assert "| Hope and optimism | 5 | 9 |" in md
    assert "Reading 2 \\(2025-04-01\\)" in md or "Reading 2 (2025-04-01)" in md
    document, _paragraphs, text = _docx_text(export_portfolio("docx", LEARNER, store, course))
    (table,) = document.tables
    assert [c.text for c in table.rows[2].cells] == ["Hope and optimism", "5", "9"]
    assert "My CHIME wheel" in text


def test_the_chime_wheel_is_absent_without_readings(store, course):
    store.save(LEARNER, "m2s1", "chime-now", "Thinking about CHIME")
    html = export_portfolio("html", LEARNER, store, course).decode()
    assert "<svg" not in html
    assert "My CHIME wheel" not in html


def test_the_chime_wheel_sits_in_notebook_order(store, course):
    store.save(LEARNER, "m2s1", "core-behaviours", {"i-commit": "Listen"})
    store.save(LEARNER, "m2s1", "chime-wheel", {"readings": [READING]})
    store.save(LEARNER, "m2s1", "chime-now", "Thinking about CHIME")
    portfolio = collect_portfolio(LEARNER, store, course)
    (m2s1,) = [s for m in portfolio.modules for s in m.sessions if s.id == "m2s1"]
    ids = [e.id for e in m2s1.answered]
    assert ids == ["core-behaviours", "chime-wheel", "chime-now"]


# --- labels from the notebook ---------------------------------------------

COURSE_YAML = """\
title: Test course
privacy: Private.
support: {intro: Help., lines: []}
modules:
  - id: m9
    number: 9
    title: Test module
    sessions:
      - {id: t1, number: 1, title: Everything, notebook: t1.ipynb}
"""
CELLS = [
    'import peerkit\nsession = peerkit.open_session("t1")',
    'session.choice("quiz", "True or false?", options={"t": "True", "f": "False"}, '
    'items=[{"key": "a", "text": "Statement A", "feedback": {}}])',
    'session.card_sort("sort", "Sort them", groups={"g1": "Group one"}, '
    'cards={"c1": "Card one text"})',
    'session.rating("rate", "Rate it", items={"r1": "Confidence"}, maximum=5)',
    'session.rewrite("rw", "Rewrite", statements={"s1": "Original statement"})',
    'session.scenario("sc", "Scenario", situation="Sam is late.", '
    'questions={"q1": "What now?"}, discussion="Talk.")',
    'session.value_set("vals", "How?", values=session.content("vals"))',
    'session.paired("pair", "Pair up", left="Left label")',
    'session.essay_planner("essay", "Plan", sources=[], sections={"intro": "Intro"})',
]


def _tiny_course(tmp_path: Path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (tmp_path / "content" / "vals.yaml").write_text("- name: Big Hope\n", encoding="utf-8")
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
            for source in CELLS
        ],
        "metadata": {"peerkit": {"session": "t1"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "t1.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return load_course(tmp_path / "content" / "course.yaml"), tmp_path / "notebooks"


def test_labels_and_choices_come_from_the_notebook(store, tmp_path):
    tiny, root = _tiny_course(tmp_path)
    answers = {
        "quiz": {"a": "t"},
        "sort": {"c1": "g1"},
        "rate": {"r1": "4"},
        "rw": {"s1": "My rewrite"},
        "sc": {"q1": "Ask Sam", "revealed": "yes"},
        "vals": {"big-hope": "Hope matters"},
        "pair": {"learn": "To listen", "let-go": "Fixing"},
        "essay": {"intro": "Start", "draft": "Whole draft"},
    }
    for exercise, value in answers.items():
        store.save(LEARNER, "t1", exercise, value)
    md = export_portfolio("md", LEARNER, store, tiny, root).decode()
    for expected in (
        "**Statement A**\n\nMy answer: True",
        "**Card one text**\n\nPlaced in: Group one",
        "**Confidence**\n\n4 out of 5",
        "**Original statement**\n\nMy rewrite",
        "> Sam is late.",
        "**What now?**\n\nAsk Sam",
        "**Big Hope**\n\nHope matters",
        "**Left label**\n\nTo listen",
        "**What do I need to let go?**\n\nFixing",
        "**Intro**\n\nStart",
        "**My draft**\n\nWhole draft",
    ):
        assert expected in md
    assert "Revealed" not in md
    assert "Other answers" not in md


def test_every_format_is_offered_and_an_unknown_one_is_refused(store, course):
    assert set(FORMATS) == {"docx", "html", "pdf", "md", "json"}
    with pytest.raises(ValueError, match="Unknown export format"):
        export_portfolio("xlsx", LEARNER, store, course)


@pytest.mark.parametrize(
    "payload", ["<script>alert(1)</script>", '" onmouseover="x', "' onfocus='x"]
)
def test_html_keeps_hostile_names_and_answers_as_text(store, course, payload):
    learner = f"alex {payload}"
    store.save(learner, "m2s1", "chime-now", f"{payload}\nsecond line\n\n{payload}")
    store.save(learner, "m2s1", "core-behaviours", {"i-commit": payload})
    store.save(learner, "m2s5", "self-care-toolbox", [payload, "Walking"])
    store.save(learner, "m2s1", "a-removed-exercise", {payload: payload})
    html = export_portfolio("html", learner, store, course).decode()
    assert payload not in html
    parsed = parse_html(html)
    assert "script" not in {tag for tag, _attrs in parsed.tags}
    for tag, attrs in parsed.tags:
        assert all(not name.startswith("on") for name, _value in attrs), tag
    text = "".join(parsed.text)
    assert f"Learner: {learner}" in text
    assert text.count(payload) >= 6  # twice in a paragraph, a part, a list item, a label, ...


def test_the_portfolio_names_the_group_an_answer_is_shared_with(course) -> None:
    """A choice of "my group" that names its group says which, in every format, as the
    share control says it; one recorded before groups were named, or another choice,
    names none (and outside a class nothing is said about sharing at all)."""
    from peerkit.store.answer_store import AnswerStore

    group = "Tuesday <b>group</b>"
    with AnswerStore("sqlite:///:memory:") as store:
        for session, exercise in (("m1s1", "my-hopes"), ("m1s1", "take-away"),
                                  ("m1s3", "turning-points")):  # fmt: skip
            store.save(LEARNER, session, exercise, f"My answer to {exercise}")
        store.set_consent(LEARNER, "m1s1", "my-hopes", "group-named", group)
        store.set_consent(LEARNER, "m1s1", "take-away", "group")  # before groups had names
        # "My group" is kept with its group; another choice keeps none.
        store.set_consent(LEARNER, "m1s3", "turning-points", "facilitator", group)
        said = "Who can see this: My group, with my name (\u201cTuesday <b>group</b>\u201d)"

        markdown = export_portfolio("md", LEARNER, store, course, now=NOW).decode()
        assert md_escape(said) in markdown
        assert "Who can see this: My group, without my name*" in markdown
        assert "Who can see this: Me and my facilitator*" in markdown

        html = export_portfolio("html", LEARNER, store, course, now=NOW).decode()
        assert escape(said, quote=False) in html and group not in html
        assert "Who can see this: My group, without my name</p>" in html

        from docx import Document

        docx = Document(io.BytesIO(export_portfolio("docx", LEARNER, store, course, now=NOW)))
        assert said in [p.text for p in docx.paragraphs]

        from peerkit.portfolio.render_pdf import portfolio_workbook_html

        portfolio = collect_portfolio(LEARNER, store, course, now=NOW)
        paper = portfolio_workbook_html(portfolio, course, None)
        assert escape(said, quote=False) in paper and group not in paper

        record = json.loads(export_portfolio("json", LEARNER, store, course, now=NOW))
        sharing = {a["exercise"]: a["sharing"] for a in record["answers"] if "sharing" in a}
        assert sharing["my-hopes"]["group"] == group
        assert sharing["take-away"]["group"] is None
        assert sharing["turning-points"]["group"] is None
