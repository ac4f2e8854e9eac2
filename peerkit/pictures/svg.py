"""Pieces shared by the course figures: the accessible SVG frame, text and arrowheads.

Every string passes through :func:`html.escape` here, so a drawing module never
writes text into the markup itself.
"""

from __future__ import annotations

import math
from html import escape

INK = "#1f2a30"  # body text: over 12:1 on white and on every pale fill used
MUTED = "#4a5a63"  # secondary text: over 6:1 on white


def figure_svg(uid: str, width: int, height: int, title: str, desc: str, body: str) -> str:
    """An ``<svg role="img">`` named by its title and described by its desc."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" class="peerkit-figure-svg" '
        f'style="width:100%;max-width:{width}px;height:auto">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def text(
    x: float,
    y: float,
    words: str,
    *,
    size: int = 16,
    bold: bool = False,
    fill: str = INK,
    anchor: str = "middle",
) -> str:
    """One line of text; ``size`` is in viewBox units and never below 16."""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-size="{max(size, 16)}"'
        f'{weight} fill="{fill}">{escape(words)}</text>'
    )


def back_from(
    tip: tuple[float, float], towards: tuple[float, float], by: float
) -> tuple[float, float]:
    """The point ``by`` units from ``tip`` towards ``towards``: where a line stops
    so that its end hides inside the arrowhead."""
    length = math.dist(tip, towards)
    return (
        tip[0] + by * (towards[0] - tip[0]) / length,
        tip[1] + by * (towards[1] - tip[1]) / length,
    )


def arrowhead(
    tip: tuple[float, float], towards: tuple[float, float], fill: str, size: float = 16
) -> str:
    """A filled arrowhead at ``tip``, pointing away from ``towards``.

    Drawn as a polygon rather than an SVG marker, so it prints the same everywhere.
    """
    angle = math.atan2(tip[1] - towards[1], tip[0] - towards[0])
    spread = math.radians(28)
    corners = [tip] + [
        (tip[0] - size * math.cos(angle + s), tip[1] - size * math.sin(angle + s))
        for s in (spread, -spread)
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return f'<polygon points="{points}" fill="{fill}"/>'
