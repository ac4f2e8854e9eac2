"""The course figures, by name: ``session.figure(name)`` in a notebook.

Each figure is drawn as accessible SVG (a title and a description for screen
readers) and shown in a ``<figure>`` with a visible caption. The workbook, the
slides and the facilitator guide draw the same figures and use the same captions.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import NamedTuple

from peerkit.errors import CourseDataError
from peerkit.pictures.boundaries import boundaries_svg
from peerkit.pictures.ego_states import relationship_types_svg
from peerkit.pictures.triangles import drama_triangle_svg, winners_triangle_svg


class CourseFigure(NamedTuple):
    draw: Callable[[], str]
    caption: str


FIGURES = {
    "drama-triangle": CourseFigure(
        drama_triangle_svg, "The Drama Triangle. Based on Karpman (1968)."
    ),
    "winners-triangle": CourseFigure(
        winners_triangle_svg, "The Winner's Triangle. Based on Choy (1990)."
    ),
    "relationship-types": CourseFigure(
        relationship_types_svg,
        "Relationship types: parent, adult and child. Based on Berne (1964).",
    ),
    "boundaries": CourseFigure(
        boundaries_svg,
        "Personal boundaries: what's OK for me, what's not OK for me, "
        "and how I will share that with others.",
    ),
}


def figure_caption(name: str) -> str:
    """The figure's caption, or its name if there is no such figure."""
    return FIGURES[name].caption if name in FIGURES else name


def figure_html(name: str) -> str:
    try:
        draw, caption = FIGURES[name]
    except KeyError:
        raise CourseDataError(f"No figure named {name!r}; known: {sorted(FIGURES)}") from None
    return (
        f'<figure class="peerkit-figure">{draw()}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )
