"""Answer values: their allowed shapes, size limit and safe encoding.

An answer is text, a list of texts, or a mapping of keys to either. Values come
from the browser over comm messages, so they are checked here as untrusted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from peerkit.errors import AnswerRejected

MAX_ANSWER_CHARS = 100_000
MAX_KEY_CHARS = 100
MAX_DEPTH = 3

Answer = str | list[Any] | dict[str, Any]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Replace lone surrogates (not valid Unicode text) with U+FFFD; keep all else."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def normalise(value: Any) -> Answer:
    """Check an answer's shape and size and return it cleaned.

    Raises AnswerRejected with a message fit to show the learner.
    """
    cleaned = _clean(value, depth=0)
    total = count_chars(cleaned)
    if total > MAX_ANSWER_CHARS:
        raise AnswerRejected(
            f"This answer is {total:,} characters long, over the limit of "
            f"{MAX_ANSWER_CHARS:,}, so it has not been saved. Your text is still in the "
            "box: please shorten it or split it across answers."
        )
    return cleaned


def _clean(value: Any, depth: int) -> Answer:
    if depth > MAX_DEPTH:
        raise AnswerRejected("This answer is nested too deeply to save.")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_clean(item, depth + 1) for item in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > MAX_KEY_CHARS:
                raise AnswerRejected("This answer has a field name peerkit does not accept.")
            out[clean_text(key)] = _clean(item, depth + 1)
        return out
    raise AnswerRejected("Only text can be saved as an answer.")


def count_chars(value: Any) -> int:
    """The number of characters of text in an answer."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(count_chars(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_chars(v) for v in value)
    return 0


def is_answered(value: Any) -> bool:
    """True when an answer holds any non-blank text."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(is_answered(v) for v in value.values())
    if isinstance(value, list):
        return any(is_answered(v) for v in value)
    return False


def encode(value: Answer) -> str:
    """JSON with every non-ASCII character escaped: safe for any database text column."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True)


def decode(raw: str) -> Answer:
    return json.loads(raw)


def answer_lines(value: Any) -> list[str]:
    """An answer as plain lines of text, for showing it back to the learner."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [line for item in value for line in answer_lines(item)]
    if isinstance(value, dict):
        return [line for item in value.values() for line in answer_lines(item)]
    return []
