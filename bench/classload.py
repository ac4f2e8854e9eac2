"""A class under load: its learners sign in to a real class (JupyterHub, node's proxy, the
peerkit service, PostgreSQL) and open the same session within a few seconds, a few in real
browsers, the rest as HTTP clients doing what a page does (bench/README.md, "class")."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from . import common, pages
from .common import log, summary

SESSION_PAGE = "module1/01-introduction.ipynb"
SESSION = "m1s1"
HOME_READY = ".peerkit-home"
#: Every exercise drawn: each has its status line (tests/classroom/test_class_browser.py).
SESSION_READY = "n => document.querySelectorAll('.peerkit-exercise .peerkit-status').length >= n"
TEXT_KINDS = ("peerkit-reflection", "peerkit-multi-box")  # exercises whose fields are text
CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*<')
PROGRESS = re.compile(r'EventSource\("([^"]+)"\)')
XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')
SPAWN_LOG = re.compile(r"User (\S+) took ([\d.]+) seconds to start")
TIMEOUT_S = 300
#: The spawn-pending page's event stream, cut off as that page moves on: not an error.
ABORTED_PROGRESS = re.compile(r"net::ERR_ABORTED \(\S+/hub/api/users/[^/]+/server/progress")
#: When the learner last typed (Date.now() is this machine's clock, as time.time() is).
LAST_INPUT = "document.addEventListener('input', () => { window.__lastInput = Date.now(); }, true);"
WARM_UP = "warmup"  # a learner who goes through alone first, in a browser
#: The control comm ipywidgets' front end opens to fetch every widget's state at once.
CONTROL = {"target_name": "jupyter.widget.control", "version": "1.0.0"}


def exercises_in_session() -> int:
    nb = json.loads((common.ROOT / "notebooks" / SESSION_PAGE).read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return sum(src.lstrip().startswith("session.") for src in code)


def stats(values: list[float | None], scale: float = 1.0) -> dict[str, Any]:
    """common.summary plus p95."""
    out = summary(values, scale)
    data = sorted(v * scale for v in values if v is not None)
    if len(data) > 1:
        out["p95"] = round(statistics.quantiles(data, n=100, method="inclusive")[94], 1)
    elif data:
        out["p95"] = round(data[0], 1)
    return out


# --- processes, from /proc ------------------------------------------------------------


def learner_servers() -> dict[str, psutil.Process]:
    """Each learner's jupyterhub-singleuser process, by JUPYTERHUB_USER."""
    found = {}
    for proc in psutil.process_iter(["cmdline"]):
        if any("jupyterhub-singleuser" in part for part in proc.info["cmdline"] or ()):
            with contextlib.suppress(psutil.Error):
                found[proc.environ().get("JUPYTERHUB_USER", "?")] = proc
    return found


def tree(proc: psutil.Process) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return [proc, *proc.children(recursive=True)]
    return []


def server_cpu(proc: psutil.Process) -> dict[str, float]:
    """CPU seconds of a learner's server, its kernels (live, and exited ones it reaped)."""
    try:
        own = proc.cpu_times()
        live = common.cpu_seconds(proc.children(recursive=True))
    except psutil.Error:
        return {"server": 0.0, "kernels": 0.0}
    return {
        "server": own.user + own.system,
        "kernels": live + own.children_user + own.children_system,
    }


def rss_mb(procs: list[psutil.Process]) -> float:
    return round(sum(m.rss for m in common.read(procs, "memory_info")) / 2**20, 1)


def infrastructure(classroom: Any) -> dict[str, list[psutil.Process]]:
    """The hub, its proxy and idle culler, the service and PostgreSQL (no learner servers)."""
    hub = psutil.Process(classroom.hub.pid)
    kids = [p for p in hub.children() if "jupyterhub-singleuser" not in common.name(p)]
    pid_file = classroom.postgres.data / "postmaster.pid"
    postgres = psutil.Process(int(pid_file.read_text().split()[0]))
    return {
        "hub": [hub],
        "proxy": [p for p in kids if "configurable-http-proxy" in common.name(p)],
        "idle_culler": [p for p in kids if "idle_culler" in common.name(p)],
        "service": tree(psutil.Process(classroom.service.pid)),
        "postgres": tree(postgres),
    }


