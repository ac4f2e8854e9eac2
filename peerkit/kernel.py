"""What one learner's kernel shares between its pages: the store, and where it runs."""

from __future__ import annotations

import os
from functools import cache

from peerkit.store.answer_store import AnswerStore


@cache
def shared_store() -> AnswerStore:
    """One store per kernel, opened on first use."""
    return AnswerStore()


def in_voila() -> bool:
    """True inside a kernel that Voilà started."""
    return "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ
