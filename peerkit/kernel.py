"""What one learner's kernel shares between its pages: the store, and where it runs."""

from __future__ import annotations

import os
from functools import cache

from peerkit.store.backends import open_store
from peerkit.store.protocol import Store


@cache
def shared_store() -> Store:
    """One store per kernel, opened on first use (the hub service's, in a class)."""
    return open_store()


def in_voila() -> bool:
    """True inside a kernel that Voilà started."""
    return "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ
