"""Small helpers every table's code shares: times as stored, an INSERT's new id, and
the check of a text someone wrote (never quoted back in its error)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from peerkit.errors import PeerkitError, StoreError


def aware(moment: datetime) -> datetime:
    """SQLite gives times back without their zone; they were saved in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def inserted_id(result: Any) -> int:
    """The id of the one row an INSERT just added."""
    key = result.inserted_primary_key
    if key is None:  # never for an INSERT of one row; for the type checker
        raise StoreError("Could not write to the answers database.")
    return int(key[0])


def bounded_text(
    text: object, limit: int, refused: type[PeerkitError], *, what: str, blank: str | None
) -> str:
    """``text`` with its ends trimmed; raises ``refused`` when it is not text, over
    ``limit`` characters, or blank (unless ``blank`` is None: then "" is allowed)."""
    if not isinstance(text, str):
        raise refused(blank or f"Write {what} as text.")
    text = text.strip()
    if not text and blank is not None:
        raise refused(blank)
    if len(text) > limit:
        raise refused(
            f"{what[0].upper()}{what[1:]} can be up to {limit:,} characters; "
            f"this is {len(text):,}. Please shorten it."
        )
    return text
