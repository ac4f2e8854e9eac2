"""Text helpers shared by the human-readable renderers: paragraphs, dates, safe characters."""

from __future__ import annotations

import re
from datetime import datetime

DOCUMENT_TITLE = "My portfolio"
OTHER_ANSWERS = "Other answers"
OTHER_INTRO = (
    "These answers were saved outside the session pages, or belong to exercises "
    "that are no longer in them. They are kept here so that nothing you wrote is lost."
)
#: Characters XML 1.0 forbids (Word documents are XML); also odd in HTML and Markdown.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """The text with characters no document format can hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def paragraphs(text: str) -> list[list[str]]:
    """Blank lines split paragraphs; each paragraph is its lines, right-trimmed."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in printable(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def one_line(text: str) -> str:
    """The text on one line with runs of white space collapsed (list items, headings)."""
    return " ".join(printable(text).split())


def date_and_time(moment: datetime) -> str:
    """'4 March 2025, 10:42' in local time."""
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def saved_note(saved_at: datetime, versions: int) -> str:
    """'Last saved 4 March 2025, 10:42 · 3 versions kept'."""
    kept = "1 version kept" if versions == 1 else f"{versions} versions kept"
    return f"Last saved {date_and_time(saved_at)} · {kept}"
