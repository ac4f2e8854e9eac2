"""Debounced autosave: run a save once the learner pauses typing.

In a kernel the timer runs on the kernel's asyncio loop, so saves happen on the
same thread as widget messages. Without a running loop (plain Python, tests) a
``threading.Timer`` is used. Pending saves are flushed when the kernel exits.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import weakref
from collections.abc import Callable

#: Seconds of quiet after the last keystroke before an answer is saved.
AUTOSAVE_DELAY = 0.8

_pending: weakref.WeakSet[Debouncer] = weakref.WeakSet()


class Debouncer:
    """Calls ``action`` once, ``delay`` seconds after the last ``schedule()``."""

    def __init__(self, action: Callable[[], None], delay: float | None = AUTOSAVE_DELAY) -> None:
        self._action = action
        self.delay = delay
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def schedule(self, after: float | None = None) -> None:
        """(Re)start the countdown (``after`` seconds, default ``delay``).

        With ``delay=None`` nothing runs until ``flush()``.
        """
        with self._lock:
            self._cancel_locked()
            _pending.add(self)
            if self.delay is None:
                self._handle = _Manual()
                return
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                timer = threading.Timer(after or self.delay, self.flush)
                timer.daemon = True
                timer.start()
                self._handle = timer
            else:
                self._handle = loop.call_later(after or self.delay, self.flush)

    def flush(self) -> None:
        """Run the pending action now, if there is one."""
        with self._lock:
            if self._handle is None:
                return
            self._cancel_locked()
        self._action()

    def cancel(self) -> None:
        with self._lock:
            self._cancel_locked()

    def _cancel_locked(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        _pending.discard(self)


class _Manual:
    """A handle for a countdown that only ``flush()`` ends."""

    def cancel(self) -> None:
        pass


@atexit.register
def flush_all() -> None:
    """Save whatever is still waiting, so text typed just before closing is kept."""
    for debouncer in list(_pending):
        debouncer.flush()
