"""Course diagrams as accessible SVG: a title, a description and a visible caption."""

from __future__ import annotations

from html import escape

from peerkit.errors import CourseDataError

_TRIANGLE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 400" role="img" '
    'aria-labelledby="{id}-t {id}-d" class="peerkit-figure-svg" '
    'style="width:100%;max-width:520px;height:auto">'
    '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
    '<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="4"/>'
    "{labels}</svg>"
)


def _label(x: int, y: int, text: str, sub: str) -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="middle" font-size="24" font-weight="bold" '
        f'fill="#1f2a30">{escape(text)}</text>'
        f'<text x="{x}" y="{y + 24}" text-anchor="middle" font-size="16" '
        f'fill="#4a5a63">{escape(sub)}</text>'
    )


def drama_triangle_svg() -> str:
    """Karpman's Drama Triangle: point down, Persecutor and Rescuer top, Victim bottom."""
    labels = (
        _label(110, 50, "Persecutor", "one-up")
        + _label(410, 50, "Rescuer", "one-up")
        + _label(260, 370, "Victim", "one-down")
    )
    return _TRIANGLE.format(
        id="drama",
        title="The Drama Triangle (Karpman, 1968)",
        desc=(
            "A triangle with its point facing down. Persecutor is at the top left and "
            "Rescuer at the top right, both in a one-up position of power. Victim is at the "
            "bottom point, in a one-down position. People can move between all three roles."
        ),
        points="60,110 460,110 260,330",
        fill="#fbe9e7",
        stroke="#9b2226",
        labels=labels,
    )


def winners_triangle_svg() -> str:
    """Choy's Winner's Triangle: the way out of each Drama Triangle role."""
    labels = (
        _label(110, 50, "Assertive", "instead of Persecutor")
        + _label(410, 50, "Caring", "instead of Rescuer")
        + _label(260, 370, "Vulnerable", "instead of Victim")
    )
    return _TRIANGLE.format(
        id="winners",
        title="The Winner's Triangle (Choy, 1990)",
        desc=(
            "A triangle matching the Drama Triangle. Assertive replaces Persecutor at the top "
            "left, Caring replaces Rescuer at the top right, and Vulnerable replaces Victim "
            "at the bottom."
        ),
        points="60,110 460,110 260,330",
        fill="#e8f3ee",
        stroke="#2d6a4f",
        labels=labels,
    )


FIGURES = {
    "drama-triangle": (drama_triangle_svg, "The Drama Triangle. Based on Karpman (1968)."),
    "winners-triangle": (winners_triangle_svg, "The Winner's Triangle. Based on Choy (1990)."),
}


def figure_html(name: str) -> str:
    try:
        draw, caption = FIGURES[name]
    except KeyError:
        raise CourseDataError(f"No figure named {name!r}; known: {sorted(FIGURES)}") from None
    return (
        f'<figure class="peerkit-figure">{draw()}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )
