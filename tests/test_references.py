"""The course's references: every session lists its sources; the bibliography has them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.course.notebooks import read_notebook
from peerkit.course.references import (
    NONE_CITED,
    Reference,
    bibliography_html,
    load_references,
    references_html,
)
from peerkit.errors import CourseDataError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _real_checkout(monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "content" / "course.yaml")


def _code(course, session_id):
    nb = read_notebook(course.session(session_id).notebook_path(ROOT / "notebooks"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_every_session_shows_its_references_and_resources_the_bibliography(course):
    refs = load_references(course)
    for info in course.sessions:
        call = "session.bibliography()" if info.kind == "resources" else "session.references()"
        assert call in _code(course, info.id), info.id
        refs.for_session(info.id)  # listed, every id known
    cited = {i for ids in refs.sessions.values() for i in ids}
    assert cited == set(refs.by_id)  # no source that no session cites


def test_the_sources_the_issue_names_are_referenced_in_full(course):
    refs = load_references(course)
    meta = refs.by_id["peer-support-meta-2022"]
    assert meta.url == "https://doi.org/10.1176/appi.ps.202100138"
    assert "49 trials, 12,477 participants" in meta.text and "high risk of bias" in meta.text
    assert "2003" in refs.by_id["pra-2003"].text
    assert [r.id for r in refs.for_session("m2s3")] == []  # said in words, below


def _data(**change):
    data = {
        "references": [
            {"id": "a-1999", "text": "Able, A. (1999). *A Book*. <Press>."},
            {"id": "b-2001", "text": "Baker, B. (2001). Paper.", "url": "https://doi.org/10/x"},
        ],
        "sessions": {"m1s1": ["b-2001", "a-1999"]},
    }
    data.update(change)
    return data


def test_a_session_lists_its_sources_sorted_escaped_and_linked(course, monkeypatch):
    sessions = {s.id: [] for s in course.sessions}
    sessions["m1s1"] = ["b-2001", "a-1999"]
    refs = load_references(course, _data(sessions=sessions))
    page = references_html(refs.for_session("m1s1"))
    assert page.startswith('<ul class="peerkit-references"><li>Able, A. (1999). <em>A Book</em>.')
    assert "&lt;Press&gt;" in page
    assert '<a href="https://doi.org/10/x">https://doi.org/10/x</a>' in page
    assert NONE_CITED.replace("'", "&#39;") in references_html(refs.for_session("m1s2"))
    assert "Cited in Module 1 Session 1." in bibliography_html(course, refs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sessions": {"m1s1": ["nobody-2000"]}}, "unknown reference 'nobody-2000'"),
        ({"sessions": {"m9s9": []}}, "'m9s9' is not a session"),
        ({"sessions": {"m1s1": []}}, "no references listed for session"),
        ({"references": [{"id": "a", "text": "A."}, {"id": "a", "text": "B."}]}, "twice"),
        ({"references": [{"id": "a", "text": "A.", "url": "http://x"}]}, "not https"),
        ({"references": [{"id": "a", "text": " "}]}, "no text"),
        ({"references": [{"text": "A."}]}, "missing or malformed"),
    ],
)
def test_malformed_references_are_course_data_errors(course, change, message):
    with pytest.raises(CourseDataError, match=message):
        load_references(course, _data(**change))


def test_a_reference_without_a_url_has_no_link():
    assert "<a " not in references_html([Reference("a", "Able, A. (1999). Book.")])
