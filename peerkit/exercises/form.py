"""The blocks an exercise's form is made of, as the browser view draws them.

An exercise type's ``build()`` returns a list of blocks; ``static/exercise.js``
draws each one as GOV.UK Design System markup (labels and hints tied to their
fields, radios in a fieldset with a legend, errors beside the field). A block
with a ``key`` holds part of the learner's answer: text, a choice or a list.

Blocks are plain dicts, so they cost nothing to build and travel as one synced
trait. Anything given as ``html`` must be course text made safe here (by
markupsafe or the Markdown renderer), never the learner's words: those only
ever reach the page as form values, which the view sets as ``.value``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Block = dict[str, Any]


def text(
    key: str,
    label: str,
    *,
    rows: int = 5,
    hint: str = "",
    placeholder: str = "",
    after_writing: str = "",
    css: str = "",
) -> Block:
    """A multi-line text box (a real ``<textarea>``) labelled ``label``.

    ``after_writing``: course HTML shown once the learner has written something.
    """
    return {
        "type": "text",
        "key": key,
        "label": label,
        "rows": rows,
        "hint": hint,
        "placeholder": placeholder,
        "after_writing": after_writing,
        "class": f"peerkit-box-{key} {css}".strip(),
    }


def line(key: str, label: str, *, hint: str = "", placeholder: str = "") -> Block:
    """A one-line text box."""
    return {
        "type": "line",
        "key": key,
        "label": label,
        "hint": hint,
        "placeholder": placeholder,
        "class": f"peerkit-box-{key}",
    }


def options_list(options: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """``{value: label}`` (or pairs) as the view's option list."""
    pairs = options.items() if isinstance(options, Mapping) else options
    return [{"value": str(value), "label": str(label)} for value, label in pairs]


def radios(
    key: str,
    legend_html: str,
    options: Mapping[str, str],
    *,
    feedback: Mapping[str, str] | None = None,
    chosen_lead: bool = False,
    css: str = "",
) -> Block:
    """One question answered by one radio: a fieldset whose legend is ``legend_html``.

    ``feedback``: option value -> course HTML shown once that option is chosen;
    ``chosen_lead``: the view puts "You chose <option>." before it (and the
    workbook "If you chose <option>:", as paper has no choice made yet).
    """
    return {
        "type": "radios",
        "key": key,
        "legend": legend_html,
        "options": options_list(options),
        "feedback": dict(feedback or {}),
        "chosen_lead": chosen_lead,
        "class": css,
    }


def menu(
    key: str,
    label: str,
    options: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    hint: str = "",
    feedback: Mapping[str, str] | None = None,
    css: str = "",
) -> Block:
    """A labelled ``<select>``; the first option is the unanswered one."""
    block: Block = {
        "type": "menu",
        "key": key,
        "label": label,
        "hint": hint,
        "options": options_list(options),
        "class": css,
    }
    if feedback:
        block["feedback"] = dict(feedback)
    return block


def items(
    key: str,
    item_label: str,
    *,
    examples: Iterable[str] = (),
    css: str = "items",
    max_items: int = 100,
) -> Block:
    """An editable list of short texts: rows with Remove buttons and a box to add one."""
    return {
        "type": "list",
        "key": key,
        "item_label": item_label,
        "examples": [str(e) for e in examples],
        "css": css,
        "max_items": max_items,
    }


def reveal(
    key: str,
    *,
    button: str,
    heading: str,
    body_html: str,
    needs: Iterable[str],
    hint: str,
    min_words: int = 1,
    error: str = "",
) -> Block:
    """Course text that opens once the learner has written at least ``min_words``
    words in one of ``needs``; ``error``: what the page says when it is asked too early."""
    return {
        "type": "reveal",
        "key": key,
        "button": button,
        "heading": heading,
        "html": body_html,
        "needs": list(needs),
        "hint": hint,
        "min_words": max(1, min_words),
        "error": error or hint,
    }


def compose(
    target: str, parts: Iterable[str], *, button: str, lead_ins: Mapping[str, str] | None = None
) -> Block:
    """A button that joins the ``parts`` boxes (with their lead-ins) into ``target``."""
    return {
        "type": "compose",
        "target": target,
        "parts": list(parts),
        "button": button,
        "lead_ins": dict(lead_ins or {}),
    }


def word_count(key: str, *, target: int = 0) -> Block:
    """A live word count of one box."""
    return {"type": "words", "key": key, "target": target}


def action(name: str, button: str, *, css: str = "") -> Block:
    """A button that asks the kernel to do ``name`` with the form's values."""
    return {"type": "action", "name": name, "button": button, "class": css}


def panel(name: str, *, css: str = "") -> Block:
    """A place for HTML the kernel draws (a picture of the answer, earlier answers)."""
    return {"type": "panel", "name": name, "class": css}


def course_html(markup: str, *, css: str = "peerkit-course-text") -> Block:
    """Course text, already made safe."""
    return {"type": "html", "html": str(markup), "class": css}


def grid(children: Iterable[Block], *, columns: int = 2, areas: str = "", css: str = "") -> Block:
    """Blocks side by side (one column on narrow screens); ``areas``: CSS grid areas."""
    return {
        "type": "grid",
        "children": list(children),
        "columns": columns,
        "areas": areas,
        "class": css,
    }


def group(children: Iterable[Block], *, css: str = "") -> Block:
    """Blocks kept together in one element (a card, an item)."""
    return {"type": "group", "children": list(children), "class": css}


def keys_of(blocks: Iterable[Block]) -> list[str]:
    """The answer keys the blocks hold, in order."""
    found: list[str] = []
    for block in blocks:
        if block.get("type") in {"text", "line", "radios", "menu", "list", "reveal"}:
            found.append(str(block["key"]))
        found += keys_of(block.get("children", ()))
    return found


def list_keys(blocks: Iterable[Block]) -> set[str]:
    """The keys whose value is a list of texts."""
    found: set[str] = set()
    for block in blocks:
        if block.get("type") == "list":
            found.add(str(block["key"]))
        found |= list_keys(block.get("children", ()))
    return found
