"""Relationship types: Berne's parent, adult and child, drawn as accessible SVG.

Two people side by side, each a stack of three circles. A solid arrow joins
the two Adults (the aim in peer relationships); a dashed arrow runs from one
person's Parent down to the other's Child (an imbalance of power).
"""

from __future__ import annotations

from peerkit.pictures.svg import MUTED, arrowhead, back_from, figure_svg, text

WIDTH, HEIGHT = 580, 530
RADIUS = 68
PEOPLE = (("Person A", 80), ("Person B", 500))
MIDDLE = WIDTH // 2
#: Each ego state: its row, its label and what it covers, and its colours (fill, edge).
STATES = (
    (136, "Parent", ("controlling", "or nurturing"), "#fdf0e1", "#9c4a00"),
    (288, "Adult", ("here and now",), "#e3f2ec", "#2d6a4f"),
    (440, "Child", ("adapted", "or free"), "#e8eefb", "#34508f"),
)
ADULT_Y = STATES[1][0]
GREEN, RED = "#2d6a4f", "#9b2226"
#: Person A's Parent to Person B's Child, bending down on B's side of the gap so
#: that it clears the adult-to-adult label in the middle.
IMBALANCE = ((152, 148), (340, 150), (370, 300), (448, 394))

DESCRIPTION = (
    "Two people side by side, Person A on the left and Person B on the right. Each is "
    "drawn as a stack of three circles: Parent at the top (controlling or nurturing), "
    "Adult in the middle (here and now) and Child at the bottom (adapted or free). "
    "A solid arrow with a head at each end joins the two Adult circles, labelled: adult "
    "to adult, the aim in peer relationships. A dashed arrow runs from Person A's Parent "
    "down to Person B's Child, labelled: parent to child, an imbalance of power."
)


def _person(name: str, x: int) -> str:
    parts = [text(x, 40, name, size=20, bold=True)]
    for y, state, notes, fill, edge in STATES:
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{RADIUS}" fill="{fill}" stroke="{edge}" '
            'stroke-width="3"/>'
        )
        top = y - 9 * len(notes)
        parts.append(text(x, top, state, size=22, bold=True))
        parts += [text(x, top + 22 + 18 * n, note, fill=MUTED) for n, note in enumerate(notes)]
    return "".join(parts)


def relationship_types_svg() -> str:
    """Berne's PAC model: adult to adult, and the parent-to-child imbalance."""
    left = PEOPLE[0][1] + RADIUS + 4
    right = PEOPLE[1][1] - RADIUS - 4
    adult = (
        f'<line x1="{left + 12}" y1="{ADULT_Y}" x2="{right - 12}" y2="{ADULT_Y}" '
        f'stroke="{GREEN}" stroke-width="5"/>'
        + arrowhead((left, ADULT_Y), (right, ADULT_Y), GREEN, size=20)
        + arrowhead((right, ADULT_Y), (left, ADULT_Y), GREEN, size=20)
        + text(MIDDLE, ADULT_Y + 32, "Adult to adult:", size=18, bold=True, fill=GREEN)
        + text(MIDDLE, ADULT_Y + 54, "the aim in peer")
        + text(MIDDLE, ADULT_Y + 74, "relationships")
    )
    (x0, y0), (x1, y1), (x2, y2), tip = IMBALANCE
    end = back_from(tip, (x2, y2), 10)
    imbalance = (
        f'<path d="M{x0},{y0} C{x1},{y1} {x2},{y2} {end[0]:.1f},{end[1]:.1f}" fill="none" '
        f'stroke="{RED}" stroke-width="3" stroke-dasharray="10 7"/>'
        + arrowhead(tip, (x2, y2), RED, size=16)
        + text(MIDDLE, 98, "Parent to child:", bold=True, fill=RED)
        + text(MIDDLE, 118, "an imbalance of power", fill=RED)
    )
    body = "".join(_person(name, x) for name, x in PEOPLE) + imbalance + adult
    return figure_svg(
        "relationship-types",
        WIDTH,
        HEIGHT,
        "Relationship types: parent, adult and child (Berne, 1964)",
        DESCRIPTION,
        body,
    )
