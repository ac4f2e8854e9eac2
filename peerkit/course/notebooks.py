"""Read exercise ids and session ids out of course notebooks without running them."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Session methods that create an exercise: their first argument is its id.
EXERCISE_METHODS = frozenset(
    {
        "reflection",
        "multi_box",
        "who_am_i_map",
        "paired",
        "value_set",
        "list_builder",
        "statement_builder",
        "sky_and_mountains",
        "choice",
        "card_sort",
        "scenario",
        "rewrite",
        "rating",
        "essay_planner",
    }
)


@dataclass(frozen=True)
class ExerciseRef:
    """One exercise call found in a notebook: its id, type, prompt and literal options."""

    id: str
    method: str
    cell: int
    prompt: str = ""
    options: dict[str, Any] = field(default_factory=dict, compare=False)


def read_notebook(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def session_id(nb: dict[str, Any]) -> str | None:
    return nb.get("metadata", {}).get("peerkit", {}).get("session")


def exercises(nb: dict[str, Any]) -> list[ExerciseRef]:
    """Every exercise call in the notebook's code cells, in order."""
    found: list[ExerciseRef] = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in EXERCISE_METHODS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(_ref(node, index))
    return found


def _ref(node: ast.Call, cell: int) -> ExerciseRef:
    prompt = ""
    if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
        prompt = str(node.args[1].value)
    options: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            continue
        try:
            options[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            continue  # computed at run time (for example values=session.content(...))
    return ExerciseRef(node.args[0].value, node.func.attr, cell, prompt, options)


def exercise_ids(path: Path) -> list[str]:
    return [ref.id for ref in exercises(read_notebook(path))]
