"""Browser measurements (Playwright, Debian's Chromium): page loads side by side, whether
a pre-heated page shows a fresh answer, autosave latency, many learners at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psutil

from . import common
from .common import Server, log, summary

PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")
#: Navigation Timing of the page, in ms from navigation start, and the KB transferred.
NAVIGATION = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const r = performance.getEntriesByType('resource');
  return {first_byte: n.responseStart, server_wait: n.responseStart - n.requestStart,
          html_done: n.responseEnd, load_event: n.loadEventEnd,
          kb: (r.reduce((s, e) => s + e.transferSize, 0) + n.transferSize) / 1024};
}"""
MARKED = "() => window.__pk && window.__pk.%s !== undefined"
BOXES = ".peerkit-exercise textarea"
SHUTDOWN = "/voila/api/shutdown/"
TIMEOUT_MS = 120_000
TIMINGS = ("text", "interactive", "first_byte", "server_wait", "html_done", "load_event", "kb")


@dataclass
class Problems:
    """Script errors, failed loopback requests and HTTP errors on a page; counted apart:
    outside requests (blocked), favicon 404s, Voilà refusing the kernel shutdown."""

    errors: list[str] = field(default_factory=list)
    blocked_outside: int = 0
    shutdown_refused: set[str] = field(default_factory=set)

    def note(self, url: str, what: str) -> bool:
        if SHUTDOWN in url:
            self.shutdown_refused.add(url)
        elif urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1", None):
            self.blocked_outside += 1
        elif "favicon" not in url:
            self.errors.append(f"{what[:200]} ({url[:120]})")
        return True  # so that the handlers below can chain it after their checks

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        # A shutdown request cut off by the page closing is not a refusal.
        page.on("requestfailed", lambda q: SHUTDOWN in q.url or self.note(q.url, q.failure))
        page.on("response", lambda r: r.status < 400 or self.note(r.url, f"http {r.status}"))
        page.on(
            "console",
            lambda m: (
                m.type != "error"
                or "ERR_NAME_NOT_RESOLVED" in m.text  # a blocked outside request: counted above
                or self.note((m.location or {}).get("url", ""), m.text)
            ),
        )


@contextlib.asynccontextmanager
async def chromium():  # type: ignore[no-untyped-def]
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=common.CHROMIUM, args=common.BENCH_CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser: Any, expected: dict[str, Any], problems: Problems) -> Any:
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    probe = PROBE.replace("__EXERCISES__", str(expected["exercises"]))
    probe = probe.replace("__BOX__", json.dumps(expected.get("box", BOXES)))
    probe = probe.replace("__PARTS__", json.dumps(expected.get("parts", ".peerkit-exercise")))
    await context.add_init_script(probe.replace("__TEXTS__", json.dumps(expected["texts"])))
    page = await context.new_page()
    problems.watch(page)
    return page


async def load(page: Any, url: str, interactive: bool, expected: dict[str, Any]) -> dict:
    """Navigate; wait (bounded) for the text, then for every exercise to be interactive;
    check every box shows a saved answer; return the probe's marks and Navigation Timing."""
    await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    await page.wait_for_function(MARKED % "text", polling=50, timeout=TIMEOUT_MS)
    await page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    row: dict[str, Any] = {}
    if interactive:
        await page.wait_for_function(MARKED % "interactive", polling=50, timeout=TIMEOUT_MS)
        boxes = await page.locator(expected.get("box", BOXES)).evaluate_all(
            "els => els.map(e => e.value)"
        )
        row["restored"] = sorted(boxes) == sorted(expected["texts"])
    await page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    marks = await page.evaluate("window.__pk")
    row.update(text=marks.get("text"), interactive=marks.get("interactive"))
    return {**row, **(await page.evaluate(NAVIGATION))}


# --- 1. page loads ---------------------------------------------------------------


@dataclass
class Variant:
    server: Server
    interactive: bool = True
    pool: int = 0  #: kernels a pre-heating server keeps ready beside open pages'
    notebook: str | None = None  #: another page of a peerkit server than the session's

    @property
    def url(self) -> str:
        return self.server.page_url(self.notebook) if self.notebook else self.server.page


