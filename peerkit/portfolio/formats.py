"""The export formats: file extension, media type and a label for learners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mime: str
    label: str


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
        ),
        ExportFormat("html", "html", "text/html;charset=utf-8", "web page, printable"),
        ExportFormat("md", "md", "text/markdown;charset=utf-8", "Markdown text"),
        # The web page printed by Chromium (peerkit/outputs/pdf.py): needs Chromium installed.
        ExportFormat("pdf", "pdf", "application/pdf", "PDF, printable"),
        ExportFormat("json", "json", "application/json", "all my data, JSON"),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; ValueError for an unknown one."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(
            f"Unknown export format {name!r}; use one of {', '.join(FORMATS)}."
        ) from None


def default_filename(name: str, day: date | None = None) -> str:
    """``peerkit-portfolio-2025-03-04.docx`` (today unless ``day`` is given)."""
    day = day or date.today()
    return f"peerkit-portfolio-{day.isoformat()}.{export_format(name).extension}"
