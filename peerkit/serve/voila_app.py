"""Voilà as ``peerkit serve`` runs it: a pre-heated kernel is used only once it is ready.

Voilà (0.5) counts a kernel that is still being started for the pool as available: a
page asked for in the seconds after the pool was used waits for that kernel to start
and run its notebook (longer than starting a fresh one), and if that kernel failed
to start, the page fails. Here the pool counts only kernels that have started, so
such a page is served like any page without a pre-heated kernel. That also lets the
refill wait until the page that used the kernel has loaded (``fill_delay``), instead
of competing with it for the processor.

Run as ``python -m peerkit.serve.voila_app`` with Voilà's own arguments.
"""

from __future__ import annotations

import asyncio
from typing import Any


def _ready(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def ready_pool_factory(original: Any) -> Any:
    """Wrap Voilà's kernel-manager factory so that its pools count only ready kernels."""

    def factory(base_class: Any, preheat_kernel: bool, *args: Any, **kwargs: Any) -> Any:
        manager = original(base_class, preheat_kernel, *args, **kwargs)
        if not preheat_kernel:
            return manager

        class ReadyPoolKernelManager(manager):
            def get_pool_size(self, notebook_name: str) -> int:
                return sum(1 for task in self._pools.get(notebook_name, []) if _ready(task))

            async def get_rendered_notebook(self, notebook_name: str, *a: Any, **kw: Any):
                # Voilà takes the first kernel in the pool: make it a ready one.
                self._pools.get(notebook_name, []).sort(key=lambda task: not _ready(task))
                return await super().get_rendered_notebook(notebook_name, *a, **kw)

        return ReadyPoolKernelManager

    return factory


def main() -> None:
    from voila import app

    app.voila_kernel_manager_factory = ready_pool_factory(app.voila_kernel_manager_factory)
    app.main()


if __name__ == "__main__":
    main()
