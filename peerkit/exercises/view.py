"""The one widget each exercise is in the browser: an anywidget drawing GOV.UK forms.

Imported only when an exercise is made (it loads ipywidgets and anywidget), never
by the export path. The view's code is ``static/exercise.js``; its look is
``static/exercise.css``. See ``peerkit.exercises.form`` for the blocks it draws.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import traitlets

STATIC = Path(__file__).with_name("static")


class ExerciseView(anywidget.AnyWidget):
    """One exercise: its form (``spec``), the saved values, and what the kernel drew."""

    _esm = STATIC / "exercise.js"
    _css = STATIC / "exercise.css"

    #: The form: ``{"blocks": [...], "header": [...], "classes": [...], "max_chars": n}``.
    spec = traitlets.Dict().tag(sync=True)
    #: The form's values as last saved or restored (key -> text or list of texts).
    values = traitlets.Dict().tag(sync=True)
    #: The id of the revision ``values`` came from (0: nothing saved yet).
    revision = traitlets.Int(0).tag(sync=True)
    #: What the status line says before the learner edits: ``{"state", "text", "error"}``.
    status = traitlets.Dict().tag(sync=True)
    #: HTML the kernel drew for the form's panels (pictures, earlier answers), by name.
    panels = traitlets.Dict().tag(sync=True)
    #: Where this browser keeps a draft of unsaved text, and the key that seals it.
    draft_key = traitlets.Unicode("").tag(sync=True)
    draft_secret = traitlets.Unicode("").tag(sync=True)
    #: Who may see the answer, in a class: ``{"audience", "choices": [[value, label,
    #: hint], ...], "groups", "group"}`` (``groups``: the learner's, when they are in
    #: several, to choose which one "my group" is; ``group`` "": none chosen); empty
    #: where there is no group to share with (no control shown).
    sharing = traitlets.Dict().tag(sync=True)
    #: Work submitted to the facilitator, with its feedback (peerkit/exercises/submitting.py);
    #: empty where the exercise is not for submitting, or outside a class.
    submission = traitlets.Dict().tag(sync=True)
    #: The group's board beside the exercise, in a class (peerkit/exercises/group_board.py).
    board = traitlets.Dict().tag(sync=True)

    def remember(self, values: dict[str, Any], revision: int) -> None:
        """Record what the browser has just had saved, without sending it back to it."""
        state = json.loads(json.dumps(values))
        with self._quietly(values=state, revision=revision):
            self.values = values
            self.revision = revision

    @contextmanager
    def _quietly(self, **state: Any) -> Iterator[None]:
        # ipywidgets does not send a trait back while it is locked to this value.
        with self._lock_property(**state):
            yield
