"""The course data the Voilà template shows: breadcrumb, objectives, neighbours, support."""

from __future__ import annotations

from typing import Any

from peerkit.course.data import Course

#: The language of every page (``<html lang>``). nbconvert keeps only ISO 639-1 codes in
#: its own ``language_code`` ("en-GB" becomes "en"), so the template sets it from here.
LANGUAGE = "en-GB"


def page_title(course: Course, name: str) -> str:
    """A page's ``<title>``: what the page is, then the course ('My data – Peer2Peer …')."""
    return f"{name} – {course.title}"


def voila_resources(course: Course) -> dict[str, Any]:
    """Course data the Voilà template needs, passed as ``VoilaConfiguration.resources``."""
    ready = [i for i in course.sessions if not i.planned and i.notebook_path().is_file()]
    neighbours: dict[str, dict[str, Any]] = {}
    for index, info in enumerate(ready):
        links = {}
        if index > 0:
            links["prev"] = {
                "notebook": ready[index - 1].notebook,
                "title": ready[index - 1].heading,
            }
        if index + 1 < len(ready):
            links["next"] = {
                "notebook": ready[index + 1].notebook,
                "title": ready[index + 1].heading,
            }
        neighbours[info.id] = links
    sessions = {}
    for module in course.modules:
        for info in module.sessions:
            sessions[info.id] = {
                "module": f"Module {module.number}: {module.title}",
                "title": info.heading,
                "page_title": page_title(course, info.heading),
                "objectives": list(info.objectives),
                **neighbours.get(info.id, {}),
            }
    return {
        "peerkit": {
            "course_title": course.title,
            "language": LANGUAGE,
            "support_intro": course.support_intro,
            "support_lines": [
                {"name": s.name, "contact": s.contact, "detail": s.detail}
                for s in course.support_lines
            ],
            "privacy": course.privacy,
            "sessions": sessions,
        }
    }
