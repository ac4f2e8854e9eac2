"""Personal boundaries, drawn as accessible SVG: the three parts of a boundary statement.

An inner circle (what's OK for me) inside a ring (what's not OK for me); the
thick line between them is my boundary, and an arrow leads from it out to how
I will share it with others.
"""

from __future__ import annotations

from peerkit.pictures.svg import INK, MUTED, arrowhead, figure_svg, text

WIDTH, HEIGHT = 710, 450
CX, CY = 224, 225
INNER, OUTER = 114, 215
GREEN_FILL, RED_FILL, RED = "#e3f2ec", "#fdecea", "#8a1c1f"
BLUE_FILL, BLUE = "#e8eefb", "#34508f"
BOX = (460, 155, 244, 140)  # x, y, width, height

DESCRIPTION = (
    "Two circles, one inside the other, and a box on the right. The inner circle is "
    "labelled: what's OK for me. The ring around it is labelled: what's not OK for me. "
    "The thick line between the inner circle and the ring is labelled: my boundary. "
    "An arrow leads from the boundary line out through the ring to the box, which asks: "
    "how will I share it with others? Together these are the three parts of a personal "
    "boundary statement."
)


def boundaries_svg() -> str:
    """What's OK for me, what's not OK for me, and how I will share it."""
    x, y, w, h = BOX
    start, tip = (CX + INNER, CY), (x - 2, CY)
    body = (
        f'<circle cx="{CX}" cy="{CY}" r="{OUTER}" fill="{RED_FILL}" stroke="{RED}" '
        'stroke-width="2"/>'
        + text(CX, CY - 160, "What's not OK", size=22, bold=True, fill=RED)
        + text(CX, CY - 132, "for me", size=22, bold=True, fill=RED)
        + f'<circle cx="{CX}" cy="{CY}" r="{INNER}" fill="{GREEN_FILL}" stroke="{INK}" '
        'stroke-width="6"/>'
        + text(CX, CY - 6, "What's OK", size=26, bold=True)
        + text(CX, CY + 26, "for me", size=26, bold=True)
        + f'<line x1="{CX}" y1="{CY + INNER + 4}" x2="{CX}" y2="{CY + INNER + 14}" '
        f'stroke="{INK}" stroke-width="2"/>'
        + text(CX, CY + INNER + 36, "My boundary", size=20, bold=True)
        + text(CX, CY + INNER + 58, "the line between them", size=18, fill=MUTED)
        + f'<circle cx="{start[0]}" cy="{start[1]}" r="7" fill="{BLUE}"/>'
        + f'<line x1="{start[0]}" y1="{CY}" x2="{tip[0] - 14}" y2="{CY}" stroke="{BLUE}" '
        'stroke-width="5"/>'
        + arrowhead(tip, start, BLUE, size=20)
        + f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="14" fill="{BLUE_FILL}" '
        f'stroke="{BLUE}" stroke-width="3"/>'
        + text(x + w / 2, CY - 6, "How will I share", size=22, bold=True)
        + text(x + w / 2, CY + 24, "it with others?", size=22, bold=True)
    )
    return figure_svg(
        "boundaries",
        WIDTH,
        HEIGHT,
        "Personal boundaries: what's OK for me, what's not OK for me, and sharing them",
        DESCRIPTION,
        body,
    )
