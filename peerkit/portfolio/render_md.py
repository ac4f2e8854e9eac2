"""The portfolio as Markdown. Learner and course text is escaped so it stays plain text."""

from __future__ import annotations

import re

from peerkit.pictures.chime_wheel import CHIME, score
from peerkit.portfolio.collect import ExerciseEntry, Part, Portfolio, SessionEntry
from peerkit.portfolio.text import (
    DOCUMENT_TITLE,
    OTHER_ANSWERS,
    OTHER_INTRO,
    date_and_time,
    one_line,
    paragraphs,
    saved_note,
)

#: Characters with a meaning within a line: emphasis, links, code, tables, maths.
_INLINE = re.compile(r"([\\`*_{}\[\]#|~^$])")
#: Line starts that would make a list, a rule or a setext underline (">" becomes "&gt;").
_LINE_START = re.compile(r"^([-=+]|\d+[.)])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_escape(text: str) -> str:
    """One line of text as literal Markdown: no HTML, links, emphasis or block syntax."""
    text = text.strip()
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)
    return "".join(_HTML.get(ch, ch) for ch in text)


def render_md(portfolio: Portfolio) -> bytes:
    """Markdown (UTF-8): headings for modules, sessions and exercises; lists as lists."""
    out = [
        f"# {md_escape(DOCUMENT_TITLE)}",
        md_escape(one_line(portfolio.course_title)),
        f"Learner: {md_escape(one_line(portfolio.learner))}  \n"
        f"Exported {md_escape(date_and_time(portfolio.exported_at))}",
    ]
    sections = [(m.heading, m.answered, "") for m in portfolio.modules if m.answered]
    if portfolio.other_answered:
        sections.append((OTHER_ANSWERS, portfolio.other_answered, OTHER_INTRO))
    if not sections:
        out.append("You have not written any answers yet.")
    for heading, sessions, intro in sections:
        out.append(f"## {md_escape(one_line(heading))}")
        if intro:
            out.append(md_escape(intro))
        for session in sessions:
            out.extend(_session(session))
    return ("\n\n".join(out) + "\n").encode("utf-8", "replace")


def _session(session: SessionEntry) -> list[str]:
    out = [f"### {md_escape(one_line(session.heading))}"]
    for exercise in session.answered:
        out.extend(_exercise(exercise))
    return out


def _exercise(exercise: ExerciseEntry) -> list[str]:
    out = [f"#### {md_escape(one_line(exercise.title))}"]
    if exercise.context:
        out.extend(f"> {_paragraph(block)}" for block in paragraphs(exercise.context))
    if exercise.readings:
        out.append(chime_table_md(exercise.readings))
    for part in exercise.parts:
        if part.label:
            out.append(f"**{md_escape(one_line(part.label))}**")
        out.extend(_body(part))
    current = exercise.current
    if current is not None:
        out.append(f"*{md_escape(saved_note(current.saved_at, len(exercise.revisions)))}*")
    if exercise.shared_with:
        out.append(f"*{md_escape(exercise.shared_with)}*")
    if exercise.submitted_note:
        out.append(f"*{md_escape(exercise.submitted_note)}*")
    if exercise.idea_lines:
        out.append("**Ideas you added to your group's board**")
        out.append(
            "\n".join(
                f"- {md_escape(one_line(idea))} ({md_escape(one_line(fate))})"
                for idea, fate in exercise.idea_lines
            )
        )
    for who, text in exercise.feedback:
        out.append(f"**{md_escape(one_line(who))}**")
        out.extend(f"> {_paragraph(block)}" for block in paragraphs(text))
    return out


def _body(part: Part) -> list[str]:
    if part.items:
        return ["\n".join(f"- {md_escape(one_line(item))}" for item in part.items)]
    return [_paragraph(block) for block in paragraphs(part.text)]


def _paragraph(lines: list[str]) -> str:
    return "  \n".join(md_escape(line) for line in lines)


def chime_table_md(readings: tuple[dict[str, str], ...]) -> str:
    """The CHIME ratings as a Markdown table, one column per reading."""
    head = ["Process"] + [
        f"Reading {n} ({md_escape(r.get('date', '')[:10] or 'undated')})"
        for n, r in enumerate(readings, start=1)
    ]
    rows = [[md_escape(label)] + [_score(r, key) for r in readings] for key, label in CHIME]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "My CHIME ratings (out of 10)\n\n" + "\n".join(lines)


def _score(reading: dict[str, str], key: str) -> str:
    value = score(reading, key)
    return "–" if value is None else str(value)
