"""A learner's pages in a class, driven over HTTP and the kernel's websocket as a browser
drives them but without running their JavaScript: signing in (through a spawn), a page and
its kernel, the widgets' state, an exercise's saves. For the class tests and the class
benchmark (bench/classload.py), which runs many of these where Chromiums would not fit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp

from tests.running_class import XSRF_FIELD

CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*<')
PROGRESS = re.compile(r'EventSource\("([^"]+)"\)')
HOME_PAGE = "/voila/render/index.ipynb"
#: The exercises whose fields are all text (a save can put a text in the first).
TEXT_KINDS = frozenset({"peerkit-reflection", "peerkit-multi-box"})


def kernel_message(kind: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "", "session": session,
              "date": "", "version": "5.3"}  # fmt: skip
    return {"header": header, "parent_header": {}, "metadata": metadata or {},
            "content": content, "channel": "shell", "buffers": []}  # fmt: skip


class PageClient:
    """One learner's browser, as HTTP: cookies, six requests at a time at most, and every
    4xx/5xx answer and kernel error noted in `errors` (never raised mid-journey)."""

    def __init__(self, url: str, name: str, password: str, timeout: float = 300) -> None:
        self.url, self.name, self.password = url, name, password
        self.base = f"{url}/user/{name}/"
        self.errors: list[str] = []
        self._timeout, self._gate = aiohttp.ClientTimeout(total=timeout), asyncio.Semaphore(6)
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PageClient:
        jar = aiohttp.CookieJar(unsafe=True)  # the class is on 127.0.0.1
        self.http = aiohttp.ClientSession(cookie_jar=jar, timeout=self._timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.http is not None
        await self.http.close()

    async def fetch(self, url: str, data: Any = None) -> tuple[str, str]:
        """GET (or POST `data` as a form): the body and the address it ended at."""
        assert self.http is not None
        async with self._gate, (self.http.post if data else self.http.get)(url, data=data) as r:
            if r.status >= 400:
                self.errors.append(f"http {r.status} ({url[-80:]})")
            return await r.text(), str(r.url)

    async def sign_in(self, spawned: Callable[[], Awaitable[None]] | None = None) -> str:
        """The hub's login form, then (if the server is not running yet) the spawn page's
        progress events until ready, and its reload: the course home's HTML."""
        assert self.http is not None
        body, _ = await self.fetch(f"{self.url}/hub/login")
        form = {"username": self.name, "password": self.password}
        form["_xsrf"] = XSRF_FIELD.search(body)[1]  # type: ignore[index]
        body, at = await self.fetch(f"{self.url}/hub/login?next=", form)
        if "/spawn-pending/" in at:
            async with self.http.get(self.url + PROGRESS.search(body)[1]) as events:  # type: ignore[index]
                async for line in events.content:
                    if b'"failed": true' in line:
                        raise RuntimeError("the spawn failed")
                    if b'"ready": true' in line:
                        break
            if spawned:
                await spawned()
            body, at = await self.fetch(at)  # the page reloads itself
        if not at.endswith(HOME_PAGE) or "peerkit-home" not in body:
            raise RuntimeError(f"signing in landed on {at[-60:]}")
        return body

    async def page(self, notebook: str) -> str:
        """A page of the course (path under notebooks/): its HTML."""
        return (await self.fetch(f"{self.base}voila/render/{notebook}"))[0]

    async def leave(self, html: str) -> None:
        """What a page does as it goes: ask Voilà to stop its kernel (with the _xsrf cookie
        the template sets)."""
        assert self.http is not None
        xsrf = next(c.value for c in self.http.cookie_jar
                    if c.key == "_xsrf" and c["path"] == f"/user/{self.name}/")  # fmt: skip
        await self.fetch(f"{self.base}voila/api/shutdown/{kernel_id(html)}", {"_xsrf": xsrf})

    @contextlib.asynccontextmanager
    async def kernel(self, html: str) -> AsyncIterator[KernelSocket]:
        """The page's kernel websocket, as its widget manager opens it."""
        assert self.http is not None
        channels = f"{self.base}api/kernels/{kernel_id(html)}/channels".replace("http", "ws", 1)
        async with self.http.ws_connect(channels, headers={"Origin": self.url}) as ws:
            yield KernelSocket(ws, self.errors)


def kernel_id(html: str) -> str:
    return str(json.loads(CONFIG.search(html)[1])["kernelId"])  # type: ignore[index]


class KernelSocket:
    """Comm messages to and from a page's kernel, as ipywidgets and exercise.js send them."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, errors: list[str]) -> None:
        self.ws, self.errors, self.session = ws, errors, uuid.uuid4().hex
        self.view, self.seq = uuid.uuid4().hex, 0  #: as one exercise.js view numbers its saves

    async def send(self, kind: str, content: dict, metadata: dict | None = None) -> None:
        await self.ws.send_json(kernel_message(kind, content, self.session, metadata))

    async def until(self, comm: str, test: Callable[[dict], bool]) -> dict:
        """The next message on that comm passing test; kernel errors are noted."""
        async for frame in self.ws:
            msg = json.loads(frame.data) if frame.type.name == "TEXT" else {}
            kind, content = msg.get("header", {}).get("msg_type"), msg.get("content") or {}
            if kind == "error":
                self.errors.append(f"kernel error: {content.get('ename')}")
            if kind == "comm_msg" and content["comm_id"] == comm and test(content["data"]):
                return dict(content["data"])
        raise ConnectionError("the kernel's websocket closed")

    async def exercises(self) -> dict[str, dict]:
        """Every exercise's widget state by model id, fetched at once as ipywidgets'
        widget manager does (the `jupyter.widget.control` comm's request_states)."""
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        await self.send("comm_open", opening, {"version": "1.0.0"})
        await self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        reply = await self.until(control, lambda d: d.get("method") == "update_states")
        return {model: entry["state"] for model, entry in reply["states"].items()
                if "peerkit-exercise" in entry["state"].get("_dom_classes", ())}  # fmt: skip

    async def save(self, model: str, base: int, value: dict) -> dict:
        """One save as exercise.js sends it once the learner pauses; its acknowledgement."""
        self.seq += 1
        save = {"type": "save", "seq": self.seq, "base": base, "view": self.view, "value": value}
        data = {"method": "custom", "content": save}
        await self.send("comm_msg", {"comm_id": model, "data": data})
        reply = await self.until(model, lambda d: d["content"].get("seq") == save["seq"])
        return dict(reply["content"])