# --- when each save is in PostgreSQL -------------------------------------------------


class Durability:
    """Polls PostgreSQL (as the tables' owner, for each learner in turn: row-level security)
    for each expected save until its row is visible; from outside the service."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.pending: dict[str, tuple[str, float]] = {}  # marker: (learner, reference time)
        self.found: dict[str, dict[str, float]] = {}
        self.lock, self.wake, self.done = threading.Lock(), threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def expect(self, marker: str, learner: str, since: float) -> None:
        with self.lock:
            self.pending[marker] = (learner, since)
        self.wake.set()

    def seen(self, marker: str, timeout: float) -> dict[str, float] | None:
        deadline = time.time() + timeout
        while marker not in self.found and time.time() < deadline:
            common.pause(0.005)
        return self.found.get(marker)

    def _run(self) -> None:
        import psycopg

        query = "SELECT saved_at FROM answer_revisions WHERE learner = %s AND session = %s "
        query += "AND value LIKE %s ORDER BY id DESC LIMIT 1"
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.is_set():
                with self.lock:
                    todo = list(self.pending.items())
                for marker, (learner, since) in todo:
                    conn.execute("SELECT set_config('peerkit.learner', %s, false)", (learner,))
                    row = conn.execute(query, (learner, SESSION, f"%{marker}%")).fetchone()
                    if row:
                        now = time.time()
                        with self.lock:
                            del self.pending[marker]
                        saved_at = row[0].timestamp()
                        self.found[marker] = {"seen": now - since, "saved_at": saved_at - since}
                if not todo:
                    self.wake.wait(0.5)
                    self.wake.clear()
                else:
                    common.pause(0.002)

    def __enter__(self) -> Durability:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.wake.set()
        self.thread.join(10)


# --- one learner's journey -------------------------------------------------------------


@dataclass
class Journey:
    """One learner's way in: marks in s from arriving at /hub/login, saves, errors."""

    name: str
    kind: str  # "browser" or "http"
    start: float = 0.0
    marks: dict[str, float] = field(default_factory=dict)
    saves: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kernel_stderr: list[str] = field(default_factory=list)  #: warnings, not page errors
    cpu_at_spawn: dict[str, float] | None = None
    pages: int = 0

    def mark(self, what: str) -> None:
        self.marks[what] = round(time.time() - self.start, 3)

    def to_session(self) -> float | None:
        return self.marks.get("session")

    def session_page(self) -> float | None:
        if "session" in self.marks and "home" in self.marks:
            return round(self.marks["session"] - self.marks["home"], 3)
        return None


@dataclass
class Load:
    """What every journey shares: the class, what to do, and where to record it."""

    url: str
    passwords: dict[str, str]
    exercises: int
    saves: int
    durability: Durability
    assets: dict[str, list[str]] = field(default_factory=lambda: {"home": [], "session": []})
    count: int = 1  #: journeys in this run
    hold: asyncio.Event = field(default_factory=asyncio.Event)  #: pages stay open until set
    everyone: asyncio.Event = field(default_factory=asyncio.Event)  #: all have done their part
    done: set[str] = field(default_factory=set)

    def leave(self, journey: Journey) -> None:
        """This journey has done its part (or failed); its page stays open until `hold`."""
        self.done.add(journey.name)
        if len(self.done) >= self.count:
            self.everyone.set()

    def assets_for(self, phase: str) -> list[str]:
        """What the browser fetched for that page (the session's: what its cache lacked)."""
        seen = set(self.assets["home"]) if phase == "session" else set()
        return list(dict.fromkeys(p for p in self.assets[phase] if p not in seen))

    def page(self, name: str, notebook: str) -> str:
        return f"{self.url}/user/{name}/voila/render/{notebook}"


