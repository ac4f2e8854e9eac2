"""A class under load: its learners sign in to a real class (JupyterHub, node's proxy, the
peerkit service, PostgreSQL) and open the same session within a few seconds, a few in real
browsers, the rest as HTTP clients doing what a page does (bench/README.md, "class")."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from tests.classroom.page_client import TEXT_KINDS, PageClient
from tests.running_class import class_folder, start_class, wait_until

from . import common, pages
from .common import log, summary

SESSION_PAGE, SESSION = "module1/01-introduction.ipynb", "m1s1"
#: Every exercise drawn: each has its status line (tests/classroom/test_class_browser.py).
SESSION_READY = "n => document.querySelectorAll('.peerkit-exercise .peerkit-status').length >= n"
SPAWN_LOG = re.compile(r"User (\S+) took ([\d.]+) seconds to start")
TIMEOUT_S = 300
#: The spawn-pending page's event stream, cut off as that page moves on: not an error.
ABORTED_PROGRESS = re.compile(r"net::ERR_ABORTED \(\S+/hub/api/users/[^/]+/server/progress")
#: When the learner last typed (Date.now() is this machine's clock, as time.time() is).
LAST_INPUT = "document.addEventListener('input', () => { window.__lastInput = Date.now(); }, true);"
WARM_UP = "warmup"  # a learner who goes through alone first, in a browser
#: Its course home, the name box showing its saved name.
HOME = {**common.home_expected(WARM_UP), "page": common.HOME}


@contextlib.contextmanager
def a_class(work: Path, label: str, learners: tuple[str, ...]) -> Iterator[Any]:
    """The tests' class (tests/running_class.py) with these learners and a facilitator,
    started without bench's own store in its environment; its logs kept under `label`."""
    drop = ("PEERKIT_DATABASE_URL", "PEERKIT_LEARNER", "XDG_DATA_HOME")
    kept = {k: os.environ.pop(k) for k in drop if k in os.environ}
    folder, rc = class_folder(), None
    try:
        rc = start_class(folder, learners, ("fran",), ())
        os.environ.update(kept)
        yield rc
    finally:
        os.environ.update(kept)
        if rc is not None:
            rc.classroom.stop()
        shutil.copytree(folder / "logs", work / "logs" / label, dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


def learner_servers() -> dict[str, int]:
    """Each learner's jupyterhub-singleuser process id, by JUPYTERHUB_USER."""
    found = {}
    for proc in psutil.process_iter(["cmdline"]):
        if any("jupyterhub-singleuser" in part for part in proc.info["cmdline"] or ()):
            with contextlib.suppress(psutil.Error):
                found[proc.environ().get("JUPYTERHUB_USER", "?")] = proc.pid
    return found


def server_cpu(pid: int) -> float | None:
    """CPU seconds of a learner's server and its kernels, live and exited (reaped)."""
    procs = common.tree(pid)
    with contextlib.suppress(psutil.Error, IndexError):
        own = procs[0].cpu_times()
        reaped = own.children_user + own.children_system
        return own.user + own.system + reaped + common.cpu_seconds(procs[1:])
    return None


def rss_mb(procs: list[psutil.Process]) -> float:
    return round(sum(m.rss for m in common.read(procs, "memory_info")) / 2**20, 1)


def infrastructure(classroom: Any) -> dict[str, list[psutil.Process]]:
    """The hub (with its proxy and idle culler), the service, PostgreSQL: no learner servers."""
    learners = {p.pid for pid in learner_servers().values() for p in common.tree(pid)}
    postgres = int((classroom.postgres.data / "postmaster.pid").read_text().split()[0])
    parts = {"hub": classroom.hub.pid, "service": classroom.service.pid, "postgres": postgres}
    return {k: [p for p in common.tree(v) if p.pid not in learners] for k, v in parts.items()}


class Durability(threading.Thread):
    """Polls PostgreSQL from outside the service (as the tables' owner, for each learner in
    turn: row-level security), every ~2 ms, until each expected save's row is visible."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.pending: dict[str, tuple[str, float]] = {}  # marker: (learner, reference time)
        #: marker: (seen, its save started), in s after its reference time
        self.found: dict[str, tuple[float, float]] = {}
        self.lock, self.done = threading.Lock(), threading.Event()

    def expect(self, marker: str, learner: str, since: float) -> None:
        with self.lock:
            self.pending[marker] = (learner, since)

    def seen(self, marker: str, timeout: float = 60.0) -> tuple[float, float] | None:
        deadline = time.time() + timeout
        while marker not in self.found and time.time() < deadline:
            common.pause(0.005)
        return self.found.get(marker)

    def run(self) -> None:
        import psycopg

        query = "SELECT saved_at FROM answer_revisions WHERE learner = %s AND session = %s "
        query += "AND value LIKE %s ORDER BY id LIMIT 1"
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.is_set():
                with self.lock:
                    todo = list(self.pending.items())
                for marker, (learner, since) in todo:
                    conn.execute("SELECT set_config('peerkit.learner', %s, false)", (learner,))
                    row = conn.execute(query, (learner, SESSION, f"%{marker}%")).fetchone()
                    if row:
                        self.found[marker] = (time.time() - since, row[0].timestamp() - since)
                        with self.lock:
                            del self.pending[marker]
                common.pause(0.002)


@dataclass
class Journey:
    """One learner's way in: marks in s from arriving at /hub/login, saves, errors."""

    name: str
    kind: str  # "browser" or "http"
    start: float = 0.0
    marks: dict[str, float] = field(default_factory=dict)
    durable: list[float | None] = field(default_factory=list)  #: each save's, in s
    early: int = 0  #: a browser's saves sent while typing went on (not debounced)
    errors: list[str] = field(default_factory=list)
    cpu_at_spawn: float | None = None
    kept: dict[str, Any] = field(default_factory=dict)  #: a browser's first box and cookies

    def mark(self, what: str) -> None:
        self.marks[what] = round(time.time() - self.start, 3)

    async def spawned(self) -> None:
        self.mark("spawned")
        pid = (await asyncio.to_thread(learner_servers)).get(self.name)
        self.cpu_at_spawn = None if pid is None else server_cpu(pid)


@dataclass
class Load:
    """What every journey shares: the class, what to do, and where to record it."""

    url: str
    passwords: dict[str, str]
    exercises: int
    saves: int
    durability: Durability
    #: What the warm-up's pages fetched from its server, for the HTTP clients to fetch.
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


async def browser_learner(browser: Any, load: Load, journey: Journey) -> None:
    """The whole journey in a Chromium context: sign in, the home, the session, typing."""
    name, problems, phase = journey.name, common.Problems(), ["home"]
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    await context.add_init_script(LAST_INPUT)
    prefix = f"{load.url}/user/{name}/"

    def record(response: Any) -> None:  # what this page fetched from the learner's server
        url, request = response.url, response.request
        wanted = url.startswith(prefix) and request.method == "GET" and response.status < 400
        if wanted and request.resource_type != "document" and "/api/kernels/" not in url:
            load.assets[phase[0]].append(url.removeprefix(prefix))

    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        problems.watch(page)
        page.on("response", record)
        await page.goto(f"{load.url}/hub/login")
        await page.fill("#username_input", name)
        await page.fill("#password_input", load.passwords[name])
        await page.click("#login_submit")
        await page.wait_for_url(re.compile(f"/user/{name}/"), wait_until="commit")
        await journey.spawned()
        await page.wait_for_selector(".peerkit-home")
        journey.mark("home")
        phase[0] = "session"
        await page.goto(load.page(name, SESSION_PAGE), wait_until="commit")
        await page.wait_for_function(SESSION_READY, arg=load.exercises, polling=50)
        journey.mark("session")
        box = page.locator(".peerkit-exercise textarea").first
        for index in range(load.saves):
            marker = f"{name} save {index} {uuid.uuid4().hex[:8]}"
            await box.click()
            await page.keyboard.press("Control+End")
            await box.press_sequentially(f" {marker}.", delay=60)  # ~100 words a minute
            last = await page.evaluate("window.__lastInput") / 1000  # the page's clock is ours
            load.durability.expect(f"{marker}.", name, last + common.AUTOSAVE_DELAY)
            found = await asyncio.to_thread(load.durability.seen, f"{marker}.")
            if found and found[1] < 0:  # its save started before the debounce had passed
                journey.early += 1
            else:
                journey.durable.append(found and found[0])
        journey.kept = {"typed": await box.input_value(), "cookies": await context.cookies()}
        load.leave(journey)
        await load.hold.wait()
        await page.close(run_before_unload=True)
    except Exception as exc:  # a page that never became usable
        journey.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        journey.errors.extend(e for e in problems.errors if not ABORTED_PROGRESS.match(e))
        await context.close()


async def hub_pages(rc: Any, load: Load, alone: Journey, reps: int) -> dict:
    """The warm-up's home and session page through the hub, its server still up, loaded as
    pages.py loads `peerkit serve`'s: each rep a new context (empty cache) with the warm-up's
    cookies, cold then warm; before each its server idle, at most the cold page's kernel."""
    with rc.store_for(WARM_UP) as store:  # the name its home's box is to show
        store.save(WARM_UP, *common.HOME_NAME_ANSWER, WARM_UP)
    hub = common.Server("hub", rc.plan.folder)  # its server, watched as bench's own are
    hub.process = psutil.Process(learner_servers()[WARM_UP])
    marks: dict[str, dict[str, list[dict]]] = {}
    problems = common.Problems()
    session = {"texts": [alone.kept["typed"]], "exercises": load.exercises, "page": SESSION_PAGE}
    async with pages.chromium() as browser:
        for name, expected in (("home", HOME), ("session", session)):
            url = load.page(WARM_UP, expected["page"])
            for _ in range(reps):
                page = await pages.new_page(browser, expected, problems)
                await page.context.add_cookies(alone.kept["cookies"])
                for c in ("cold", "warm"):
                    await asyncio.to_thread(hub.wait, lambda n, w=c == "warm": n <= w, 30.0, True)
                    row = await pages.load(page, url, True, expected)
                    marks.setdefault(name, {}).setdefault(c, []).append(row)
                await page.close(run_before_unload=True)
                await page.context.close()
    return {"errors": len(problems.errors), "error_examples": problems.errors[:3], **{
        p: {c: {k: summary(r[k] for r in rs) for k in pages.TIMINGS} for c, rs in by.items()}
        for p, by in marks.items()}}  # fmt: skip


async def http_learner(load: Load, journey: Journey) -> None:
    """What a page does (tests/classroom/page_client.py): sign in, the home page and what it
    fetched, its kernel stopped on leaving, the session page and its files, its widgets'
    state, then saves to its text exercises in turn as exercise.js sends them, each ~0.8 s
    of typing after the last was acknowledged."""
    name = journey.name
    async with PageClient(load.url, name, load.passwords[name], TIMEOUT_S) as client:
        try:

            async def replay(phase: str) -> None:  # six at a time, as a browser does
                await asyncio.gather(*(client.fetch(client.base + path)
                                       for path in load.assets_for(phase)))  # fmt: skip

            home = await client.sign_in(journey.spawned)
            await replay("home")
            journey.mark("home")
            await client.leave(home)
            session = await client.page(SESSION_PAGE)
            await replay("session")
            async with client.kernel(session) as kernel:
                views = await kernel.exercises()
                if len(views) < load.exercises:
                    raise RuntimeError(f"{len(views)} of {load.exercises} exercises")
                journey.mark("session")
                texts = [m for m, s in views.items() if TEXT_KINDS & set(s["_dom_classes"])]
                revision = {m: views[m].get("revision") or 0 for m in texts}
                for index in range(load.saves):
                    model = texts[index % len(texts)]
                    marker = f"{name} save {index} {uuid.uuid4().hex[:8]}"
                    value = {**views[model]["values"]}
                    value[next(iter(value))] = marker
                    load.durability.expect(marker, name, time.time())
                    ack = await kernel.save(model, revision[model], value)
                    if ack.get("type") != "saved":
                        journey.errors.append(f"save {ack.get('type')}")
                    revision[model] = ack.get("revision", revision[model])
                    found = await asyncio.to_thread(load.durability.seen, marker)
                    journey.durable.append(found and found[0])
                    await asyncio.sleep(common.AUTOSAVE_DELAY)  # the learner types on
                load.leave(journey)
                await load.hold.wait()
        finally:
            journey.errors.extend(client.errors)


async def journeys(load: Load, names: list[str], browsers: set[str], spread: float,
                   sample: Callable[[], Any]) -> tuple[list[Journey], Any]:  # fmt: skip
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
            except Exception as exc:
                journey.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
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
    """A class of size["class"] learners: a warm-up learner alone, then everyone."""
    count, spread = size["class"], size["class_spread"]
    names = [f"learner{i:02d}" for i in range(1, count + 1)]
    browsers = set(names[:: max(count // size["browsers"], 1)][: size["browsers"]])
    exercises = len(common.exercise_ids(common.ROOT / "notebooks" / SESSION_PAGE))
    with a_class(work, "class", (WARM_UP, *names)) as rc:
        log("class: started; a warm-up learner alone")
        durability = Durability(rc.classroom.postgres.url("peerkit_owner"))
        durability.start()
        load = Load(rc.plan.url, rc.classroom.passwords(), exercises, size["class_saves"],
                    durability)  # fmt: skip
        alone = asyncio.run(journeys(load, [WARM_UP], {WARM_UP}, 0.0, dict))[0][0]
        hub_loads = asyncio.run(hub_pages(rc, load, alone, size["hub_reps"])) if alone.kept else {}
        rc.stop_server(WARM_UP)
        wait_until(lambda: WARM_UP not in learner_servers())
        load = Load(load.url, load.passwords, exercises, load.saves, durability, load.assets)
        log(f"class: {len(names)} learners ({len(browsers)} in browsers) over {spread} s")

        def sample() -> dict[str, Any]:
            """Each learner's server tree's RSS and its CPU so far; the rest's RSS."""
            servers = learner_servers()
            return {
                "rss": {n: rss_mb(common.tree(pid)) for n, pid in servers.items() if n in names},
                "cpu": {n: server_cpu(pid) for n, pid in servers.items() if n in names},
                "infra_rss": {k: rss_mb(v) for k, v in infrastructure(rc.classroom).items()},
            }

        t0 = time.perf_counter()
        found, at = asyncio.run(journeys(load, names, browsers, spread, sample))
        elapsed = time.perf_counter() - t0
        durability.done.set()
        hub_log = (rc.classroom.logs_dir / "hub.log").read_text(errors="replace")
    spawns = [float(s) for n, s in SPAWN_LOG.findall(hub_log) if n in names]
    per_page = []  # CPU since the spawn was ready, per page opened (the home, the session)
    for j in found:
        now, opened = at["cpu"].get(j.name), ("home" in j.marks) + ("session" in j.marks)
        if now is not None and j.cpu_at_spawn is not None and opened:
            per_page.append((now - j.cpu_at_spawn) / opened)
    errors = [f"{j.name}: {e}" for j in found for e in j.errors]
    kinds = {k: [j for j in found if k in (j.kind, "all")] for k in ("all", "browser", "http")}

    def by_kind(mark: str) -> dict[str, Any]:
        return {k: summary(j.marks.get(mark) for j in js) for k, js in kinds.items()}

    return {
        "learners": count,
        "browsers": len(browsers),
        "spread_s": spread,
        "usable": sum(1 for j in found if "session" in j.marks and not j.errors),
        "errors": len(errors),
        "error_examples": errors[:5],
        "alone": alone.marks,
        "hub_pages": hub_loads,
        "to_home_s": by_kind("home"),
        "to_session_s": by_kind("session"),
        "spawn_s": summary(spawns),
        "durable_after_debounce_ms": {
            k: summary((s for j in js for s in j.durable), 1000) for k, js in kinds.items()
        },
        "saves_not_seen": sum(s is None for j in found for s in j.durable),
        "browser_early_saves": sum(j.early for j in found),
        "memory": {
            "per_learner_rss_mb": summary(at["rss"].values()),
            "infrastructure_rss_mb": at["infra_rss"],
            "infrastructure_total_rss_mb": round(sum(at["infra_rss"].values()), 1),
        },
        "cpu": {"per_page_s": summary(per_page)},
        "elapsed_s": round(elapsed, 1),
        "loadavg_during": os.getloadavg()[0],
        "replayed_requests": {k: len(load.assets_for(k)) for k in load.assets},
    }
