"""Exercise types: one module each, declaring its options, widget, portfolio view and sample.

``exercise_types()`` maps each ``Session`` method name (``"reflection"``) to its
class. Importing these modules does not import ipywidgets (see ``ui.py``), so
the notebook scanner and the portfolio use the same declarations as the pages.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerkit.exercises.base import Exercise

#: The modules that each declare one exercise type authors can call.
TYPE_MODULES = (
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
)


@cache
def exercise_types() -> dict[str, type[Exercise]]:
    """Every exercise type by its Session method name, in ``TYPE_MODULES`` order."""
    from peerkit.exercises.base import Exercise

    found: dict[str, type[Exercise]] = {}
    for name in TYPE_MODULES:
        module = importlib.import_module(f"peerkit.exercises.{name}")
        declared = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Exercise)
            and value.__module__ == module.__name__
            and value.method
        ]
        if len(declared) != 1:
            raise RuntimeError(f"peerkit.exercises.{name} must declare one exercise type")
        found[declared[0].method] = declared[0]
    return found
