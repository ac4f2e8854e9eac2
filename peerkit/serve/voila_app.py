"""Voilà as ``peerkit serve`` runs it: a pre-heated kernel is used only once it is ready.

Voilà (0.5) counts a kernel that is still being started for the pool as available: a
page asked for in the seconds after the pool was used waits for that kernel to start
and run its notebook (longer than starting a fresh one), and if that kernel failed
to start, the page fails. Here the pool counts only kernels that have started, so
such a page is served like any page without a pre-heated kernel. That also lets the
refill wait until the page that used the kernel has loaded (``fill_delay``), instead
of competing with it for the processor.

The pools also follow the learner: three pages keep a pre-heated kernel, chosen by
where the learner is (peerkit/serve/warm_pages.py says which and why).

More happens here, before Voilà starts: the Voilà internals used here and in
peerkit/serve/preheat.py are checked (peerkit/serve/compat.py), Voilà's handlers
without a Host check of their own get one (peerkit/serve/guards.py), the widget front
end's hashed files are served immutable (peerkit/serve/caching.py), the page templates
are compiled once, not for every page (peerkit/serve/template_cache.py), and Voilà's log
line for a failing cell is kept from printing the cell (its outputs can hold a
learner's answers in a widget's text form).

Run as ``python -m peerkit.serve.voila_app`` with Voilà's own arguments; ``peerkit
serve`` passes only ``--Voila.config_file_paths`` (the generated configuration).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Mapping
from typing import Any

from peerkit.serve.compat import VoilaMismatch, check_voila, mismatch_message
from peerkit.serve.preheat import NOT_NEEDED
from peerkit.serve.warm_pages import preheat_plan

#: How long a released pre-heated kernel gets to finish its notebook before it is stopped.
RELEASE_SECONDS = 30.0

#: Voilà's message when a cell fails; its argument is the whole cell, outputs included.
CELL_ERROR_MESSAGE = "Error at server while executing cell: %r"


def _ready(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def ready_pool_factory(original: Any) -> Any:
    """Wrap Voilà's kernel-manager factory so that its pools count only ready kernels."""

    def factory(base_class: Any, preheat_kernel: bool, *args: Any, **kwargs: Any) -> Any:
        manager: Any = original(base_class, preheat_kernel, *args, **kwargs)
        if not preheat_kernel:
            return manager

        class ReadyPoolKernelManager(manager):
            def __init__(self, *a: Any, **kw: Any) -> None:
                self._page: str | None = None  # where the learner is (None: not yet)
                self._last_session: str | None = None
                self._stopping: set[asyncio.Future[Any]] = set()
                super().__init__(*a, **kw)
                if not isinstance(getattr(self, "_pools", None), dict):
                    raise VoilaMismatch(
                        mismatch_message(["the pre-heating kernel manager's _pools"])
                    )

            def get_pool_size(self, notebook_name: str) -> int:
                # Voilà's page handler asks this first, once for each page asked for.
                self._follow(notebook_name)
                return sum(1 for task in self._pools.get(notebook_name, []) if _ready(task))

            def _follow(self, notebook_name: str) -> None:
                """Keep pre-heated the pages a learner on ``notebook_name`` opens next."""
                plan = preheat_plan(getattr(self, "config", {}))
                before = plan.warm(self._page, self._last_session)
                if notebook_name not in plan.pages():
                    return
                self._page = notebook_name
                if notebook_name in plan.sessions:
                    self._last_session = notebook_name
                warm = plan.warm(self._page, self._last_session)
                if warm == before:
                    return
                pools_config = getattr(self, "kernel_pools_config", {})
                for name in [*plan.pages(), *self._pools]:
                    pools_config[name] = {
                        **pools_config.get(name, {}),
                        "pool_size": int(name in warm),
                    }
                for name in plan.pages():
                    if name in warm:
                        self.fill_if_needed(notebook_name=name)
                    else:
                        for task in list(self._pools.get(name, [])):
                            task.add_done_callback(lambda t, n=name: self._drop(n, t))

            def _drop(self, notebook_name: str, task: asyncio.Future[Any]) -> None:
                """Let a pre-heated kernel go whose page is no longer likely to be opened."""
                pool = self._pools.get(notebook_name, [])
                if not _ready(task) or task not in pool:  # failed, or handed to a page
                    return
                if self.kernel_pools_config.get(notebook_name, {}).get("pool_size"):
                    return  # back in the warm set meanwhile
                pool.remove(task)  # no page can be given it from now on
                stopping = asyncio.ensure_future(self._release(task.result()))
                self._stopping.add(stopping)
                stopping.add_done_callback(self._stopping.discard)

            async def _release(self, content: dict[str, Any]) -> None:
                """Tell the kernel no learner is coming, let its notebook end, shut it down.

                Shut down while its last cell waits for the learner, the kernel would
                die mid-cell and fill the log with errors.
                """
                from voila.request_info_handler import RequestInfoSocketHandler

                kernel_id = content["kernel_id"]
                RequestInfoSocketHandler.send_updates(
                    {"kernel_id": kernel_id, "payload": {NOT_NEEDED: "1"}}
                )
                with contextlib.suppress(Exception):  # ended, failed or slow: stop it anyway
                    await asyncio.wait_for(asyncio.shield(content["task"]), RELEASE_SECONDS)
                await self.shutdown_kernel(kernel_id)

            async def get_rendered_notebook(self, notebook_name: str, *a: Any, **kw: Any):
                # Voilà takes the first kernel in the pool: make it a ready one.
                self._pools.get(notebook_name, []).sort(key=lambda task: not _ready(task))
                return await super().get_rendered_notebook(notebook_name, *a, **kw)

        return ReadyPoolKernelManager

    return factory


class CellErrorRedaction(logging.Filter):
    """Log a failing cell by its number, not its contents (the traceback is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == CELL_ERROR_MESSAGE and record.args:
            # logging unwraps a lone mapping argument (the cell is a dict) from its tuple.
            args = record.args
            cell = args if isinstance(args, Mapping) else args[0]
            number = cell.get("execution_count") if isinstance(cell, Mapping) else None
            record.msg = "Error at server while executing cell [%s]"
            record.args = (number if number is not None else "?",)
        return True


def log_request(handler: Any) -> None:
    """jupyter_server's request log line: tokens in addresses shown as ``[secret]``.

    Voilà leaves tornado's own, which prints a refused request's address, token and all.
    """
    from jupyter_server.log import log_request as jupyter_log_request

    jupyter_log_request(handler, record_prometheus_metrics=False)


def main() -> None:
    from voila import app

    try:
        # peerkit/serve/prepare.py has checked the pre-heating parts too, when they are used.
        check_voila(preheat=False)
    except VoilaMismatch as exc:
        sys.exit(str(exc))
    # Voilà's renderer logs through the application's logger ("Voila"), or traitlets'
    # before there is one; a filter on the logger sees every record made there.
    for name in ("Voila", "traitlets"):
        logging.getLogger(name).addFilter(CellErrorRedaction())
    app.voila_kernel_manager_factory = ready_pool_factory(app.voila_kernel_manager_factory)
    from peerkit.serve import caching, guards, template_cache

    guards.install(app)
    caching.install(app)
    template_cache.install()
    try:
        app.main()
    except VoilaMismatch as exc:
        sys.exit(str(exc))


if __name__ == "__main__":
    main()
