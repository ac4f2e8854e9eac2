"""The course figures: accessible SVG (title, description, caption, escaped text, no
outside resources, readable type and colours, nothing overlapping), each one shown
from its session's notebook and printed in the workbook and the slides."""

from __future__ import annotations

import html
import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from peerkit.errors import CourseDataError
from peerkit.outputs.guide import guide_html
from peerkit.outputs.slides import slides_html
from peerkit.outputs.source import ExercisePart, Figure, Markdown
from peerkit.outputs.workbook import workbook_html
from peerkit.pictures.figures import FIGURES, figure_caption, figure_html
from peerkit.pictures.svg import figure_svg, text
from tests.test_outputs import NOTEBOOKS, course, modules

__all__ = ["course", "modules"]  # the fixtures, used by name
SVG = "{http://www.w3.org/2000/svg}"
SHAPES = {f"{SVG}{tag}" for tag in ("circle", "ellipse", "rect", "polygon", "path")}


def parts(modules, session_id):
    for module in modules.values():
        for session in module.sessions:
            if session.info.id == session_id:
                return session.parts
    raise AssertionError(f"no notebook for {session_id}")


def svg_of(name: str) -> ET.Element:
    figure = ET.fromstring(figure_html(name))  # well-formed: every string was escaped
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    return svg


