"""Course text as HTML: Markdown (paragraphs, '- ' lists, emphasis, links), all HTML escaped.

Only for text the course team writes (a scenario's situation and discussion).
A learner's text is never Markdown: see :func:`peerkit.portfolio.text.paragraphs`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any


def paragraphs_html(text: str) -> str:
    """The course text rendered from Markdown, with any raw HTML in it escaped.

    Indentation common to the lines is ignored (so indented triple-quoted strings
    do not become code blocks), and the HTML is compact: no line breaks between
    elements, and a line break inside a paragraph becomes a space.
    """
    return _markdown()(inspect.cleandoc(text)).strip()


@cache
def _markdown() -> Callable[[str], Any]:
    """A mistune Markdown parser (mistune is imported on first use, not at kernel start)."""
    import mistune

    class CompactRenderer(mistune.HTMLRenderer):
        """HTML without the line breaks mistune puts after each paragraph and list item."""

        def paragraph(self, text: str) -> str:
            return f"<p>{text}</p>"

        def list(self, text: str, ordered: bool, **attrs: Any) -> str:
            if ordered:
                start = self.render_attrs({"start": attrs.get("start")})
                return f"<ol{start}>{text}</ol>"
            return f"<ul>{text}</ul>"

        def list_item(self, text: str) -> str:
            return f"<li>{text}</li>"

        def softbreak(self) -> str:
            return " "

    return mistune.create_markdown(escape=True, renderer=CompactRenderer(escape=True))
