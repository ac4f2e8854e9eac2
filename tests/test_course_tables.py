"""Course-text tables carry each cell's column heading, so narrow screens can stack them."""

from __future__ import annotations

import re

from nbconvert.filters.markdown_mistune import MarkdownWithMath

from peerkit.course.data import load_course
from peerkit.serve.course_tables import CourseMarkdownRenderer
from peerkit.serve.voila_config import page_settings

TWO_TABLES = """\
| What *differs* | Friend & ally | "Peer" supporter |
| --- | :-- | --- |
| Based on | Liking | Shared *lived* experience |
| Ends | Never | When it is |

Between the tables.

| Area |  |
|---|---|
| Contact | When? |
"""


class _NoFiles:
    def file_exists(self, path: str) -> bool:
        return False


def _render(source: str) -> str:
    renderer = CourseMarkdownRenderer(
        escape=False, attachments={}, contents_manager=_NoFiles(), anchor_link_text="¶"
    )
    return MarkdownWithMath(renderer=renderer).render(source)


def test_each_cell_is_labelled_with_its_own_tables_heading():
    html = _render(TWO_TABLES)
    labels = re.findall(r'<td role="cell"(?: data-label="([^"]*)")?', html)
    assert labels == [
        "What differs",
        "Friend &amp; ally",
        "&#34;Peer&#34; supporter",
        "What differs",
        "Friend &amp; ally",
        "&#34;Peer&#34; supporter",
        "Area",
        "",  # a column with no heading: no label
    ]
    assert html.count('<table role="table">') == 2
    assert html.count('<tr role="row">') == 5
    assert html.count('role="columnheader"') == 5
    assert "<em>lived</em>" in html  # the cell's own Markdown is kept
    assert 'style="text-align:left"' in html


def test_every_page_uses_the_labelling_renderer():
    settings = {(s.section, s.name): s.value for s in page_settings(load_course())}
    assert settings[("VoilaExporter", "markdown_renderer_class")] == (
        "peerkit.serve.course_tables.CourseMarkdownRenderer"
    )
