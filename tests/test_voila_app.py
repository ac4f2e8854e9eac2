"""peerkit's Voilà launcher: a pool counts only kernels that have started."""

from __future__ import annotations

import asyncio

from peerkit.serve.voila_app import ready_pool_factory


class FakeVoilaManager:
    """What Voilà's pre-heating manager does with its pool, reduced to the parts used."""

    def __init__(self, pools: dict[str, list]) -> None:
        self._pools = pools

    def get_pool_size(self, notebook_name: str) -> int:
        return len(self._pools.get(notebook_name, []))

    async def get_rendered_notebook(self, notebook_name: str):
        return await self._pools[notebook_name].pop(0)


def fake_factory(base_class, preheat_kernel, default_pool_size, page_config_hook=None):
    return FakeVoilaManager if preheat_kernel else base_class


def test_only_started_kernels_count_and_are_handed_out_first():
    async def scenario():
        loop = asyncio.get_running_loop()
        starting, started, failed = loop.create_future(), loop.create_future(), loop.create_future()
        started.set_result("kernel-ready")
        failed.set_exception(RuntimeError("port in use"))
        manager_class = ready_pool_factory(fake_factory)(object, True, 1)
        manager = manager_class({"a.ipynb": [starting, failed, started]})
        assert manager.get_pool_size("a.ipynb") == 1
        assert await manager.get_rendered_notebook("a.ipynb") == "kernel-ready"
        assert manager.get_pool_size("a.ipynb") == 0  # only the one still starting is left
        assert manager.get_pool_size("b.ipynb") == 0
        failed.exception()  # retrieved: no "never retrieved" warning
        starting.cancel()

    asyncio.run(scenario())


def test_without_pre_heating_the_manager_is_left_alone():
    assert ready_pool_factory(fake_factory)(dict, False, 0) is dict
