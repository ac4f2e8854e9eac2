"""Which store this process uses: the class's hub service, or a database of its own."""

from __future__ import annotations

import os

from peerkit import paths
from peerkit.store.protocol import Store


def open_store() -> Store:
    """The hub service when ``PEERKIT_SERVICE_URL`` is set (a class), else ``AnswerStore``.

    In a class the learner's processes never hold the database's address or
    password: they ask the peerkit hub service, which knows who they are from their
    JupyterHub token (peerkit/hub/client.py).
    """
    if os.environ.get(paths.SERVICE_URL_ENV, "").strip():
        from peerkit.hub.client import ServiceStore

        return ServiceStore.from_environment()
    from peerkit.store.answer_store import AnswerStore

    return AnswerStore()