async def snapshot_cpu(journey: Journey) -> None:
    server = (await asyncio.to_thread(learner_servers)).get(journey.name)
    journey.cpu_at_spawn = server_cpu(server) if server else None


async def browser_learner(browser: Any, load: Load, journey: Journey) -> None:
    """The whole journey in a Chromium context: sign in, the home, the session, typing."""
    name, problems = journey.name, pages.Problems()
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    await context.add_init_script(LAST_INPUT)
    phase = ["home"]
    prefix = f"{load.url}/user/{name}/"

    def record(response: Any) -> None:  # what this page fetched from the learner's server
        url, request = response.url, response.request
        wanted = url.startswith(prefix) and request.method == "GET" and response.status < 400
        if wanted and request.resource_type != "document" and "/api/kernels/" not in url:
            load.assets[phase[0]].append(url.removeprefix(prefix))

    page = None
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        problems.watch(page)
        page.on("response", record)
        await page.goto(f"{load.url}/hub/login")
        journey.mark("login_page")
        await page.fill("#username_input", name)
        await page.fill("#password_input", load.passwords[name])
        await page.click("#login_submit")
        journey.mark("submitted")
        await page.wait_for_url(re.compile(f"/user/{name}/"), wait_until="commit")
        journey.mark("spawned")
        await snapshot_cpu(journey)
        await page.wait_for_selector(HOME_READY)
        journey.mark("home")
        journey.pages += 1
        phase[0] = "session"
        await page.goto(load.page(name, SESSION_PAGE), wait_until="commit")
        await page.wait_for_function(SESSION_READY, arg=load.exercises, polling=50)
        journey.mark("session")
        journey.pages += 1
        box = page.locator(".peerkit-exercise textarea").first
        for index in range(load.saves):
            marker = f"{name} save {index} {uuid.uuid4().hex[:8]}"
            await box.click()
            await page.keyboard.press("Control+End")
            await box.press_sequentially(f" {marker}.", delay=60)  # ~100 words a minute
            last = await page.evaluate("window.__lastInput") / 1000  # the page's clock is ours
            typed = last + common.AUTOSAVE_DELAY
            load.durability.expect(marker, name, typed)
            found = await asyncio.to_thread(load.durability.seen, marker, 60.0)
            journey.saves.append({"marker": marker, **(found or {})})
        load.leave(journey)
        await load.hold.wait()
    except Exception as exc:  # a page that never became usable
        journey.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        journey.errors.extend(e for e in problems.errors if not ABORTED_PROGRESS.match(e))
        if page is not None:
            with contextlib.suppress(Exception):
                await page.close(run_before_unload=True)
        await context.close()


def kernel_message(kind: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "", "session": session,
              "date": "", "version": "5.3"}  # fmt: skip
    return {"header": header, "parent_header": {}, "metadata": metadata or {},
            "content": content, "channel": "shell", "buffers": []}  # fmt: skip


class Page:
    """What the HTTP client keeps of a page: its kernel's websocket and the widgets' state."""

    def __init__(self, ws: Any, journey: Journey) -> None:
        self.ws, self.journey, self.session = ws, journey, uuid.uuid4().hex
        self.known: dict[str, str] = {}  #: comm ids, named in the kernel's warnings

    async def send(self, kind: str, content: dict, metadata: dict | None = None) -> None:
        await self.ws.send_json(kernel_message(kind, content, self.session, metadata))

    async def until(self, comm_id: str, test: Any) -> dict:
        """The next message on that comm passing test; kernel errors on the way are noted."""
        async for frame in self.ws:
            if frame.type.name != "TEXT":
                continue
            msg = json.loads(frame.data)
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "error":
                self.journey.errors.append(f"kernel error: {content.get('ename')}")
            elif kind == "stream" and content.get("name") == "stderr":
                text = str(content.get("text", ""))[:120]
                for known, label in self.known.items():
                    text = text.replace(known, label)
                self.journey.kernel_stderr.append(text)
            if kind == "comm_msg" and content.get("comm_id") == comm_id and test(content["data"]):
                return content["data"]
        raise ConnectionError("the kernel's websocket closed")


