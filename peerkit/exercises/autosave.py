"""Debounced autosave: run a save once the learner pauses typing.

In a kernel the timer runs on the kernel's asyncio loop, so saves happen on the
same thread as widget messages. With no running loop (a plain script, a test)
a save waits for ``flush()`` or the process's exit, and runs on the thread that
calls it: never on a thread of its own. Pending saves are flushed at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
import weakref
from collections.abc import Callable

#: Seconds of quiet after the last keystroke before an answer is saved.
AUTOSAVE_DELAY = 0.8

log = logging.getLogger("peerkit")
_pending: weakref.WeakSet[Debouncer] = weakref.WeakSet()


class Debouncer:
    """Calls ``action`` once, ``delay`` seconds after the last ``schedule()``.

    ``before_exit``, if given, runs before a flush at kernel exit (the store uses
    it to stop waiting long for a lock the kernel has no time left to wait for).
    """

    def __init__(
        self,
        action: Callable[[], object],
        delay: float | None = AUTOSAVE_DELAY,
        *,
        before_exit: Callable[[], object] | None = None,
    ) -> None:
        self._action = action
        self.delay = delay
        self.before_exit = before_exit
        self._handle: asyncio.TimerHandle | _Manual | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def schedule(self, after: float | None = None) -> None:
        """(Re)start the countdown: ``after`` seconds if given (0 included), else ``delay``.

        With ``delay=None``, or with no running event loop, nothing runs until
        ``flush()``.
        """
        with self._lock:
            self._cancel_locked()
            _pending.add(self)
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if self.delay is None or loop is None:
                self._handle = _Manual()
                return
            self._handle = loop.call_later(self.delay if after is None else after, self.flush)

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
def flush_all() -> int:
    """Save whatever is still waiting, so text typed just before closing is kept.

    Every pending save is tried, even after one fails; returns how many failed.
    Failures are logged by type only (an error could quote the learner's text).
    """
    failed = 0
    for debouncer in list(_pending):
        try:
            if debouncer.before_exit is not None:
                debouncer.before_exit()
            debouncer.flush()
        except Exception as exc:  # keep going: the next answer must still be saved
            failed += 1
            log.error("An answer could not be saved at exit (%s).", type(exc).__name__)
    return failed
