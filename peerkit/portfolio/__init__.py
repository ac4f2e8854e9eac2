"""Export a learner's portfolio: every answer, as Word, a web page, PDF, Markdown or JSON.

``export_portfolio("docx", learner, store, course)`` returns the file's bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from peerkit.course.data import Course
from peerkit.portfolio.collect import Portfolio, collect_portfolio
from peerkit.portfolio.formats import FORMATS, ExportFormat, default_filename, export_format
from peerkit.store.protocol import Store

__all__ = ["FORMATS", "ExportFormat", "default_filename", "export_format", "export_portfolio"]


def _renderer(name: str) -> Callable[[Portfolio], bytes]:
    export_format(name)  # ValueError for an unknown format
    if name == "docx":
        from peerkit.portfolio.render_docx import render_docx

        return render_docx
    if name == "html":
        from peerkit.portfolio.render_html import render_html

        return render_html
    if name == "md":
        from peerkit.portfolio.render_md import render_md

        return render_md
    from peerkit.portfolio.render_json import render_json

    return render_json


def export_portfolio(
    fmt: str,
    learner: str,
    store: Store,
    course: Course,
    root: Path | None = None,
    *,
    now: datetime | None = None,
) -> bytes:
    """The learner's portfolio as a file in format ``fmt`` (docx, html, pdf, md or json).

    ``root`` is the notebooks folder (default: the course's). Raises ValueError
    for an unknown format and StoreError when the answers cannot be read.
    """
    export_format(fmt)  # ValueError for an unknown format
    portfolio = collect_portfolio(learner, store, course, root, now)
    if fmt == "pdf":  # the workbook with the answers in: it prints the course text too
        from peerkit.portfolio.render_pdf import render_pdf

        return render_pdf(portfolio, course, root)
    return _renderer(fmt)(portfolio)
