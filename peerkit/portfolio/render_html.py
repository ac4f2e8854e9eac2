"""The portfolio as one self-contained, print-ready HTML page. Every text is escaped."""

from __future__ import annotations

import re
from html import escape

from peerkit.pictures.chime_wheel import chime_table_html, chime_wheel_svg
from peerkit.pictures.sky_and_mountains import sky_and_mountains_svg
from peerkit.portfolio.collect import ExerciseEntry, Part, Portfolio, SessionEntry
from peerkit.portfolio.text import (
    DOCUMENT_TITLE,
    OTHER_ANSWERS,
    OTHER_INTRO,
    date_and_time,
    one_line,
    paragraphs,
    printable,
    saved_note,
)

CSS = """
:root { color-scheme: light; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2a30; background: #fff; margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 2rem; margin: 0 0 .25rem; color: #22577a; }
h2 { font-size: 1.6rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem;
  border-bottom: 3px solid #22577a; color: #22577a; }
h3 { font-size: 1.3rem; margin: 2rem 0 .75rem; color: #1d3557; }
h4 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; font-weight: 600; }
.meta, .saved, .note { color: #4a5a63; }
.saved { font-size: .85rem; margin-top: .25rem; }
.context { border-left: 4px solid #c9d6dc; padding-left: .75rem; font-style: italic; }
dl { margin: 0; }
dt { font-weight: 600; margin-top: .75rem; color: #22577a; }
dd { margin: .25rem 0 0 1rem; }
figure { margin: 1rem 0; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid #c9d6dc; padding: .3rem .6rem; text-align: left; }
.exercise { margin-bottom: 1.5rem; }
@page { size: A4; margin: 20mm 18mm 22mm; }
@media print {
  body { font-size: 11pt; color: #000; }
  main { max-width: none; padding: 0; }
  h1, h2, h3, h4 { color: #000; break-after: avoid; page-break-after: avoid; }
  h2 { border-bottom-color: #000; }
  .new-page { break-before: page; page-break-before: always; }
  figure, table, dt, .saved { break-inside: avoid; page-break-inside: avoid; }
  dt { break-after: avoid; page-break-after: avoid; }
  p, li, dd { orphans: 3; widows: 3; }
}
"""
_UID_UNSAFE = re.compile(r"[^a-z0-9-]")


def render_html(portfolio: Portfolio) -> bytes:
    """A complete HTML document (UTF-8): styles inline, pictures as inline SVG."""
    title = f"{DOCUMENT_TITLE}: {portfolio.course_title}"
    body = [
        "<header>",
        f"<h1>{escape(DOCUMENT_TITLE)}</h1>",
        f'<p class="meta">{escape(one_line(portfolio.course_title))}</p>',
        f'<p class="meta">Learner: {escape(one_line(portfolio.learner))} · '
        f"Exported {escape(date_and_time(portfolio.exported_at))}</p>",
        '<p class="note">A private record of your reflections. Keep it somewhere safe, '
        "and share it only if you choose to.</p>",
        "</header>",
    ]
    sections = [(m.heading, m.answered, "") for m in portfolio.modules if m.answered]
    if portfolio.other_answered:
        sections.append((OTHER_ANSWERS, portfolio.other_answered, OTHER_INTRO))
    if not sections:
        body.append("<p>You have not written any answers yet.</p>")
    for number, (heading, sessions, intro) in enumerate(sections):
        page = ' class="new-page"' if number else ""
        body.append(f"<section{page}><h2>{escape(heading)}</h2>")
        if intro:
            body.append(f'<p class="note">{escape(intro)}</p>')
        body.extend(_session(session) for session in sessions)
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(one_line(title))}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    ).encode("utf-8", "replace")


def _session(session: SessionEntry) -> str:
    items = "".join(_exercise(e) for e in session.answered)
    return f'<section class="session"><h3>{escape(session.heading)}</h3>{items}</section>'


def _exercise(exercise: ExerciseEntry) -> str:
    uid = _UID_UNSAFE.sub("-", f"p-{exercise.session_id}-{exercise.id}".lower())
    out = [f'<article class="exercise"><h4>{escape(one_line(exercise.title))}</h4>']
    if exercise.context:
        out.append(f'<div class="context">{_text(exercise.context)}</div>')
    if exercise.sky is not None:
        sky, mountains = exercise.sky
        svg = sky_and_mountains_svg(
            [printable(i) for i in sky], [printable(i) for i in mountains], uid=uid
        )
        out.append(f"<figure>{svg}</figure>")
    if exercise.readings:
        out.append(f"<figure>{chime_wheel_svg(exercise.readings, uid=uid)}</figure>")
        out.append(chime_table_html(exercise.readings))
    out.append(_parts(exercise.parts))
    current = exercise.current
    if current is not None:
        note = saved_note(current.saved_at, len(exercise.revisions))
        out.append(f'<p class="saved">{escape(note)}</p>')
    out.append("</article>")
    return "".join(out)


def _parts(parts: tuple[Part, ...]) -> str:
    if len(parts) == 1 and not parts[0].label:
        return _body(parts[0])
    if not parts:
        return ""
    rows = "".join(
        f"<div><dt>{escape(one_line(p.label))}</dt><dd>{_body(p)}</dd></div>" for p in parts
    )
    return f"<dl>{rows}</dl>"


def _body(part: Part) -> str:
    if part.items:
        return "<ul>" + "".join(f"<li>{_lines([i])}</li>" for i in part.items) + "</ul>"
    return _text(part.text)


def _text(text: str) -> str:
    return "".join(f"<p>{_lines(block)}</p>" for block in paragraphs(text))


def _lines(lines: list[str]) -> str:
    return "<br>".join(escape(printable(line)) for line in lines)
