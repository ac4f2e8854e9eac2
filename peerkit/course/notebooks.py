"""Read exercise calls and session ids out of course notebooks without running them.

A notebook is read as JSON here, not with ``nbformat``: this runs in learners'
kernels, and importing nbformat there costs about 3 s on the course's machines
(jsonschema's format checkers build a grammar on import). ``peerkit check``
validates every notebook with nbformat instead.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

OPEN_SESSION = "open_session"
CHIME_METHOD = "chime_wheel"


@dataclass(frozen=True)
class ContentRef:
    """An option given as course data: ``values=session.content("hear-me-values")``."""

    name: str


@dataclass(frozen=True)
class ExerciseRef:
    """One exercise call found in a notebook: its id, type, prompt and literal options."""

    id: str
    method: str
    cell: int
    prompt: str = ""
    options: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class NotebookScan:
    """What a course notebook declares: its session and its exercises, in order."""

    session: str | None
    exercises: tuple[ExerciseRef, ...]
    #: The index of the first cell that shows the CHIME wheel, if any.
    chime_cell: int | None = None

    @property
    def ids(self) -> list[str]:
        return [ref.id for ref in self.exercises]


def read_notebook(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def session_id(nb: dict[str, Any]) -> str | None:
    return nb.get("metadata", {}).get("peerkit", {}).get("session")


def scan(path: Path) -> NotebookScan:
    """The notebook's session and exercises; read again only when the file changes."""
    stat = path.stat()
    return _scan_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _scan_cached(path: str, _mtime_ns: int, _size: int) -> NotebookScan:
    nb = read_notebook(Path(path))
    return NotebookScan(session_id(nb), tuple(exercises(nb)), _chime_cell(nb))


def exercise_ids(path: Path) -> list[str]:
    return scan(path).ids


def exercises(nb: dict[str, Any]) -> list[ExerciseRef]:
    """Every exercise call in the notebook's code cells, in order.

    An exercise call is ``<session>.<type>("id", ...)`` where ``<session>`` is a
    name the notebook bound to ``open_session(...)`` and ``<type>`` an exercise
    type's method (``random.choice("x")`` is not an exercise).
    """
    from peerkit.exercises import exercise_types

    methods = exercise_types()
    sessions: set[str] = set()
    found: list[ExerciseRef] = []
    for index, tree in _code_cells(nb):
        sessions |= _session_names(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in methods
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in sessions
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(_ref(node, index))
    return found


def _code_cells(nb: dict[str, Any]) -> list[tuple[int, ast.Module]]:
    """(index, parsed source) of every code cell that parses."""
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        try:
            cells.append((index, ast.parse("".join(cell.get("source", "")))))
        except SyntaxError:
            continue
    return cells


def _session_names(tree: ast.Module) -> set[str]:
    """Names assigned ``open_session(...)`` or ``peerkit.open_session(...)`` in a cell."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == OPEN_SESSION:
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _ref(node: ast.Call, cell: int) -> ExerciseRef:
    prompt = ""
    if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
        prompt = str(node.args[1].value)
    options: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            continue
        content = _content_name(keyword.value)
        if content is not None:
            options[keyword.arg] = ContentRef(content)
            continue
        try:
            options[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            continue  # computed at run time
    assert isinstance(node.func, ast.Attribute) and isinstance(node.args[0], ast.Constant)
    return ExerciseRef(str(node.args[0].value), node.func.attr, cell, prompt, options)


def _content_name(value: ast.expr) -> str | None:
    """``"hear-me-values"`` for ``<anything>.content("hear-me-values")``."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "content"
        and len(value.args) == 1
        and isinstance(value.args[0], ast.Constant)
        and isinstance(value.args[0].value, str)
    ):
        return value.args[0].value
    return None


def _chime_cell(nb: dict[str, Any]) -> int | None:
    for index, tree in _code_cells(nb):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == CHIME_METHOD
            ):
                return index
    return None
