"""The course data the Voilà template shows: breadcrumb, objectives, neighbours, support."""

from __future__ import annotations

from typing import Any

from peerkit.course.data import Course


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
                "objectives": list(info.objectives),
                **neighbours.get(info.id, {}),
            }
    return {
        "peerkit": {
            "course_title": course.title,
            "support_intro": course.support_intro,
            "support_lines": [
                {"name": s.name, "contact": s.contact, "detail": s.detail}
                for s in course.support_lines
            ],
            "privacy": course.privacy,
            "sessions": sessions,
        }
    }
