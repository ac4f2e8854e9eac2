"""The CHIME wheel: a radar chart of the learner's self-ratings over time, as SVG.

Drawn by hand (no plotting library) so it costs nothing at kernel start. Each
reading is a polygon; the values are also given as a table for screen readers
and for anyone who would rather read numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

CHIME = (
    ("connectedness", "Connectedness"),
    ("hope", "Hope and optimism"),
    ("identity", "Identity"),
    ("meaning", "Meaning"),
    ("empowerment", "Empowerment"),
)
MAX_SCORE = 10
COLOURS = ("#22577a", "#e76f51", "#2a9d8f", "#8e44ad", "#b08900", "#555555")
SIZE, CENTRE, RADIUS = 420, 210, 150

Reading = dict[str, str]


def score(reading: Reading, key: str) -> int | None:
    try:
        value = int(reading.get(key, ""))
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= MAX_SCORE else None


def _point(index: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + index * 2 * math.pi / len(CHIME)
    r = RADIUS * value / MAX_SCORE
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _label_date(reading: Reading) -> str:
    return reading.get("date", "")[:10] or "undated"


def chime_wheel_svg(readings: Sequence[Reading], uid: str = "chime") -> str:
    """Every reading overlaid on one wheel, oldest first; with a legend."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="-80 0 {SIZE + 160} {SIZE + 30 * len(readings)}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" class="peerkit-chime-svg" '
        'style="width:100%;max-width:440px;height:auto">',
        f'<title id="{uid}-t">My CHIME wheel</title>',
        f'<desc id="{uid}-d">{escape(describe(readings))}</desc>',
    ]
    for ring in (2, 4, 6, 8, 10):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, ring) for i in range(5)))
        parts.append(f'<polygon points="{points}" fill="none" stroke="#c9d6dc"/>')
    for index, (_key, label) in enumerate(CHIME):
        x, y = _point(index, MAX_SCORE)
        lx, ly = _point(index, MAX_SCORE + 2.1)
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c9d6dc"/>'
        )
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" font-size="14" '
            f'fill="#1f2a30">{escape(label)}</text>'
        )
    for number, reading in enumerate(readings):
        colour = COLOURS[number % len(COLOURS)]
        values = [score(reading, key) or 0 for key, _label in CHIME]
        points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (_point(i, v) for i, v in enumerate(values))
        )
        parts.append(
            f'<polygon points="{points}" fill="{colour}" fill-opacity="0.12" '
            f'stroke="{colour}" stroke-width="3" class="peerkit-reading"/>'
        )
        ly = SIZE + 10 + 30 * number
        parts.append(f'<rect x="20" y="{ly}" width="18" height="18" fill="{colour}"/>')
        parts.append(
            f'<text x="46" y="{ly + 14}" font-size="15" fill="#1f2a30">'
            f"Reading {number + 1}: {escape(_label_date(reading))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def describe(readings: Sequence[Reading]) -> str:
    if not readings:
        return "No CHIME ratings yet."
    sentences = []
    for number, reading in enumerate(readings, start=1):
        scores = ", ".join(
            f"{label} {score(reading, key) if score(reading, key) is not None else 'not rated'}"
            for key, label in CHIME
        )
        sentences.append(f"Reading {number} ({_label_date(reading)}): {scores}.")
    return " ".join(sentences)


def chime_table_html(readings: Sequence[Reading]) -> str:
    """The same values as a table, one column per reading."""
    head = "".join(
        f'<th scope="col">Reading {n} ({escape(_label_date(r))})</th>'
        for n, r in enumerate(readings, start=1)
    )
    rows = []
    for key, label in CHIME:
        cells = "".join(
            f"<td>{score(r, key) if score(r, key) is not None else '–'}</td>" for r in readings
        )
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (
        '<table class="peerkit-chime-table"><caption>My CHIME ratings (out of 10)</caption>'
        f'<thead><tr><th scope="col">Process</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
