"""Choice with feedback: pick an option for each statement, then read why (no score)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, html, str_map
from peerkit.store.answers import Answer


class ChoiceSet(Exercise):
    """Statements sharing one set of options; feedback written for each choice follows.

    ``options``: option key -> label. ``items``: dicts with ``key``, ``text`` and
    ``feedback`` (option key -> text). The answer maps each item key to the chosen
    option key.
    """

    method: ClassVar[str] = "choice"
    kind: ClassVar[str] = "choice"

    def build(self, *, options: dict[str, str], items: list[dict[str, Any]]) -> list[form.Block]:
        if not options or not items:
            raise ValueError("choice needs options and at least one item")
        blocks = []
        for number, item in enumerate(items, start=1):
            texts = str_map(item["feedback"])
            feedback = {value: html("{}", texts.get(value, "")) for value in options}
            legend = html(
                '<span class="peerkit-number">Statement {}.</span> {}', number, item["text"]
            )
            blocks.append(
                form.radios(
                    str(item["key"]),
                    legend,
                    options,
                    feedback=feedback,
                    chosen_lead=True,
                    css="peerkit-choice-item",
                )
            )
        return blocks

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        items = options.get("items")
        return {
            str(i["key"]): str(i.get("text", ""))
            for i in (items if isinstance(items, list) else ())
            if isinstance(i, dict) and "key" in i
        }

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        return "My answer: " + str_map(options.get("options")).get(value, value)

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        first = next(iter(str_map(options.get("options"))), "")
        return dict.fromkeys(cls.labels(options), first)
