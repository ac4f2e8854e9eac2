"""peerkit's Voilà launcher: ready pools, the Voilà internals it checks, its log lines."""

from __future__ import annotations

import asyncio
import logging

import pytest

from peerkit.serve.compat import GUARDED_HANDLERS, VoilaMismatch, check_voila, missing_parts
from peerkit.serve.preheat import NOT_NEEDED
from peerkit.serve.voila_app import (
    CELL_ERROR_MESSAGE,
    CellErrorRedaction,
    log_request,
    ready_pool_factory,
)


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


def test_a_voila_without_the_pools_stops_at_start_up_with_its_version():
    import voila

    class NoPools:
        def __init__(self, *args) -> None:
            pass

    manager_class = ready_pool_factory(lambda base, preheat, *a, **k: NoPools)(object, True, 1)
    with pytest.raises(VoilaMismatch) as info:
        manager_class()
    assert f"({voila.__version__})" in str(info.value)
    assert "_pools" in str(info.value)


def test_the_installed_voila_has_everything_peerkit_uses():
    assert missing_parts(preheat=True) == []
    check_voila()


@pytest.mark.parametrize(
    ("module", "name", "named"),
    [
        ("voila.app", "voila_kernel_manager_factory", "voila.app.voila_kernel_manager_factory"),
        ("voila.app", "MultiStaticFileHandler", "voila.app.MultiStaticFileHandler"),
        ("voila.app", "RequestInfoSocketHandler", "voila.app.RequestInfoSocketHandler"),
        (
            "voila.request_info_handler",
            "RequestInfoSocketHandler",
            "voila.request_info_handler.RequestInfoSocketHandler",
        ),
    ],
)
def test_each_missing_part_is_named(monkeypatch, module, name, named):
    import importlib

    monkeypatch.delattr(importlib.import_module(module), name)
    assert named in missing_parts()
    with pytest.raises(VoilaMismatch, match="installed Voilà"):
        check_voila()


def test_every_guarded_handler_gets_its_guard_and_keeps_its_own_behaviour():
    import types

    import voila.app
    from tornado.websocket import WebSocketHandler

    from peerkit.serve import guards

    module = types.SimpleNamespace(**{name: getattr(voila.app, name) for name in GUARDED_HANDLERS})
    guards.install(module)
    for name in GUARDED_HANDLERS:
        guarded = getattr(module, name)
        assert issubclass(guarded, getattr(voila.app, name)) and guarded.__name__ == name
        assert issubclass(guarded, guards.HostChecked)
        assert issubclass(guarded, guards.OwnKernelsOnly) == issubclass(guarded, WebSocketHandler)
    assert voila.app.MultiStaticFileHandler is not module.MultiStaticFileHandler  # a copy


@pytest.mark.parametrize(
    ("address", "own"),
    [("127.0.0.1", True), ("::1", True), ("127.0.0.5", True), ("10.1.2.3", False), ("", False)],
)
def test_only_this_machines_addresses_reach_the_request_socket(monkeypatch, address, own):
    from peerkit.serve.guards import is_own_address

    monkeypatch.delenv("VOILA_APP_IP", raising=False)
    assert is_own_address(address) is own
    monkeypatch.setenv("VOILA_APP_IP", "10.1.2.3")
    assert is_own_address("10.1.2.3")


def test_a_pre_heating_manager_without_a_method_is_named(monkeypatch):
    import voila.app

    def factory(base_class, preheat_kernel, *args, **kwargs):
        return type("Manager", (), {"get_pool_size": lambda self, nb: 0})

    monkeypatch.setattr(voila.app, "voila_kernel_manager_factory", factory)
    missing = missing_parts()
    assert "the pre-heating kernel manager's get_rendered_notebook" in missing
    assert missing_parts(preheat=False) == []  # --no-preheat does not need it


def test_a_failing_cell_is_logged_by_number_not_contents(caplog):
    logger = logging.getLogger("test-voila-cell-error")
    logger.addFilter(CellErrorRedaction())
    cell = {
        "execution_count": 7,
        "source": "session.reflection('a', 'A?')",
        "outputs": [{"data": {"text/plain": "Textarea(value='CANARY learner text')"}}],
    }
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception(CELL_ERROR_MESSAGE, cell)
    assert caplog.messages == ["Error at server while executing cell [7]"]
    assert "CANARY" not in caplog.text and "boom" in caplog.text  # the traceback stays


def test_request_log_lines_hide_the_token(caplog):
    from types import SimpleNamespace

    request = SimpleNamespace(
        method="GET",
        uri="/voila/render/index.ipynb?token=SECRET-TOKEN",
        remote_ip="127.0.0.1",
        headers={},
        request_time=lambda: 0.01,
    )
    handler = SimpleNamespace(
        get_status=lambda: 403,
        request=request,
        settings={},
        current_user=None,
        log=logging.getLogger("test-voila-requests"),
    )
    with caplog.at_level(logging.INFO):
        log_request(handler)
    assert "403 GET /voila/render/index.ipynb?token=[secret]" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text


