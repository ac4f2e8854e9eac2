"""Notebook Markdown as HTML for print and slides: tables, headings moved down a level.

Like :mod:`peerkit.course.markdown`, raw HTML in the text is escaped. Headings
are shifted by ``shift`` levels so that a notebook's ``# Session 1`` sits under
the document's own ``<h1>``. Images keep their alt text; a relative image path
is made absolute (``file://``) against the notebook's folder, so Chromium finds it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup


def markdown_html(text: str, *, shift: int = 1, base: Path | None = None) -> Markup:
    """The Markdown ``text`` as safe HTML (every raw HTML tag in it escaped)."""
    html = _parser(shift, str(base.resolve()) if base else "")(inspect.cleandoc(text))
    return Markup(str(html).strip())  # mistune escaped all of the text's own HTML


@cache
def _parser(shift: int, base: str) -> Callable[[str], Any]:
    import mistune
    from mistune.util import escape, striptags

    class PrintRenderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs: Any) -> str:
            level = min(level + shift, 6)
            return f"<h{level}>{text}</h{level}>\n"

        def image(self, text: str, url: str, title: str | None = None) -> str:
            if not base or ":" in url or url.startswith("/"):
                return str(super().image(text, url, title))
            src = escape((Path(base) / url).resolve().as_uri())
            extra = f' title="{escape(title)}"' if title else ""
            return f'<img src="{src}" alt="{striptags(text)}"{extra} />'

        def softbreak(self) -> str:
            return " "

    return mistune.create_markdown(
        escape=True,
        renderer=PrintRenderer(escape=True),
        plugins=["table", "strikethrough"],
    )
