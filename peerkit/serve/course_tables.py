"""Course-text tables that can be read on a narrow screen.

At 320 px a four-column table leaves each column a few letters wide, so words break
mid-word. The page's stylesheet stacks such tables instead: each row becomes a block
and each cell is shown under its column's heading. The heading comes from the cell's
``data-label``, which this Markdown renderer (Voilà's, with the labels added) writes.
Explicit ARIA roles keep the table a table for screen readers once it is stacked.
"""

from __future__ import annotations

from html import unescape
from typing import Any

from markupsafe import escape
from mistune.util import striptags
from voila.exporter import VoilaMarkdownRenderer


class CourseMarkdownRenderer(VoilaMarkdownRenderer):
    """Voilà's Markdown renderer, whose table cells carry their column's heading."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headings: list[str] = []
        self._head_done = True
        self._column = 0

    def table(self, text: str) -> str:
        return f'<table role="table">\n{text}</table>\n'

    def table_head(self, text: str) -> str:
        # mistune renders a table's head cells, then the head, then each row's cells.
        self._head_done = True
        self._column = 0
        return f'<thead>\n<tr role="row">\n{text}</tr>\n</thead>\n'

    def table_body(self, text: str) -> str:
        return f"<tbody>\n{text}</tbody>\n"

    def table_row(self, text: str) -> str:
        self._column = 0
        return f'<tr role="row">\n{text}</tr>\n'

    def table_cell(self, text: str, align: str | None = None, head: bool = False) -> str:
        style = f' style="text-align:{escape(align)}"' if align else ""
        if head:
            if self._head_done:  # the first heading of a new table
                self._headings = []
                self._head_done = False
            self._headings.append(" ".join(unescape(striptags(text)).split()))
            return f'  <th role="columnheader"{style}>{text}</th>\n'
        label = self._headings[self._column] if self._column < len(self._headings) else ""
        self._column += 1
        labelled = f' data-label="{escape(label)}"' if label else ""
        return f'  <td role="cell"{labelled}{style}>{text}</td>\n'