def content(name: str) -> dict:
    """What a pool's task gives: the kernel, and its notebook's run (here ended)."""
    run = asyncio.get_running_loop().create_future()
    run.set_result(None)
    return {"kernel_id": f"kernel-{name}", "task": run}


async def settled() -> None:
    """Until the callbacks and releases scheduled so far have run (no timing involved)."""
    for _ in range(5):
        await asyncio.sleep(0)


class FollowingFakeManager(FakeVoilaManager):
    """The fake, plus what following needs: Voilà's config, pools config and fill/shutdown."""

    def __init__(self, pools: dict[str, list], config: dict) -> None:
        super().__init__(pools)
        self.config = config
        self.kernel_pools_config = {name: {"pool_size": 1} for name in pools}
        self.filled: list[str] = []
        self.stopped: list[str] = []

    def fill_if_needed(self, notebook_name: str) -> None:
        self.filled.append(notebook_name)

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.stopped.append(kernel_id)


def test_the_pools_follow_the_learner_to_the_next_session_and_let_the_rest_go():
    from peerkit.serve.warm_pages import SECTION

    pages = ["index.ipynb", "s1.ipynb", "s2.ipynb", "s3.ipynb", "s4.ipynb"]

    async def scenario():
        loop = asyncio.get_running_loop()

        def ready(name: str) -> asyncio.Future:
            future = loop.create_future()
            future.set_result(content(name))
            return future

        starting = loop.create_future()
        pools = {"index.ipynb": [ready("index")], "s1.ipynb": [ready("s1")]}
        pools["s2.ipynb"] = [starting]
        config = {SECTION: {"home": pages[0], "sessions": pages[1:]}}
        manager_class = ready_pool_factory(lambda base, preheat, *a, **k: FollowingFakeManager)(
            object, True, 1
        )
        manager = manager_class(pools, config)
        assert manager.get_pool_size("index.ipynb") == 1  # the home: nothing moves
        assert manager.filled == [] and manager.stopped == []
        manager.get_pool_size("s3.ipynb")  # the learner jumps to session 3
        assert sorted(manager.filled) == ["index.ipynb", "s3.ipynb", "s4.ipynb"]
        sizes = {name: pool["pool_size"] for name, pool in manager.kernel_pools_config.items()}
        assert sizes == {
            "index.ipynb": 1,
            "s1.ipynb": 0,
            "s2.ipynb": 0,
            "s3.ipynb": 1,
            "s4.ipynb": 1,
        }
        await settled()
        assert manager.stopped == ["kernel-s1"]  # s2's is still starting
        starting.set_result(content("s2"))
        await settled()
        assert manager.stopped == ["kernel-s1", "kernel-s2"]  # stopped once started
        assert manager._pools["s1.ipynb"] == manager._pools["s2.ipynb"] == []
        # Each was told first that no learner is coming (its last cell waits for one).
        from voila.request_info_handler import RequestInfoSocketHandler

        told = RequestInfoSocketHandler._cache
        assert told.pop("kernel-s1") == told.pop("kernel-s2") == {NOT_NEEDED: "1"}
        manager.get_pool_size("s3.ipynb")  # asked again: already followed
        assert len(manager.filled) == 3

    asyncio.run(scenario())


def test_a_kernel_handed_to_a_page_is_never_shut_down_by_following():
    from peerkit.serve.warm_pages import SECTION

    async def scenario():
        loop = asyncio.get_running_loop()
        starting = loop.create_future()
        config = {
            SECTION: {"home": "index.ipynb", "sessions": ["s1.ipynb", "s2.ipynb", "s3.ipynb"]}
        }
        manager_class = ready_pool_factory(lambda base, preheat, *a, **k: FollowingFakeManager)(
            object, True, 1
        )
        manager = manager_class({"s1.ipynb": [starting]}, config)
        manager.get_pool_size("s3.ipynb")  # s1 leaves the warm set while still starting
        manager.kernel_pools_config["s1.ipynb"]["pool_size"] = 0
        manager._pools["s1.ipynb"].remove(starting)  # ...and a page took it meanwhile
        starting.set_result(content("s1"))
        await settled()
        assert manager.stopped == []

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("path", "hashed"),
    [
        ("/voila/labextensions/x/static/704.6a820cc839aca480.js", True),
        ("/voila/labextensions/x/static/remoteEntry.c8c9eed2cdefdeac.js", True),
        ("/voila/labextensions/anywidget/static/main.15ebcf03.js", True),
        ("/voila/labextensions/x/static/style.js", False),
        ("/voila/labextensions/x/package.json", False),
        ("/voila/labextensions/x/static/deadbeef.js", False),  # no hash between dots
    ],
)
def test_only_files_named_by_their_content_hash_are_cached_for_good(path, hashed):
    from peerkit.serve.caching import is_hashed

    assert is_hashed(path) is hashed