async def page_loads(variants: list[Variant], expected: dict[str, Any], reps: int) -> dict:
    """After a warm-up round, reps rounds of every variant in a shuffled order: a new
    context loads the page (cold), then again (warm); each time the server idle first."""
    rows: dict[str, list[dict]] = {v.server.name: [] for v in variants}
    problems = {v.server.name: Problems() for v in variants}
    order = random.Random(5)
    async with chromium() as browser:
        for rep in range(-1, reps):
            for v in order.sample(variants, len(variants)):
                page = await new_page(browser, expected, problems[v.server.name])
                for cache in ("cold", "warm"):
                    want = v.pool + (cache == "warm") if v.pool else 0
                    await asyncio.to_thread(v.server.wait_quiet, 20.0, want)
                    row = await load(page, v.url, v.interactive, expected)
                    if rep >= 0:
                        rows[v.server.name].append({**row, "cache": cache})
                await page.close(run_before_unload=True)
                await asyncio.to_thread(v.server.wait, lambda n, v=v: n <= v.pool, 3.0)  # type: ignore[misc]
                await page.context.close()
            log(f"page loads: round {rep + 1}/{reps}")
    out = {}
    for v in variants:
        found, name = problems[v.server.name], v.server.name
        entry: dict[str, Any] = {
            cache: {
                key: summary(r[key] for r in rows[name] if r["cache"] == cache) for key in TIMINGS
            }
            for cache in ("cold", "warm")
        }
        entry.update(
            not_restored=sum(r.get("restored") is False for r in rows[name]),
            errors=len(found.errors),
            error_examples=found.errors[:3],
            blocked_outside_requests=found.blocked_outside,
            shutdown_refused=len(found.shutdown_refused),
            kernels_left=v.server.kernels() - v.pool,
        )
        out[name] = entry
    return out


def replace(value: Any, old: str, new: str) -> Any:
    """The answer with the text `old` replaced by `new` wherever it appears."""
    return json.loads(json.dumps(value).replace(json.dumps(old), json.dumps(new)))


# --- 2. a fresh answer after pre-heating, and autosave latency ----------------------------


async def autosave(server: Server, expected: dict, db: Path, samples: int, debounce: float) -> dict:
    """Save a new answer once the pool is full, open the page: it must show it. Then type at
    the end of that box (~100 words a minute) and poll the database file (read-only, outside
    the kernel, every 2 ms) until the text is committed."""
    old = expected["texts"][0]  # "Saved answer <session>/<exercise>[/<part>]"
    exercise, url = old.split("/")[1], f"sqlite:///{db}"
    prefilled = expected["answers"][exercise]
    await asyncio.to_thread(server.wait_quiet, 30.0, expected["pool"])
    fresh = f"{old} saved after the page was pre-heated"
    with common.AnswerStore(url) as store:
        store.save(common.LEARNER, common.SESSION_ID, exercise, replace(prefilled, old, fresh))
    either = {**expected, "texts": [fresh, *expected["texts"]]}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    query = "SELECT value, saved_at FROM answer_revisions WHERE learner = ? AND session = ? "
    query += "AND exercise = ? ORDER BY id DESC LIMIT 1"
    rows, problems = [], Problems()
    async with chromium() as browser:
        page = await new_page(browser, either, problems)
        await load(page, server.page, True, either)
        box = page.locator(BOXES).first
        shown = await box.input_value()
        # The page's clock mapped to time.time() by the fastest of 7 round trips.
        trips = []
        for _ in range(7):
            before = time.time()
            page_ms = await page.evaluate("performance.timeOrigin + performance.now()")
            trips.append((time.time() - before, (before + time.time()) / 2 - page_ms / 1000))
        offset = min(trips)[1]
        for index in range(samples):
            await box.click()
            await page.keyboard.press("Control+End")
            await box.press_sequentially(f" {index:02d}.", delay=100)
            want = replace(prefilled, old, await box.input_value())
            last_input = await page.evaluate("window.__pk.lastInput") / 1000 + offset
            deadline = time.time() + 10
            while time.time() < deadline:
                row = conn.execute(query, (common.LEARNER, common.SESSION_ID, exercise)).fetchone()
                if row and json.loads(row[0]) == want:
                    saved_at = datetime.fromisoformat(row[1]).replace(tzinfo=UTC).timestamp()
                    rows.append((time.time() - last_input, saved_at - last_input))
                    break
                await asyncio.sleep(0.002)
        await page.close(run_before_unload=True)
    conn.close()
    with common.AnswerStore(url) as store:
        store.save(common.LEARNER, common.SESSION_ID, exercise, prefilled)
    return {
        "fresh_answer_shown": shown == fresh,
        "box": old.removeprefix(common.MARK),
        "samples": samples,
        "missed": samples - len(rows),
        "errors": len(problems.errors),
        "debounce_s": debounce,
        "after_debounce_ms": summary((r[0] - debounce for r in rows), 1000),
        "to_save_start_after_debounce_ms": summary((r[1] - debounce for r in rows), 1000),
        "save_to_seen_ms": summary((r[0] - r[1] for r in rows), 1000),
    }


