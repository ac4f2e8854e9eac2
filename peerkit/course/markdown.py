"""Turn plain course text into escaped HTML: paragraphs and '- ' bullet lists."""

from __future__ import annotations

from html import escape


def paragraphs_html(text: str) -> str:
    """Blank lines split paragraphs; lines starting '- ' form a list. All text escaped."""
    blocks = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks.append(f"<p>{escape(' '.join(lines))}</p>")
    return "".join(blocks)
