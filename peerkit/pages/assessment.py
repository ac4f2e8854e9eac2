"""An assessment brief from the course data, as the HTML a session page shows.

Built with markupsafe rather than Jinja: this runs in a session page's kernel,
where the template engine is not otherwise loaded.
"""

from __future__ import annotations

from peerkit.course.data import AssessmentBrief
from peerkit.course.markdown import paragraphs_html
from peerkit.exercises.base import html


def brief_html(brief: AssessmentBrief) -> str:
    """The brief as a labelled section: task, what a good answer shows, length, assessment."""
    heading_id = f"brief-{brief.id}"
    shows = "".join(html("<li>{}</li>", point) for point in brief.good_answer_shows)
    length = brief.length
    if brief.words:
        length = f"About {brief.words:,} words. {length}"
    parts = [
        html('<section class="peerkit-brief" aria-labelledby="{}">', heading_id),
        html('<h3 id="{}">{}</h3>', heading_id, brief.title),
        "<h4>The task</h4>",
        paragraphs_html(brief.task),
        "<h4>What a good answer shows</h4>",
        f"<ul>{shows}</ul>",
        "<h4>Length</h4>",
        paragraphs_html(length),
        "<h4>How it is assessed</h4>",
        paragraphs_html(brief.assessed),
        "</section>",
    ]
    return "".join(parts)
