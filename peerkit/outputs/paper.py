"""Each exercise's form as room to write on paper, from the exercise type's own ``build()``.

No list of exercise types is kept here: an exercise's blocks
(:mod:`peerkit.exercises.form`) say what it needs. A text box of ``rows`` rows
becomes that many ruled lines and two more (handwriting is larger than type),
or a box of that height inside a grid (the Who Am I Map); a list becomes
numbered lines; a menu or radios become options to circle or tick (the CHIME and
rating scales); a panel that draws a picture of the answer is drawn empty, to
write on (the sky and mountains). Course text shown only after the learner has
answered online (feedback, a scenario's discussion, an example rewrite) is kept
apart, to print after the exercise under "Read after you have answered".

An exercise is built from its declaration alone: no widget and no answer store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from peerkit.exercises import exercise_types
from peerkit.exercises.base import Exercise, html
from peerkit.exercises.chime_wheel import ChimeWheel
from peerkit.exercises.form import Block, keys_of, list_keys
from peerkit.outputs.source import Chime, ExercisePart
from peerkit.portfolio.collect import exercise_options
from peerkit.portfolio.text import printable
from peerkit.store.answers import Answer, is_answered

#: Ruled lines added to a text box's rows; the most lines one box gets.
EXTRA_LINES, MAX_LINES = 2, 22
#: Lines for a list the learner builds.
LIST_LINES = 6
#: Ruled lines for an exercise whose form could not be built from the notebook alone.
FALLBACK_LINES = 8
#: What a menu shows when nothing is chosen: never printed as an option.
UNCHOSEN = ""


@dataclass(frozen=True)
class Afterwards:
    """Course text to read once answered: a heading and its HTML."""

    heading: str
    body: Markup


@dataclass(frozen=True)
class PaperExercise:
    """One exercise as printed: its title, its blocks for paper and what to read afterwards."""

    id: str
    title: str
    blocks: list[dict[str, Any]]
    labels: dict[str, str] = field(default_factory=dict)
    afterwards: list[Afterwards] = field(default_factory=list)
    #: With the learner's answer: notes on it (saved, shared, submitted) and the
    #: facilitator's feedback and the learner's board ideas, as (heading, text) pairs.
    notes: list[str] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)
    filled: bool = False


def declared(cls: type[Exercise], exercise_id: str, prompt: str) -> Exercise:
    """An exercise of type ``cls`` with only what ``build()`` reads: no widget, no store."""
    exercise = cls.__new__(cls)
    exercise.prompt = prompt
    exercise.slot = SimpleNamespace(exercise=exercise_id, store=None)  # type: ignore[assignment]
    return exercise


def paper_exercise(
    part: ExercisePart | Chime, root: Path, answer: Answer | None = None, *, filled: bool = False
) -> PaperExercise:
    """The exercise as printed; ``root`` is the notebooks folder (for course data options).

    ``filled``: print ``answer`` (the learner's, or None when unanswered) in the spaces.
    """
    if isinstance(part, Chime):
        cls: type[Exercise] = ChimeWheel
        exercise_id, prompt, options = "chime-wheel", part.prompt, {}
    else:
        cls = exercise_types()[part.ref.method]
        exercise_id, prompt = part.ref.id, part.ref.prompt or cls.default_prompt
        allowed = cls.option_defaults()
        options = {k: v for k, v in exercise_options(part.ref, root).items() if k in allowed}
    exercise = declared(cls, exercise_id, prompt)
    try:
        blocks = [*exercise.header(), *exercise.build(**options)]
        labels = cls.labels(cls.resolve(options))
    except (TypeError, ValueError, KeyError, AttributeError):
        # Options computed when the notebook runs: the prompt and plain lines.
        blocks = [{"type": "text", "label": prompt, "rows": FALLBACK_LINES - EXTRA_LINES}]
        labels = {}
    # An exercise not answered yet prints as on blank paper, to answer by hand.
    filled = filled and answer is not None and is_answered(answer)
    values = form_values(exercise, blocks, answer) if filled else None
    afterwards: list[Afterwards] = []
    printed = list(_paper(blocks, exercise, afterwards, in_grid=False, values=values))
    return PaperExercise(exercise_id, prompt, printed, labels, afterwards, filled=filled)


def form_values(exercise: Exercise, blocks: list[Block], answer: Answer | None) -> dict[str, Any]:
    """The answer as the exercise's form shows it: each key's text or list of texts."""
    exercise.keys = keys_of(blocks)
    exercise._list_keys = list_keys(blocks)
    try:
        return exercise.to_form(answer if answer is not None else {})
    except (TypeError, ValueError, KeyError, AttributeError):
        return exercise.to_form({})


def _answer(values: Mapping[str, Any] | None, key: Any) -> Any:
    """The block's part of the answer, printable: text, a list of texts, or None."""
    if values is None or key is None:
        return None
    value = values.get(str(key))
    if isinstance(value, list):
        return [printable(v) for v in value if isinstance(v, str) and v.strip()]
    return printable(value) if isinstance(value, str) and value.strip() else ""


def _lines(rows: Any) -> int:
    return min(int(rows or 1) + EXTRA_LINES, MAX_LINES)


def _paper(
    blocks: Iterable[Block],
    exercise: Exercise,
    afterwards: list[Afterwards],
    *,
    in_grid: bool,
    values: Mapping[str, Any] | None = None,
) -> Iterable[dict[str, Any]]:
    filled = values is not None
    for block in blocks:
        kind = block.get("type")
        answer = _answer(values, block.get("key"))
        if kind in {"text", "line"}:
            rows = block.get("rows", 1) if kind == "text" else 1
            yield {
                "type": "box" if in_grid else "lines",
                "label": str(block.get("label", "")),
                "hint": str(block.get("hint", "")),
                "lines": 1 if kind == "line" else _lines(rows),
                "area": block.get("area", ""),
                "centre": "peerkit-centre" in str(block.get("class", "")),
                "filled": filled,
                "answer": answer,
            }
            if block.get("after_writing") and (not filled or answer):
                afterwards.append(Afterwards(str(block["label"]), Markup(block["after_writing"])))
        elif kind in {"menu", "radios"}:
            label = block.get("legend") if kind == "radios" else html("{}", block.get("label"))
            options = [
                {"label": o["label"], "chosen": filled and o["value"] == answer}
                for o in block.get("options", [])
                if o["value"] != UNCHOSEN
            ]
            yield {
                "type": "circle" if kind == "menu" else "tick",
                "label": Markup(label),  # radios' legends are course HTML made safe by the type
                "hint": str(block.get("hint", "")),
                "options": options,
                "filled": filled,
                "answer": answer,
            }
            _feedback(block, Markup(label), afterwards, answer if filled else None)
        elif kind == "list":
            yield {
                "type": "list",
                "label": str(block.get("item_label", "")),
                "examples": list(block.get("examples", [])),
                "lines": LIST_LINES,
                "filled": filled,
                "answer": answer or [],
            }
        elif kind == "html":
            yield {"type": "html", "html": Markup(block.get("html", ""))}
        elif kind == "reveal":
            if not filled or _written(values, block):
                afterwards.append(Afterwards(str(block.get("heading", "")), Markup(block["html"])))
        elif kind == "words" and block.get("target") and not filled:
            text = f"Aim for about {block['target']} words; carry on on extra paper if you need to."
            yield {"type": "note", "text": text}
        elif kind == "panel":
            picture = _picture(exercise, str(block.get("name", "")), values or {})
            if picture:
                yield {"type": "picture", "html": picture, "filled": filled}
        elif kind in {"grid", "group"}:
            children = list(
                _paper(block.get("children", []), exercise, afterwards, in_grid=True, values=values)
            )
            if kind == "grid":
                yield {
                    "type": "grid",
                    "children": children,
                    "columns": int(block.get("columns", 2)),
                    "areas": str(block.get("areas", "")),
                }
            else:
                yield {"type": "group", "children": _unbox(children)}
        # "compose" and "action" are buttons: nothing to print.


def _unbox(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A group (a card) stacks its parts: its text boxes are ruled lines, not boxes."""
    return [dict(c, type="lines") if c["type"] == "box" else c for c in children]


def _feedback(block: Block, label: Markup, afterwards: list[Afterwards], chosen: Any) -> None:
    """The feedback on a choice: every option's on blank paper, else the chosen one's."""
    given: Mapping[str, str] = block.get("feedback") or {}
    names = {o["value"]: o["label"] for o in block.get("options", [])}
    texts: list[str] = []
    for value, text in given.items():
        if not text or (chosen is not None and value != chosen):
            continue
        if block.get("chosen_lead"):
            lead = "You chose {}." if chosen is not None else "If you chose {}:"
            text = html(f"<p><strong>{lead}</strong> ", names.get(value, value)) + text + "</p>"
        if text not in texts:
            texts.append(text)
    if texts:
        afterwards.append(Afterwards(label.striptags(), Markup("".join(texts))))


def _written(values: Mapping[str, Any] | None, block: Block) -> bool:
    """Whether the learner wrote enough to open a reveal's course text online."""
    needs = [str((values or {}).get(key) or "") for key in block.get("needs", ())]
    return any(len(text.split()) >= int(block.get("min_words", 1)) for text in needs)


def _picture(exercise: Exercise, name: str, values: Mapping[str, Any]) -> Markup | None:
    """The panel drawn (with the answer, if any), when it is a picture (SVG) to write on."""
    try:
        drawn: Mapping[str, str] = exercise.panels(values)
    except (AttributeError, KeyError, TypeError):
        return None  # a panel that reads the learner's answers (the essay planner)
    svg = drawn.get(name, "")
    return Markup(svg) if "<svg" in svg else None  # drawn by peerkit.pictures, text escaped
