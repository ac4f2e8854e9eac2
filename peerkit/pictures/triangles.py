"""The Drama Triangle and the Winner's Triangle, drawn as accessible SVG."""

from __future__ import annotations

from peerkit.pictures.svg import MUTED, figure_svg, text

POINTS = "60,110 460,110 260,330"  # point facing down


def _triangle(*, uid: str, title: str, desc: str, fill: str, stroke: str, labels: str) -> str:
    shape = f'<polygon points="{POINTS}" fill="{fill}" stroke="{stroke}" stroke-width="4"/>'
    return figure_svg(uid, 520, 400, title, desc, shape + labels)


def _label(x: int, y: int, name: str, sub: str) -> str:
    return text(x, y, name, size=24, bold=True) + text(x, y + 24, sub, fill=MUTED)


def drama_triangle_svg() -> str:
    """Karpman's Drama Triangle: point down, Persecutor and Rescuer top, Victim bottom."""
    labels = (
        _label(110, 50, "Persecutor", "one-up")
        + _label(410, 50, "Rescuer", "one-up")
        + _label(260, 370, "Victim", "one-down")
    )
    return _triangle(
        uid="drama",
        title="The Drama Triangle (Karpman, 1968)",
        desc=(
            "A triangle with its point facing down. Persecutor is at the top left and "
            "Rescuer at the top right, both in a one-up position of power. Victim is at the "
            "bottom point, in a one-down position. People can move between all three roles."
        ),
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
    return _triangle(
        uid="winners",
        title="The Winner's Triangle (Choy, 1990)",
        desc=(
            "A triangle matching the Drama Triangle. Assertive replaces Persecutor at the top "
            "left, Caring replaces Rescuer at the top right, and Vulnerable replaces Victim "
            "at the bottom."
        ),
        fill="#e8f3ee",
        stroke="#2d6a4f",
        labels=labels,
    )