async def fetch(session: Any, url: str, journey: Journey, data: Any = None) -> tuple[str, str]:
    method = session.post if data is not None else session.get
    async with method(url, data=data) as response:
        body = await response.text()
        if response.status >= 400:
            journey.errors.append(f"http {response.status} ({url[-80:]})")
        return body, str(response.url)


async def replay(session: Any, base: str, paths: list[str], journey: Journey) -> None:
    """GET what the browser fetched for the same page, six at a time, as a browser does."""
    gate = asyncio.Semaphore(6)

    async def one(path: str) -> None:
        async with gate, session.get(base + path) as response:
            await response.read()
            if response.status >= 400:
                journey.errors.append(f"http {response.status} ({path[-80:]})")

    await asyncio.gather(*(one(p) for p in paths))


async def http_learner(load: Load, journey: Journey) -> None:
    """What a page does, over HTTP and the kernel's websocket: sign in (following the spawn's
    progress events), the home page, its kernel stopped on leaving, the session page, its
    widgets' state, then saves as the exercise view sends them, each waiting for its ack."""
    import aiohttp

    name = journey.name
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    jar = aiohttp.CookieJar(unsafe=True)
    base = f"{load.url}/user/{name}/"
    try:
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as http:
            body, _ = await fetch(http, f"{load.url}/hub/login", journey)
            journey.mark("login_page")
            form = {"username": name, "password": load.passwords[name]}
            form["_xsrf"] = XSRF_FIELD.search(body)[1]  # type: ignore[index]
            body, at = await fetch(http, f"{load.url}/hub/login?next=", journey, form)
            journey.mark("submitted")
            if "/spawn-pending/" in at:  # the page follows the spawn's progress events
                progress = PROGRESS.search(body)[1]  # type: ignore[index]
                async with http.get(load.url + progress) as events:
                    async for line in events.content:
                        if b'"failed": true' in line:
                            raise RuntimeError("the spawn failed")
                        if b'"ready": true' in line:
                            break
                journey.mark("spawned")
                await snapshot_cpu(journey)
                body, at = await fetch(http, at, journey)  # the page reloads itself
            if not at.endswith("/voila/render/index.ipynb") or "peerkit-home" not in body:
                raise RuntimeError(f"signing in landed on {at[-60:]}")
            home_kernel = json.loads(CONFIG.search(body)[1])["kernelId"]  # type: ignore[index]
            await replay(http, base, load.assets_for("home"), journey)
            journey.mark("home")
            journey.pages += 1
            # Leaving the home: the page's beacon stops its kernel (the template's _xsrf cookie).
            xsrf = next(c.value for c in jar if c.key == "_xsrf" and c["path"] == f"/user/{name}/")
            await fetch(http, f"{base}voila/api/shutdown/{home_kernel}", journey, {"_xsrf": xsrf})
            body, _ = await fetch(http, load.page(name, SESSION_PAGE), journey)
            journey.mark("session_html")
            kernel = json.loads(CONFIG.search(body)[1])["kernelId"]  # type: ignore[index]
            await replay(http, base, load.assets_for("session"), journey)
            channels = f"{base}api/kernels/{kernel}/channels".replace("http", "ws", 1)
            async with http.ws_connect(channels, headers={"Origin": load.url}) as ws:
                page = Page(ws, journey)
                control = uuid.uuid4().hex
                page.known[control] = "<control comm>"
                opening = {"comm_id": control, "target_name": CONTROL["target_name"], "data": {}}
                await page.send("comm_open", opening, {"version": CONTROL["version"]})
                await page.send(
                    "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}
                )
                reply = await page.until(control, lambda d: d.get("method") == "update_states")
                views = {
                    model: entry["state"]
                    for model, entry in reply["states"].items()
                    if "peerkit-exercise" in entry["state"].get("_dom_classes", ())
                }
                page.known.update({m: "<an exercise>" for m in views})
                page.known.update({m: "<a widget>" for m in reply["states"] if m not in views})
                if len(views) < load.exercises:
                    raise RuntimeError(f"{len(views)} of {load.exercises} exercises")
                journey.mark("session")
                journey.pages += 1
                await saves(page, load, views)
                load.leave(journey)
                await load.hold.wait()
    except Exception as exc:
        journey.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")


