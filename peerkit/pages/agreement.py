"""A group's agreement, as the box at the top of each session page in a class.

Built with markupsafe (every text escaped), like the assessment brief: this runs in
a session page's kernel, where the template engine is not otherwise loaded. The
facilitator's words are plain text: blank lines split paragraphs, line breaks stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from peerkit.exercises.base import html
from peerkit.exercises.submitting import when_text
from peerkit.store.agreement import Agreement


def _paragraphs(text: str) -> str:
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    out = []
    for block in blocks:
        lines = block.split("\n")
        out.append("<p>" + "<br>".join(html("{}", line) for line in lines) + "</p>")
    return "".join(out)


def agreement_html(agreements: Sequence[Agreement], module_title: str) -> str:
    """The agreement of each of the learner's groups ("" when none is recorded)."""
    shown = [a for a in agreements if a.text.strip()]
    if not shown:
        return ""
    parts = [
        '<section class="peerkit-agreement" id="peerkit-agreement" '
        'aria-labelledby="peerkit-agreement-h">',
        html('<h2 id="peerkit-agreement-h">Our group agreement for {}</h2>', module_title),
    ]
    for agreement in shown:
        if len(shown) > 1:
            parts.append(html("<h3>{}</h3>", agreement.cohort))
        parts.append(_paragraphs(agreement.text))
        parts.append(
            html(
                '<p class="peerkit-agreement-meta">Recorded by {} on {}.</p>',
                agreement.author,
                when_text(agreement.agreed_at),
            )
        )
    parts.append(
        "<p>When today\u2019s session asks whether there is anything to add or change, "
        "this is the agreement it means.</p></section>"
    )
    return "".join(parts)