def texts(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{SVG}text"))


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def box(element: ET.Element) -> tuple[float, float, float, float]:
    """A text's extent (left, top, right, bottom), from a generous estimate of its width:
    DejaVu Sans, the workbook's print font and the widest one likely, measured in
    Chromium at up to 0.57 of the font size a character (0.67 in bold)."""
    size = float(element.get("font-size", "16"))
    width = len(element.text or "") * size * (0.68 if element.get("font-weight") else 0.6)
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    left = {"middle": x - width / 2, "end": x - width}.get(element.get("text-anchor", ""), x)
    return left, y - 0.75 * size, left + width, y + 0.2 * size


def stroke_points(svg: ET.Element) -> list[tuple[float, float]]:
    """Points every few units along each straight line and each cubic curve."""
    points = []
    for line in svg.iter(f"{SVG}line"):
        x1, y1, x2, y2 = (float(line.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
        points += [(x1 + (x2 - x1) * t / 100, y1 + (y2 - y1) * t / 100) for t in range(101)]
    for path in svg.iter(f"{SVG}path"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        assert re.fullmatch(r"M[^A-Za-z]+C[^A-Za-z]+", path.get("d", "")) and len(numbers) == 8
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = zip(numbers[::2], numbers[1::2], strict=True)
        for t in (n / 100 for n in range(101)):
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_accessible_svg(name):
    markup = figure_html(name)
    svg = svg_of(name)
    assert svg.get("role") == "img" and svg.get("class") == "peerkit-figure-svg"
    title_id, desc_id = svg.get("aria-labelledby", "").split()
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id and title.text
    assert desc is not None and desc.get("id") == desc_id and len(desc.text or "") > 100
    style = svg.get("style", "")
    assert "width:100%" in style and re.search(r"max-width:\d+px", style)
    caption = ET.fromstring(markup).find("figcaption")
    assert caption is not None and caption.text == figure_caption(name) != name
    # Nothing outside the figure: no links, images, scripts or styles from elsewhere.
    for element in svg.iter():
        assert not any(key.endswith("href") for key in element.attrib), element.tag
        assert element.tag not in {f"{SVG}{t}" for t in ("image", "script", "foreignObject")}
    assert not re.search(r"url\((?!#)|@import|https?://(?!www\.w3\.org/2000/svg)", markup)
    # Quotes and apostrophes in the words are escaped, as any learner-facing text is.
    assert not any(q in chunk for chunk in re.findall(r">([^<]*)<", markup) for q in "'\"")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_readable(name):
    svg = svg_of(name)
    _x, _y, width, height = (float(v) for v in svg.get("viewBox", "").split())
    pale = {"#ffffff"} | {
        s.get("fill", "") for s in svg.iter() if s.tag in SHAPES and s.get("fill", "#")[0] == "#"
    }
    pale = {fill for fill in pale if luminance(fill) > 0.5}  # what text can sit on
    for element in svg.iter():  # lines, edges and arrows stand out at 3:1 or more
        for colour in (element.get("stroke", ""), element.get("fill", "")):
            if colour.startswith("#") and colour not in pale:
                assert contrast(colour, "#ffffff") >= 3, (element.tag, colour)
    boxes = []
    for label in texts(svg):
        assert float(label.get("font-size", "0")) >= 16, label.text
        for ground in pale:
            assert contrast(label.get("fill", "#000000"), ground) >= 4.5, (label.text, ground)
        left, top, right, bottom = box(label)
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, label.text
        boxes.append((label.text, (left, top, right, bottom)))
    for (a, (al, at, ar, ab)), (b, (bl, bt, br, bb)) in itertools.combinations(boxes, 2):
        assert ar <= bl or br <= al or ab <= bt or bb <= at, f"{a!r} overlaps {b!r}"
    for words, (left, top, right, bottom) in boxes:  # no line or arrow runs through words
        for x, y in stroke_points(svg):
            assert not (left < x < right and top < y < bottom), (words, x, y)
        corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
        for circle in svg.iter(f"{SVG}circle"):  # words sit inside a circle or outside it
            cx, cy, r = (float(circle.get(k, "0")) for k in ("cx", "cy", "r"))
            edge = float(circle.get("stroke-width", "0")) / 2 + 2
            nearest = (min(max(cx, left), right), min(max(cy, top), bottom))
            inside = all(math.dist(c, (cx, cy)) < r - edge for c in corners)
            assert inside or math.dist(nearest, (cx, cy)) > r + edge, (words, cx, cy)
        for rect in svg.iter(f"{SVG}rect"):  # and inside a box or outside it
            x, y, w, h = (float(rect.get(k, "0")) for k in ("x", "y", "width", "height"))
            inside = x < left and right < x + w and y < top and bottom < y + h
            assert inside or right < x or x + w < left or bottom < y or y + h < top, words


def test_figure_text_is_escaped():
    assert text(0, 0, "<b>Tom & Jerry's</b>") == (
        '<text x="0" y="0" text-anchor="middle" font-size="16" fill="#1f2a30">'
        "&lt;b&gt;Tom &amp; Jerry&#x27;s&lt;/b&gt;</text>"
    )
    assert text(0, 0, "small", size=12).count('font-size="16"') == 1  # never below 16
    svg = figure_svg("x", 10, 10, "A <title>", 'A "desc"', "")
    assert '<title id="x-t">A &lt;title&gt;</title>' in svg
    assert '<desc id="x-d">A &quot;desc&quot;</desc>' in svg


@pytest.mark.parametrize(
    ("name", "top_left", "top_right", "bottom"),
    [
        ("drama-triangle", "Persecutor", "Rescuer", "Victim"),
        ("winners-triangle", "Assertive", "Caring", "Vulnerable"),
    ],
)
def test_triangles_point_down_and_name_every_role(name, top_left, top_right, bottom):
    markup = figure_html(name)
    for role in (top_left, top_right, bottom):
        assert role in markup.split("<desc")[1]  # the text alternative names every role
    # Point facing down: the bottom label sits below both top labels.
    ys = {
        role: int(markup.split(f">{role}</text>")[0].rsplit('y="', 1)[1].split('"')[0])
        for role in (top_left, top_right, bottom)
    }
    assert ys[bottom] > ys[top_left] == ys[top_right]


def test_relationship_types_draws_two_people_joined_adult_to_adult():
    svg = svg_of("relationship-types")
    desc = svg.findtext(f"{SVG}desc") or ""
    for words in ("Parent", "Adult", "Child", "adult to adult", "an imbalance of power"):
        assert words in desc
    stacks: dict[float, list[tuple[float, float]]] = {}  # each person: (cy, r), top first
    for c in svg.iter(f"{SVG}circle"):
        stacks.setdefault(float(c.get("cx", "0")), []).append(
            (float(c.get("cy", "0")), float(c.get("r", "0")))
        )
    assert len(stacks) == 2 and all(len(stack) == 3 for stack in stacks.values())
    for x, stack in stacks.items():
        for (cy, r), state in zip(sorted(stack), ("Parent", "Adult", "Child"), strict=True):
            assert any(  # each circle is labelled, Parent at the top and Child at the bottom
                t.text == state
                and float(t.get("x", "0")) == x
                and abs(float(t.get("y", "0")) - cy) < r
                for t in texts(svg)
            ), (x, state)
    (ax, a_stack), (bx, b_stack) = sorted(stacks.items())
    (_, radius), (adult_y, _), _child = sorted(a_stack)
    assert sorted(b_stack)[1][0] == adult_y  # the Adults face each other
    # The solid arrow is level with the Adults and runs from one to the other.
    (line,) = svg.iter(f"{SVG}line")
    assert line.get("y1") == line.get("y2") == f"{adult_y:g}"
    assert ax + radius <= float(line.get("x1", "0")) < float(line.get("x2", "0")) <= bx - radius
    # The dashed arrow starts at A's Parent and ends at B's Child.
    (curve,) = svg.iter(f"{SVG}path")
    assert curve.get("stroke-dasharray")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", curve.get("d", ""))]
    (a_parent_y, _), _adult, _child = sorted(a_stack)
    _parent, _adult, (b_child_y, _) = sorted(b_stack)
    assert math.dist(numbers[:2], (ax, a_parent_y)) < radius + 20
    assert math.dist(numbers[-2:], (bx, b_child_y)) < radius + 20
    words = [t.text for t in texts(svg)]
    assert "Adult to adult:" in words and "Parent to child:" in words


def test_boundaries_puts_what_is_ok_inside_the_boundary():
    svg = svg_of("boundaries")
    desc = svg.findtext(f"{SVG}desc") or ""
    for words in ("what's OK for me", "what's not OK for me", "my boundary", "share it"):
        assert words in desc
    outer, inner, _dot = svg.iter(f"{SVG}circle")
    centre = (float(inner.get("cx", "0")), float(inner.get("cy", "0")))
    assert (outer.get("cx"), outer.get("cy")) == (inner.get("cx"), inner.get("cy"))
    r_in, r_out = float(inner.get("r", "0")), float(outer.get("r", "0"))
    assert r_in < r_out and float(inner.get("stroke-width", "0")) >= 4  # a clear boundary

    def at(words):
        (label,) = (t for t in texts(svg) if t.text == words)
        return math.dist((float(label.get("x", "0")), float(label.get("y", "0"))), centre)

    assert at("What's OK") < r_in < at("What's not OK") < r_out
    (frame,) = svg.iter(f"{SVG}rect")
    assert float(frame.get("x", "0")) > centre[0] + r_out  # the sharing box is outside
    (arrow,) = (line for line in svg.iter(f"{SVG}line") if line.get("y1") == line.get("y2"))
    assert float(arrow.get("x1", "0")) == centre[0] + r_in  # it starts on the boundary


def test_unknown_figure_is_a_clear_error():
    with pytest.raises(CourseDataError, match="No figure named"):
        figure_html("nope")
    assert figure_caption("nope") == "nope"


def test_every_figure_is_shown_and_every_shown_figure_exists(modules):
    shown = {
        part.name
        for module in modules.values()
        for session in module.sessions
        for part in session.parts
        if isinstance(part, Figure)
    }
    assert shown == set(FIGURES)


@pytest.mark.parametrize(
    ("session_id", "name", "after", "before"),
    [
        ("m1s5", "drama-triangle", "## The Drama Triangle", "## People switch roles"),
        ("m1s5", "relationship-types", "## Adult-to-adult relationships", "## The Winner's"),
        ("m2s3", "boundaries", "## Your personal boundary statement", "boundary-statement"),
    ],
)
def test_figures_sit_where_the_course_shows_them(modules, session_id, name, after, before):
    found = parts(modules, session_id)
    here = [i for i, p in enumerate(found) if isinstance(p, Figure) and p.name == name]
    assert len(here) == 1

    def has(part, words):
        if isinstance(part, Markdown):
            return words in part.source
        return isinstance(part, ExercisePart) and part.ref.id == words

    last_before = max(i for i, p in enumerate(found[: here[0]]) if isinstance(p, Markdown))
    assert after in found[last_before].source  # the text just above introduces it
    assert has(found[here[0] + 1], before)


def test_workbook_slides_and_guide_draw_the_new_figures(course, modules):
    for number, session_id, name in ((1, "m1s5", "relationship-types"), (2, "m2s3", "boundaries")):
        (session,) = (s for s in modules[number].sessions if s.info.id == session_id)
        label = f'aria-labelledby="{name}-t {name}-d"'
        assert workbook_html(course, modules[number], NOTEBOOKS).count(label) == 1
        assert slides_html(course, session, NOTEBOOKS).count(label) == 1
        guide = html.unescape(guide_html(course, modules[number], NOTEBOOKS))
        assert f"The figure: {figure_caption(name)}" in guide  # in the materials list