def acknowledges(data: dict, seq: int) -> bool:
    return data.get("method") == "custom" and data["content"].get("seq") == seq


async def saves(page: Page, load: Load, views: dict[str, dict]) -> None:
    """Edits to the text exercises in turn, as exercise.js sends them once the learner
    pauses (the debounce), each ~0.8 s of typing after the last was acknowledged."""
    texts = [m for m, s in views.items() if set(TEXT_KINDS) & set(s["_dom_classes"])]
    base = {m: views[m].get("revision") or 0 for m in texts}
    view, journey = uuid.uuid4().hex, page.journey
    for index in range(load.saves):
        model = texts[index % len(texts)]
        value = dict(views[model]["values"])
        marker = f"{journey.name} save {index} {uuid.uuid4().hex[:8]}"
        value[next(iter(value))] = marker
        content = {"type": "save", "seq": index + 1, "base": base[model], "view": view,
                   "value": value}  # fmt: skip
        sent = time.time()
        load.durability.expect(marker, journey.name, sent)
        await page.send(
            "comm_msg", {"comm_id": model, "data": {"method": "custom", "content": content}}
        )
        reply = await page.until(model, lambda d, seq=index + 1: acknowledges(d, seq))
        acked = time.time() - sent
        if reply["content"].get("type") != "saved":
            journey.errors.append(f"save {reply['content'].get('type')}")
        base[model] = reply["content"].get("revision", base[model])
        found = await asyncio.to_thread(load.durability.seen, marker, 60.0)
        journey.saves.append({"marker": marker, "ack": acked, **(found or {})})
        await asyncio.sleep(common.AUTOSAVE_DELAY)  # the learner types on


# --- the run ------------------------------------------------------------------------


