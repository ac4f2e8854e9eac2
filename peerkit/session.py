"""The author's API: one ``Session`` per notebook, one short call per exercise.

import peerkit
session = peerkit.open_session("m2s1")
session.reflection("chime-now", "How is CHIME showing up for you?")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from peerkit.course.data import Course, SessionInfo, load_content, load_course
from peerkit.exercises.autosave import AUTOSAVE_DELAY
from peerkit.exercises.base import AnswerSlot, Exercise
from peerkit.identity import current_learner
from peerkit.kernel import in_voila, shared_store
from peerkit.serve.preheat import DeferredBuild, cells_from_open_session, preheating
from peerkit.store.answer_store import AnswerStore

EXERCISE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class Session:
    """A learner working through one course session."""

    def __init__(
        self,
        session_id: str,
        *,
        store: AnswerStore | None = None,
        learner: str | None = None,
        course: Course | None = None,
        autosave_delay: float | None = AUTOSAVE_DELAY,
    ) -> None:
        self.course = course or load_course()
        self.info: SessionInfo = self.course.session(session_id)
        self.store = store or shared_store()
        self.learner = learner or current_learner()
        self.autosave_delay = autosave_delay
        self.exercises: dict[str, Exercise] = {}
        self._ids: set[str] = set()
        self._progress: Any = None
        #: Set in a pre-heated kernel: exercises are built once the learner's request comes.
        self.deferred: DeferredBuild | None = None

    @property
    def id(self) -> str:
        return self.info.id

    def content(self, name: str) -> Any:
        """Course data from ``content/<name>.yaml`` (for example the HEAR ME values)."""
        return load_content(name)

    def _add(self, cls: type[Exercise], exercise_id: str, prompt: str, **options: Any) -> Any:
        """Create, register and return an exercise (its widget displays as the cell output).

        In a pre-heated kernel this returns a placeholder that the exercise fills once
        the learner has asked for the page (peerkit/serve/preheat.py).
        """
        if not EXERCISE_ID.match(exercise_id):
            raise ValueError(
                f"Exercise id {exercise_id!r} must be lower-case letters, digits and hyphens."
            )
        if exercise_id in self._ids:
            raise ValueError(f"Exercise id {exercise_id!r} is used twice in {self.id}.")
        self._ids.add(exercise_id)
        return self._show(lambda: self._build(cls, exercise_id, prompt, **options))

    def _show(self, build: Callable[[], Any]) -> Any:
        """``build()`` now, or a placeholder for it when answers must wait for the request."""
        if self.deferred is not None:
            return self.deferred.placeholder(build)
        return build()

    def _build(self, cls: type[Exercise], exercise_id: str, prompt: str, **options: Any) -> Any:
        slot = AnswerSlot(self.store, self.learner, self.id, exercise_id)
        exercise = cls(slot, prompt, autosave_delay=self.autosave_delay, **options)
        self.exercises[exercise_id] = exercise
        if exercise.counted and self._progress is not None:
            exercise.on_saved.append(self._progress.record)
        return exercise

    def progress_bar(self) -> Any:
        """The page's progress bar, counting this session's exercises (made once)."""
        return self._show(self._progress_bar)

    def _progress_bar(self) -> Any:
        if self._progress is None:
            from peerkit.course.notebooks import exercise_ids
            from peerkit.pages.progress_bar import ProgressBar
            from peerkit.store.answers import is_answered

            path = self.info.notebook_path()
            ids = set(exercise_ids(path)) if path.is_file() else set()
            answered = {
                r.exercise
                for r in self.store.current_answers(self.learner, self.id)
                if r.exercise in ids and is_answered(r.value)
            }
            self._progress = ProgressBar(len(ids), answered)
            for exercise in self.exercises.values():
                if exercise.counted:
                    exercise.on_saved.append(self._progress.record)
        return self._progress

    # --- exercise types ---------------------------------------------------
    def reflection(self, exercise_id: str, prompt: str, *, rows: int = 6, placeholder: str = ""):
        from peerkit.exercises.text import Reflection

        return self._add(Reflection, exercise_id, prompt, rows=rows, placeholder=placeholder)

    def multi_box(
        self,
        exercise_id: str,
        prompt: str,
        *,
        boxes: dict[str, str],
        columns: int = 2,
        rows: int = 4,
    ):
        from peerkit.exercises.text import MultiBox

        return self._add(MultiBox, exercise_id, prompt, boxes=boxes, columns=columns, rows=rows)

    def who_am_i_map(self, exercise_id: str, prompt: str):
        from peerkit.exercises.text import WhoAmIMap

        return self._add(WhoAmIMap, exercise_id, prompt)

    def paired(
        self,
        exercise_id: str,
        prompt: str,
        *,
        left: str = "What do I need to learn?",
        right: str = "What do I need to let go?",
        carry_from: tuple[str, str] | None = None,
    ):
        """Two boxes side by side. ``carry_from=(session, exercise)`` offers the learner's
        answer to the same reflection from another session when this one is empty."""
        from peerkit.exercises.text import Paired

        return self._add(Paired, exercise_id, prompt, left=left, right=right, carry_from=carry_from)

    def value_set(self, exercise_id: str, prompt: str, *, values: list[dict[str, Any]]):
        from peerkit.exercises.text import ValueSet

        return self._add(ValueSet, exercise_id, prompt, values=values)

    def list_builder(
        self,
        exercise_id: str,
        prompt: str,
        *,
        item_label: str = "Item",
        examples: Sequence[str] = (),
    ):
        from peerkit.exercises.list_builder import ListBuilder

        return self._add(ListBuilder, exercise_id, prompt, item_label=item_label, examples=examples)

    def statement_builder(
        self,
        exercise_id: str,
        prompt: str,
        *,
        parts: dict[str, str],
        lead_ins: dict[str, str] | None = None,
        statement_label: str = "My statement",
    ):
        from peerkit.exercises.statement_builder import StatementBuilder

        return self._add(
            StatementBuilder,
            exercise_id,
            prompt,
            parts=parts,
            lead_ins=lead_ins,
            statement_label=statement_label,
        )

    def sky_and_mountains(self, exercise_id: str, *, sky_prompt: str, mountains_prompt: str):
        from peerkit.exercises.sky_and_mountains import SkyAndMountains

        return self._add(
            SkyAndMountains,
            exercise_id,
            "Sky and mountains",
            sky_prompt=sky_prompt,
            mountains_prompt=mountains_prompt,
        )

    def choice(
        self,
        exercise_id: str,
        prompt: str,
        *,
        options: dict[str, str],
        items: list[dict[str, Any]],
    ):
        """Choose an option for each statement; feedback written for that choice follows."""
        from peerkit.exercises.choice import ChoiceSet

        return self._add(ChoiceSet, exercise_id, prompt, options=options, items=items)

    def card_sort(
        self,
        exercise_id: str,
        prompt: str,
        *,
        groups: dict[str, str],
        cards: dict[str, str],
        feedback: dict[str, str] | None = None,
    ):
        """Sort cards into groups, one menu per card (keyboard friendly, no dragging)."""
        from peerkit.exercises.card_sort import CardSort

        return self._add(
            CardSort, exercise_id, prompt, groups=groups, cards=cards, feedback=feedback
        )

    def scenario(
        self,
        exercise_id: str,
        prompt: str,
        *,
        situation: str,
        questions: dict[str, str],
        discussion: str,
    ):
        """A situation with questions; the discussion opens after the learner responds."""
        from peerkit.exercises.scenario import Scenario

        return self._add(
            Scenario,
            exercise_id,
            prompt,
            situation=situation,
            questions=questions,
            discussion=discussion,
        )

    def rewrite(
        self,
        exercise_id: str,
        prompt: str,
        *,
        statements: dict[str, str],
        examples: dict[str, str] | None = None,
    ):
        """Rewrite each statement; an example rewrite appears once the learner has written."""
        from peerkit.exercises.rewrite import Rewrite

        return self._add(Rewrite, exercise_id, prompt, statements=statements, examples=examples)

    def rating(
        self,
        exercise_id: str,
        prompt: str,
        *,
        items: dict[str, str],
        low: str = "not at all",
        high: str = "completely",
        minimum: int = 1,
        maximum: int = 10,
    ):
        """Rate each statement on a scale (for example confidence from 1 to 10)."""
        from peerkit.exercises.rating import RatingSet

        return self._add(
            RatingSet,
            exercise_id,
            prompt,
            items=items,
            low=low,
            high=high,
            minimum=minimum,
            maximum=maximum,
        )

    def essay_planner(
        self,
        exercise_id: str,
        prompt: str,
        *,
        sources: list[dict[str, Any]],
        sections: dict[str, str],
        word_target: int = 1500,
    ):
        """Earlier answers beside a plan and a draft with a live word count."""
        from peerkit.exercises.essay_planner import EssayPlanner

        return self._add(
            EssayPlanner,
            exercise_id,
            prompt,
            sources=sources,
            sections=sections,
            word_target=word_target,
        )

    def chime_wheel(self, prompt: str = "Rate the five CHIME processes for you today."):
        """The CHIME self-rating and wheel. Every reading is kept in one place (Session 1),
        wherever the wheel is shown, so all readings overlay on the same wheel."""
        from peerkit.exercises.chime_wheel import CHIME_EXERCISE, CHIME_SESSION, ChimeWheel

        def build() -> ChimeWheel:
            slot = AnswerSlot(self.store, self.learner, CHIME_SESSION, CHIME_EXERCISE)
            return ChimeWheel(slot, prompt, autosave_delay=self.autosave_delay)

        return self._show(build)

    def figure(self, name: str) -> Any:
        """A course diagram (for example "drama-triangle"), drawn as accessible SVG."""
        from IPython.display import HTML

        from peerkit.pictures.triangles import figure_html

        return HTML(figure_html(name))

    def save_all(self) -> None:
        """Save every exercise now (for example before the kernel is stopped)."""
        for exercise in self.exercises.values():
            if exercise.save_pending:
                exercise.save_now()


def open_session(session_id: str) -> Session:
    """Start a session page and show the learner's progress through it.

    In JupyterLab the session's overview and styling are shown too; in Voilà the
    course template shows them.
    """
    from IPython.display import display

    session = Session(session_id)
    if preheating():
        from IPython import get_ipython

        cells = cells_from_open_session(session.info.notebook_path())
        session.deferred = DeferredBuild(cells, name=session.id, shell=get_ipython())
    if not in_voila():
        from peerkit.pages.furniture import lab_overview

        display(lab_overview(session.course, session.info))
    display(session.progress_bar())
    return session