# --- 3. many learners at once ------------------------------------------------------------


async def learners(server: Server, expected: dict, count: int, spread: float, vanish: int,
                   cull_after: float) -> dict:  # fmt: skip
    """count learners open the session within `spread` s, each in a new context. The first
    `vanish` vanish once ready (context closed, no unload: to be culled); once all are
    ready the rest close their page (Voilà must stop their kernels)."""

    def cpu() -> dict[str, float]:
        return common.cpu_split(server.procs(), psutil.Process().children(recursive=True))

    memory = {"before": server.memory()}
    cpu_before, t0 = cpu(), time.perf_counter()
    outcomes: list[dict] = []
    vanished_at: list[float] = []
    pages: list[tuple[int, Any]] = []
    async with chromium() as browser:

        async def learner(index: int) -> None:
            await asyncio.sleep(spread * index / max(count - 1, 1))
            problems = Problems()
            page = await new_page(browser, expected, problems)
            pages.append((index, page))
            outcome: dict[str, Any] = {}
            try:
                outcome = await load(page, server.page, True, expected)
            except Exception as exc:  # a page that never became interactive
                outcome["failure"] = type(exc).__name__
            outcomes.append({**outcome, "errors": problems.errors})
            if index < vanish:
                await page.context.close()
                vanished_at.append(time.perf_counter())

        await asyncio.gather(*(learner(i) for i in range(count)))
        all_ready = time.perf_counter() - t0
        cpu_ready = cpu()
        memory["all_open"] = server.memory()
        open_kernels = server.kernels()
        for index, page in sorted(pages, key=lambda p: p[0]):
            if index >= vanish:
                await page.close(run_before_unload=True)
        closed = await asyncio.to_thread(server.wait, lambda n: n <= vanish, 60.0)
        memory["after_closing"] = server.memory()
        last = max(vanished_at, default=time.perf_counter())
        left = max(0.0, last + cull_after + 30.0 - time.perf_counter())
        gone = await asyncio.to_thread(server.wait, lambda n: n == 0, left)
        culled = None if gone is None else round(time.perf_counter() - last, 1)
        memory["after_culling"] = server.memory()
    return {
        "learners": count,
        "interactive": sum(bool(o.get("restored")) for o in outcomes),  # with their answers
        "errors": sum(len(o["errors"]) for o in outcomes),
        "interactive_ms": summary(o.get("interactive") for o in outcomes),
        "all_ready_s": round(all_ready, 1),
        "cpu_s_until_all_ready": {k: round(cpu_ready[k] - cpu_before[k], 1) for k in cpu_ready},
        "kernels_all_open": open_kernels,
        "closed_kernels_stopped_s": closed,
        "vanished": vanish,
        "cull_after_s": cull_after,
        "vanished_culled_s": culled,
        "memory": memory,
    }