@contextlib.contextmanager
def class_environment() -> Iterator[None]:
    """The class's processes inherit this one's environment: not the bench's own store."""
    drop = ("PEERKIT_DATABASE_URL", "PEERKIT_LEARNER", "XDG_DATA_HOME")
    kept = {k: os.environ.pop(k) for k in drop if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(kept)


async def journeys(
    load: Load, names: list[str], browsers: set[str], spread: float, sample: Callable[[], Any]
) -> tuple[list[Journey], Any]:
    """Every learner arrives at /hub/login, spread evenly over `spread` s. Once all have
    done their part, sample() runs with every page still open; then the pages close."""
    found = [Journey(n, "browser" if n in browsers else "http") for n in names]
    load.count = len(found)
    async with pages.chromium() as browser:

        async def one(index: int, journey: Journey) -> None:
            await asyncio.sleep(spread * index / max(len(found) - 1, 1))  # the arrival
            journey.start = time.time()
            try:
                if journey.kind == "browser":
                    await browser_learner(browser, load, journey)
                else:
                    await http_learner(load, journey)
            finally:
                load.leave(journey)

        async def sampled() -> Any:
            await load.everyone.wait()
            try:
                return await asyncio.to_thread(sample)
            finally:
                load.hold.set()

        *_, taken = await asyncio.gather(*(one(i, j) for i, j in enumerate(found)), sampled())
    return found, taken


def run_class(work: Path, size: dict[str, int]) -> dict[str, Any]:
    """Start a class of size["class"] learners, a warm-up learner alone, then everyone."""
    from peerkit.hub.classroom import Classroom
    from peerkit.hub.hub_config import ClassPlan
    from tests.running_class import ADMIN_SERVICE, RunningClass, free_port

    count, spread = size["class"], size["class_spread"]
    names = [f"learner{i:02d}" for i in range(1, count + 1)]
    step = max(count // size["browsers"], 1)
    browsers = set(names[::step][: size["browsers"]])
    base_dir = "/var/tmp" if os.geteuid() == 0 else None  # PostgreSQL's user must reach it
    folder = Path(tempfile.mkdtemp(prefix="bench-class-", dir=base_dir))
    admin = uuid.uuid4().hex + uuid.uuid4().hex
    plan = ClassPlan(
        folder, port=free_port(), hub_port=free_port(), proxy_api_port=free_port(),
        service_port=free_port(), learners=(WARM_UP, *names), facilitators=("fran",),
        extra_services=({"name": ADMIN_SERVICE, "api_token": admin},),
        extra_roles=({"name": ADMIN_SERVICE, "scopes": ["admin:servers", "read:users"],
                      "services": [ADMIN_SERVICE]},),
    )  # fmt: skip
    classroom = Classroom(plan)
    out: dict[str, Any] = {"learners": count, "browsers": len(browsers), "spread_s": spread}
    try:
        with class_environment():
            started = time.perf_counter()
            classroom.start()
        out["class_start_s"] = round(time.perf_counter() - started, 1)
        log(f"class: started in {out['class_start_s']} s; a warm-up learner alone")
        running = RunningClass(classroom, admin)
        out.update(measure(classroom, running, names, browsers, spread, size))
    finally:
        classroom.stop()
        shutil.copytree(folder / "logs", work / "logs" / "class", dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    return out


def measure(classroom: Any, rc: Any, names: list[str], browsers: set[str], spread: float,
            size: dict[str, int]) -> dict[str, Any]:  # fmt: skip
    exercises = exercises_in_session()

    def sample() -> dict[str, Any]:
        """Each learner's server tree, its RSS, PSS and CPU so far; the rest's RSS and CPU."""
        servers = learner_servers()
        trees = {n: tree(servers[n]) for n in names if n in servers}
        return {
            "rss": {n: rss_mb(p) for n, p in trees.items()},
            "server_rss": {n: rss_mb(p[:1]) for n, p in trees.items()},
            "pss": {n: common.memory(p)["pss_mb"] for n, p in trees.items()},
            "processes": {n: len(p) for n, p in trees.items()},
            "cpu": {n: server_cpu(servers[n]) for n in trees},
            "infra_rss": {k: rss_mb(v) for k, v in infra.items()},
            "infra_cpu": {k: common.cpu_seconds(v) for k, v in infra.items()},
        }

    with Durability(classroom.postgres.url("peerkit_owner")) as durability:
        load = Load(rc.plan.url, classroom.passwords(), exercises, size["class_saves"], durability)
        alone = asyncio.run(journeys(load, [WARM_UP], {WARM_UP}, 0.0, dict))[0][0]
        stopped, _ = rc.call("DELETE", f"/hub/api/users/{WARM_UP}/server", rc.admin_token)
        deadline = time.time() + 60
        while WARM_UP in learner_servers() and time.time() < deadline:
            common.pause(0.2)
        infra = infrastructure(classroom)
        before = {"rss": {k: rss_mb(v) for k, v in infra.items()},
                  "cpu": {k: common.cpu_seconds(v) for k, v in infra.items()}}  # fmt: skip
        load = Load(rc.plan.url, load.passwords, exercises, load.saves, durability, load.assets)
        log(f"class: {len(names)} learners ({len(browsers)} in browsers) over {spread} s")
        t0 = time.perf_counter()
        found, at = asyncio.run(journeys(load, names, browsers, spread, sample))
        elapsed = time.perf_counter() - t0
    return summarise(classroom, found, alone, at, before, names) | {
        "elapsed_s": round(elapsed, 1),
        "warm_up_stopped": stopped,
        "replayed_requests": {k: len(load.assets_for(k)) for k in load.assets},
    }


def summarise(classroom: Any, found: list[Journey], alone: Journey, at: dict[str, Any],
              before: dict[str, Any], names: list[str]) -> dict[str, Any]:  # fmt: skip
    """The figures of one run, each as the issue's goals name them."""
    per_page: dict[str, list[float]] = {"all": [], "server": [], "kernels": []}
    spawn_cpu = []
    for j in found:
        if j.name in at["cpu"] and j.cpu_at_spawn and j.pages:
            now, then = at["cpu"][j.name], j.cpu_at_spawn
            for part in ("server", "kernels"):
                per_page[part].append((now[part] - then[part]) / j.pages)
            per_page["all"].append((sum(now.values()) - sum(then.values())) / j.pages)
            spawn_cpu.append(sum(then.values()))
    hub_log = (classroom.logs_dir / "hub.log").read_text(errors="replace")
    spawns = {n: float(s) for n, s in SPAWN_LOG.findall(hub_log) if n in names}
    errors = [f"{j.name}: {e}" for j in found for e in j.errors]
    kinds = ("all", "browser", "http")

    def by_kind(value: Callable[[Journey], float | None]) -> dict[str, Any]:
        return {k: stats([value(j) for j in found if k in (j.kind, "all")]) for k in kinds}

    def saved(key: str, kind: str = "all") -> list[float | None]:
        return [s.get(key) for j in found if kind in (j.kind, "all") for s in j.saves]

    return {
        "usable": sum(1 for j in found if "session" in j.marks and not j.errors),
        "errors": len(errors),
        "error_examples": errors[:5],
        "kernel_stderr": sum(len(j.kernel_stderr) for j in found),
        "kernel_stderr_examples": sorted({t for j in found for t in j.kernel_stderr})[:5],
        "alone": alone.marks,
        "to_home_s": by_kind(lambda j: j.marks.get("home")),
        "to_session_s": by_kind(Journey.to_session),
        "session_page_s": by_kind(Journey.session_page),
        "to_spawned_s": by_kind(lambda j: j.marks.get("spawned")),
        "spawn_s": stats(list(spawns.values())),
        "durable_after_debounce_ms": {k: stats(saved("seen", k), 1000) for k in kinds},
        "saved_at_after_debounce_ms": {k: stats(saved("saved_at", k), 1000) for k in kinds},
        "ack_ms": stats(saved("ack", "http"), 1000),
        "saves": len(saved("marker")),
        "saves_not_seen": sum(v is None for v in saved("seen")),
        "memory": {
            "per_learner_rss_mb": stats(list(at["rss"].values())),
            "per_learner_pss_mb": stats(list(at["pss"].values())),
            "server_alone_rss_mb": stats(list(at["server_rss"].values())),
            "processes_per_learner": stats(list(at["processes"].values())),
            "infrastructure_rss_mb": at["infra_rss"],
            "infrastructure_rss_mb_before": before["rss"],
            "infrastructure_total_rss_mb": round(sum(at["infra_rss"].values()), 1),
        },
        "cpu": {
            "per_page_s": stats(per_page["all"]),
            "per_page_server_s": stats(per_page["server"]),
            "per_page_kernels_s": stats(per_page["kernels"]),
            "spawn_s": stats(spawn_cpu),
            "learner_servers_s": round(sum(c["server"] for c in at["cpu"].values()), 1),
            "learner_kernels_s": round(sum(c["kernels"] for c in at["cpu"].values()), 1),
            "infrastructure_s": {
                k: round(v - before["cpu"][k], 1) for k, v in at["infra_cpu"].items()
            },
        },
        "loadavg_during": os.getloadavg()[0],
        "journeys": {j.name: {"kind": j.kind, **j.marks} for j in found},
    }
