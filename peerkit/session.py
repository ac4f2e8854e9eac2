"""The author's API: one ``Session`` per notebook, one short call per exercise.

import peerkit
session = peerkit.open_session("m2s1")
session.reflection("chime-now", "How is CHIME showing up for you?")
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from peerkit.course.data import Course, SessionInfo, load_content, load_course
from peerkit.exercises.autosave import AUTOSAVE_DELAY
from peerkit.exercises.base import AnswerSlot, Exercise
from peerkit.identity import current_learner
from peerkit.kernel import in_voila, shared_store
from peerkit.serve.preheat import DeferredBuild, cells_from_call, preheating
from peerkit.store.protocol import Store

EXERCISE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class Session:
    """A learner working through one course session."""

    def __init__(
        self,
        session_id: str,
        *,
        store: Store | None = None,
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
        if self.deferred is None:
            return build()

        def widget() -> Any:
            made = build()
            return getattr(made, "view", made)

        return self.deferred.placeholder(widget)

    def _build(self, cls: type[Exercise], exercise_id: str, prompt: str, **options: Any) -> Any:
        slot = AnswerSlot(self.store, self.learner, self.id, exercise_id)
        exercise = cls(slot, prompt, autosave_delay=self.autosave_delay, **options)
        self.exercises[exercise_id] = exercise
        if exercise.counted and self._progress is not None:
            exercise.on_saved.append(self._progress.record)
        return exercise

    def group_agreement(self) -> Any:
        """The agreement of the learner's group for this module, at the top (a class only)."""
        return self._show(self._group_agreement)

    def _group_agreement(self) -> Any:
        import ipywidgets as widgets

        from peerkit.errors import StoreError
        from peerkit.pages.agreement import agreement_html

        module = self.course.module(self.info.module_id)
        try:
            found = self.store.group_agreements(self.learner, module.id)
        except StoreError:
            found = []
        box = widgets.HTML(agreement_html(found, f"Module {module.number}"))
        box.add_class("peerkit-agreement-box")
        return box

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

    # --- exercise types: session.reflection(...), session.paired(...), … ---
    def __getattr__(self, name: str) -> Callable[..., Any]:
        """``session.<method>(exercise_id, prompt, **options)`` for every exercise type."""
        from peerkit.exercises import exercise_types

        cls = exercise_types().get(name)
        if cls is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._adder(cls)

    def __dir__(self) -> list[str]:
        from peerkit.exercises import exercise_types

        return [*super().__dir__(), *exercise_types()]

    def _adder(self, cls: type[Exercise]) -> Callable[..., Any]:
        """The Session method for one exercise type, with the type's options as its signature."""
        signature = adder_signature(cls)

        def add(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)  # TypeError names a wrong option at once
            given = dict(bound.arguments)
            exercise_id = given.pop("exercise_id")
            prompt = given.pop("prompt", None) or cls.default_prompt
            return self._add(cls, exercise_id, prompt, **given)

        add.__name__ = add.__qualname__ = cls.method
        add.__doc__ = cls.__doc__
        add.__signature__ = signature  # type: ignore[attr-defined]
        return add

    def chime_wheel(self, prompt: str = "Rate the five CHIME processes for you today."):
        """The CHIME self-rating and wheel. Every reading is kept in one place (Session 1),
        wherever the wheel is shown, so all readings overlay on the same wheel."""
        from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
        from peerkit.exercises.chime_wheel import ChimeWheel

        def build() -> ChimeWheel:
            slot = AnswerSlot(self.store, self.learner, CHIME_SESSION, CHIME_EXERCISE)
            return ChimeWheel(slot, prompt, autosave_delay=self.autosave_delay)

        return self._show(build)

    def assessment_brief(self, assessment_id: str) -> Any:
        """An assessment brief from the course data (``assessments`` in course.yaml)."""
        from IPython.display import HTML

        from peerkit.pages.assessment import brief_html

        return HTML(brief_html(self.course.assessment(assessment_id)))

    def references(self) -> Any:
        """This session's sources in full (``content/references.yaml``)."""
        from IPython.display import HTML

        from peerkit.course.references import load_references, references_html

        return HTML(references_html(load_references(self.course).for_session(self.id)))

    def bibliography(self) -> Any:
        """Every source the course cites, in full (``content/references.yaml``)."""
        from IPython.display import HTML

        from peerkit.course.references import bibliography_html, load_references

        return HTML(bibliography_html(self.course, load_references(self.course)))

    def figure(self, name: str) -> Any:
        """A course diagram (for example "drama-triangle"), drawn as accessible SVG."""
        from IPython.display import HTML

        from peerkit.pictures.figures import figure_html

        return HTML(figure_html(name))


def adder_signature(cls: type[Exercise]) -> inspect.Signature:
    """``(exercise_id, prompt, *, carry_from, submit, group_board, <the type's options>)``."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    keyword = inspect.Parameter.KEYWORD_ONLY
    prompt_default = None if cls.default_prompt else inspect.Parameter.empty
    options = [p for p in inspect.signature(cls.build).parameters.values() if p.kind is keyword]
    return inspect.Signature(
        [
            inspect.Parameter("exercise_id", positional, annotation=str),
            inspect.Parameter("prompt", positional, default=prompt_default, annotation=str),
            inspect.Parameter("carry_from", keyword, default=None),
            inspect.Parameter("submit", keyword, default=False),
            inspect.Parameter("group_board", keyword, default=False),
            *options,
        ]
    )


def open_session(session_id: str) -> Session:
    """Start a session page and show the learner's progress through it.

    In JupyterLab the session's overview and styling are shown too; in Voilà the
    course template shows them.
    """
    from IPython.display import display

    session = Session(session_id)
    if preheating():
        from IPython import get_ipython

        cells = cells_from_call(session.info.notebook_path())
        session.deferred = DeferredBuild(cells, name=session.id, shell=get_ipython())
    if not in_voila():
        from peerkit.pages.furniture import lab_overview

        display(lab_overview(session.course, session.info))
    display(session.progress_bar())
    if session.store.sharing:
        display(session.group_agreement())
    return session
