"""The course's references (``content/references.yaml``): full sources, and who cites them.

A session page lists its sources with ``session.references()``; the Useful
Resources page lists every source with ``session.bibliography()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peerkit.course.data import Course, load_content
from peerkit.errors import CourseDataError

REFERENCES = "references"
NONE_CITED = "This session draws on the course's own material and cites no other sources."


@dataclass(frozen=True)
class Reference:
    id: str
    #: The full reference, as Markdown (titles in italics).
    text: str
    url: str = ""


@dataclass(frozen=True)
class References:
    by_id: dict[str, Reference]
    #: Session id -> the ids of the sources it cites, in the order listed.
    sessions: dict[str, tuple[str, ...]]

    def for_session(self, session_id: str) -> list[Reference]:
        try:
            ids = self.sessions[session_id]
        except KeyError:
            raise CourseDataError(
                f"{REFERENCES}.yaml lists no references for {session_id!r}"
            ) from None
        return sorted((self.by_id[i] for i in ids), key=sort_key)

    def everything(self) -> list[Reference]:
        return sorted(self.by_id.values(), key=sort_key)

    def citing(self, reference_id: str) -> list[str]:
        """The sessions that cite a source, in course order (the order of ``sessions``)."""
        return [s for s, ids in self.sessions.items() if reference_id in ids]


def sort_key(reference: Reference) -> str:
    return reference.text.replace("*", "").casefold()


def load_references(course: Course, data: Any = None) -> References:
    """Read and check the references against the course: every id known, every session listed."""
    data = load_content(REFERENCES) if data is None else data
    where = f"content/{REFERENCES}.yaml"
    try:
        by_id: dict[str, Reference] = {}
        for entry in data["references"]:
            ref = Reference(
                str(entry["id"]), str(entry["text"]).strip(), str(entry.get("url") or "")
            )
            if ref.id in by_id:
                raise CourseDataError(f"{where}: reference {ref.id!r} is listed twice")
            if not ref.text:
                raise CourseDataError(f"{where}: reference {ref.id!r} has no text")
            if ref.url and not ref.url.startswith("https://"):
                raise CourseDataError(f"{where}: reference {ref.id!r} has a url that is not https")
            by_id[ref.id] = ref
        sessions = {str(k): tuple(str(i) for i in (v or ())) for k, v in data["sessions"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise CourseDataError(f"{where}: missing or malformed field {exc}") from None
    for session_id, ids in sessions.items():
        if session_id not in course.sessions_by_id:
            raise CourseDataError(f"{where}: {session_id!r} is not a session in the course")
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise CourseDataError(f"{where}: {session_id} cites unknown reference {unknown[0]!r}")
    missing = [s.id for s in course.sessions if s.id not in sessions]
    if missing:
        raise CourseDataError(f"{where}: no references listed for session {missing[0]!r}")
    return References(by_id, sessions)


def reference_html(reference: Reference, cited_in: str = "") -> str:
    """One reference as a list item: its text, its link if it has one, where it is cited."""
    from peerkit.course.markdown import paragraphs_html
    from peerkit.exercises.base import html

    text = paragraphs_html(reference.text).removeprefix("<p>").removesuffix("</p>")
    if reference.url:
        text += html(' <a href="{0}">{0}</a>', reference.url)
    if cited_in:
        text += html(' <span class="peerkit-cited-in">Cited in {}.</span>', cited_in)
    return f"<li>{text}</li>"


def references_html(references: list[Reference], cited_in: dict[str, str] | None = None) -> str:
    """A list of sources (``cited_in``: id -> where it is cited), or a sentence saying
    the session cites none."""
    from peerkit.exercises.base import html

    if not references:
        return html('<p class="peerkit-references">{}</p>', NONE_CITED)
    where = cited_in or {}
    items = "".join(reference_html(r, where.get(r.id, "")) for r in references)
    return f'<ul class="peerkit-references">{items}</ul>'


def bibliography_html(course: Course, references: References) -> str:
    """Every source, each with the sessions that cite it ("Module 1 Session 4")."""

    def name(session_id: str) -> str:
        info = course.session(session_id)
        module = course.module(info.module_id)
        if info.kind == "resources":
            return f"Module {module.number} {info.title}"
        return f"Module {module.number} Session {info.number}"

    cited_in = {
        ref.id: ", ".join(name(s) for s in references.citing(ref.id))
        for ref in references.everything()
    }
    return references_html(references.everything(), cited_in)
