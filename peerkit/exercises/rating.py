"""Rating: score each statement on a scale, with an explicit "not rated"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.errors import StoreError
from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, html, str_map
from peerkit.store.answers import Answer

NOT_RATED = ""
EARLIER_PANEL = "earlier"
EARLIER_NOT_RATED = "not rated"
EARLIER_NONE = "You did not give these ratings then. You can still rate yourself now."
EARLIER_NOT_LOADED = (
    "Your earlier ratings could not be loaded just now. Reload the page to try again."
)


class RatingSet(Exercise):
    """One menu per statement from ``minimum`` to ``maximum``; stored as text ("7").

    ``earlier``: a dict with ``session``, ``exercise`` and ``label`` naming an earlier
    rating of the same statements (the same keys); the learner's scores there are
    shown above the menus, read again from the store, never copied into this answer.
    """

    method: ClassVar[str] = "rating"
    kind: ClassVar[str] = "rating"

    def build(
        self,
        *,
        items: dict[str, str],
        low: str = "not at all",
        high: str = "completely",
        minimum: int = 1,
        maximum: int = 10,
        earlier: dict[str, str] | None = None,
    ) -> list[form.Block]:
        if not items or minimum >= maximum:
            raise ValueError("rating needs items and a scale with minimum below maximum")
        if earlier is not None and not {"session", "exercise", "label"} <= set(earlier):
            raise ValueError("rating's earlier needs a session, an exercise and a label")
        self.items, self.maximum, self.earlier = dict(items), maximum, earlier
        choices = [(NOT_RATED, "Not rated")]
        for score in range(minimum, maximum + 1):
            words = f" ({low})" if score == minimum else f" ({high})" if score == maximum else ""
            choices.append((str(score), f"{score}{words}"))
        menus = [
            form.menu(key, label, choices, css=f"peerkit-rate-{key}")
            for key, label in items.items()
        ]
        if earlier is None:
            return menus
        return [form.panel(EARLIER_PANEL, css="peerkit-earlier"), *menus]

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The learner's earlier scores for the same statements, read from the store."""
        if self.earlier is None:
            return {}
        slot, label = self.slot, self.earlier["label"]
        try:
            saved = slot.store.latest(
                slot.learner, self.earlier["session"], self.earlier["exercise"]
            )
        except StoreError:
            body = html('<p class="peerkit-status-error" role="alert">{}</p>', EARLIER_NOT_LOADED)
        else:
            then = saved.value if saved is not None and isinstance(saved.value, dict) else {}
            if not any(str(then.get(key) or "").strip() for key in self.items):
                body = html('<p class="peerkit-empty">{}</p>', EARLIER_NONE)
            else:
                rows = "".join(
                    html("<li>{}: {}</li>", text, self._score(then.get(key)))
                    for key, text in self.items.items()
                )
                body = f"<ul>{rows}</ul>"
        section = html('<section class="peerkit-earlier-list" aria-label="{}">', label)
        return {EARLIER_PANEL: f"{section}{html('<h3>{}</h3>', label)}{body}</section>"}

    def _score(self, value: Any) -> str:
        text = str(value or "").strip()
        return f"{text} out of {self.maximum}" if text else EARLIER_NOT_RATED

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("items"))

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        return f"{value} out of {options['maximum']}"

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        score = min(max(7, int(options["minimum"])), int(options["maximum"]))
        return dict.fromkeys(cls.labels(options), str(score))
