"""Pictures drawn from learner text, as accessible SVG. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 720, 440
MAX_LINE_CHARS = 44
MAX_SHOWN = 6


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def _describe(label: str, ideas: Sequence[str]) -> str:
    if not ideas:
        return f"{label}: no ideas yet."
    return f"{label}: " + "; ".join(" ".join(i.split()) for i in ideas) + "."


def sky_and_mountains_svg(sky: Sequence[str], mountains: Sequence[str], uid: str) -> str:
    """The learner's ideas written on a sky (top) and on mountains (bottom)."""
    sky = [i for i in sky if i.strip()]
    mountains = [i for i in mountains if i.strip()]
    title = "Sky and mountains picture"
    desc = _describe("On the sky", sky) + " " + _describe("On the mountains", mountains)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" class="peerkit-picture" '
        'style="width:100%;max-width:720px;height:auto">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
        f'<defs><linearGradient id="{uid}-sky" x1="0" y1="0" x2="0" y2="1">'
        '<stop offset="0" stop-color="#bfe0f5"/><stop offset="1" stop-color="#eef7fc"/>'
        "</linearGradient></defs>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#{uid}-sky)"/>',
        '<circle cx="640" cy="70" r="34" fill="#f7d774"/>',
        '<polygon points="0,440 0,330 120,215 215,300 330,160 450,290 560,200 720,330 720,440" '
        'fill="#6f8f7a"/>',
        '<polygon points="330,160 300,195 345,190 365,200" fill="#f4f4f4"/>',
        '<polygon points="560,200 540,222 575,220" fill="#f4f4f4"/>',
    ]
    for n, idea in enumerate(sky[:MAX_SHOWN]):
        lines.append(
            f'<text x="24" y="{40 + n * 26}" font-size="17" fill="#1d3557">'
            f"{escape(_short(idea))}</text>"
        )
    if len(sky) > MAX_SHOWN:
        lines.append(
            f'<text x="24" y="{40 + MAX_SHOWN * 26}" font-size="15" fill="#1d3557">'
            f"and {len(sky) - MAX_SHOWN} more</text>"
        )
    for n, idea in enumerate(mountains[:4]):
        lines.append(
            f'<text x="40" y="{352 + n * 22}" font-size="16" fill="#ffffff">'
            f"{escape(_short(idea))}</text>"
        )
    if len(mountains) > 4:
        lines.append(
            f'<text x="460" y="418" font-size="15" fill="#ffffff">'
            f"and {len(mountains) - 4} more</text>"
        )
    lines.append("</svg>")
    return "".join(lines)
