"""Browser measurements with Playwright in Debian's Chromium: page loads, autosave
latency, and many learners at once. Every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from .common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LEARNER,
    SESSION_ID,
    Server,
    cpu_seconds,
    is_kernel,
    log,
    summary,
    tree,
)

#: Runs in every page before its own scripts. Records, in ms from navigation start
#: (performance.now()), the first frame in which the session's H1 is visible, and the
#: first in which every exercise is on the page with the first box's saved answer
#: restored; and the wall-clock time of the last input event (for autosave).
PROBE = """
(() => {
  if (window.top !== window) return;
  const EXERCISES = %(exercises)d, FIRST = %(first)s;
  const marks = (window.__pk = {});
  const resolve = {};
  // Promises the benchmark awaits with one call, instead of polling every page.
  window.__pkReady = {
    text: new Promise((r) => { resolve.text = r; }),
    interactive: new Promise((r) => { resolve.interactive = r; }),
  };
  const visible = (el) => !!el && el.getBoundingClientRect().height > 0 &&
    (!el.checkVisibility || el.checkVisibility({opacityProperty: true, visibilityProperty: true}));
  const done = () => marks.text !== undefined && marks.interactive !== undefined;
  function check() {
    const now = performance.now();
    if (marks.text === undefined && visible(document.querySelector('h1'))) {
      marks.text = now;
      resolve.text(now);
    }
    if (marks.interactive === undefined) {
      const count = document.querySelectorAll('.peerkit-exercise').length;
      const box = document.querySelector('.peerkit-exercise textarea');
      if (count >= EXERCISES && box && !box.disabled && box.value === FIRST) {
        marks.interactive = now;
        resolve.interactive(now);
      }
    }
  }
  // Check in the next frame after anything changes (at most once a frame), and every
  // 100 ms besides (a box's value or a stylesheet can change without a DOM mutation);
  // never a frame loop, which would itself load a busy machine.
  let scheduled = false;
  function schedule() {
    if (scheduled || done()) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; check(); });
  }
  new MutationObserver(schedule).observe(document, {childList: true, subtree: true,
                                                    attributes: true, characterData: true});
  const poll = setInterval(() => {
    if (done() || performance.now() > 600000) clearInterval(poll); else schedule();
  }, 100);
  schedule();
  document.addEventListener('input', () => {
    marks.lastInput = performance.timeOrigin + performance.now();
  }, true);
})();
"""

NAVIGATION = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const r = performance.getEntriesByType('resource');
  return {requestStart: n.requestStart, responseStart: n.responseStart,
          firstByteWait: n.responseStart - n.requestStart, responseEnd: n.responseEnd,
          domInteractive: n.domInteractive, loadEventEnd: n.loadEventEnd,
          htmlBytes: n.decodedBodySize, resources: r.length,
          transferred: r.reduce((s, e) => s + e.transferSize, 0) + n.transferSize};
}"""

BOXES = "els => els.map(e => e.value)"
TYPING_DELAY_MS = 100
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SHUTDOWN = "/voila/api/shutdown/"
FAVICON = "/favicon.ico"


@dataclass
class Problems:
    """What went wrong on a page: script errors, failed loopback requests, HTTP errors.

    Counted apart: outside requests (blocked by the resolver rule), a browser's
    favicon.ico 404, and Voilà refusing the page's kernel shutdown request."""

    errors: list[str] = field(default_factory=list)
    blocked_external: int = 0
    shutdown_refused: set[str] = field(default_factory=set)

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, msg) -> None:
        if msg.type != "error" or "ERR_NAME_NOT_RESOLVED" in msg.text:
            return  # a blocked outside request: requestfailed counts it
        url = (msg.location or {}).get("url", "")
        if SHUTDOWN in url:
            self.shutdown_refused.add(url)
        elif not url.endswith(FAVICON):
            self.errors.append(f"console: {msg.text[:200]} ({url[:100]})")

    def _failed(self, request) -> None:
        host = urlparse(request.url).hostname or ""
        if host not in LOOPBACK and not request.url.startswith("data:"):
            self.blocked_external += 1
        elif SHUTDOWN not in request.url:
            self.errors.append(f"requestfailed: {request.url[:120]} {request.failure}")

    def _response(self, response) -> None:
        if response.status < 400 or response.url.endswith(FAVICON):
            return
        if SHUTDOWN in response.url:
            self.shutdown_refused.add(response.url)
        else:
            self.errors.append(f"http {response.status}: {response.url[:120]}")


async def launch(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def new_context(browser, probe: str):
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    await context.add_init_script(probe)
    return context


def probe_script(expected: dict) -> str:
    return PROBE % {
        "exercises": len(expected["exercises"]),
        "first": json.dumps(expected["texts"][0]),
    }


async def load(page, url: str, interactive: bool, expected: dict, timeout_ms: int) -> dict:
    """Navigate; wait (bounded) for the text to be visible, then for every exercise to be
    interactive with its answer restored; read the marks the probe recorded."""
    started = time.perf_counter()
    timeout = timeout_ms / 1000
    await page.goto(url, wait_until="commit", timeout=timeout_ms)
    await page.wait_for_function("() => !!window.__pkReady", timeout=timeout_ms)
    await asyncio.wait_for(page.evaluate("window.__pkReady.text"), timeout)
    # Playwright's own check agrees that the heading is visible.
    await page.locator("h1").first.wait_for(state="visible", timeout=timeout_ms)
    result: dict = {}
    if interactive:
        await asyncio.wait_for(page.evaluate("window.__pkReady.interactive"), timeout)
        boxes = await page.locator(".peerkit-exercise textarea").evaluate_all(BOXES)
        result["restored_ok"] = boxes == expected["texts"]
    await page.wait_for_load_state("load", timeout=timeout_ms)
    marks = await page.evaluate("window.__pk")
    result.update(
        {
            "text_ms": marks.get("text"),
            "interactive_ms": marks.get("interactive"),
            "wall_s": time.perf_counter() - started,
            **(await page.evaluate(NAVIGATION)),
        }
    )
    return result


# --- 1. page loads ---------------------------------------------------------------


@dataclass
class Variant:
    name: str
    server: Server
    interactive: bool = True
    #: kernels a pre-heating server keeps ready beside those of open pages
    pool: int = 0


async def _settle(variant: Variant, open_pages: int) -> None:
    """Before a load: the server idle and, when it pre-heats, its pool refilled."""
    await asyncio.to_thread(
        variant.server.wait_quiet, 20.0, open_pages + variant.pool if variant.pool else 0
    )


async def page_loads(variants: list[Variant], expected: dict, reps: int, seed: int = 5) -> dict:
    """reps rounds, after one unrecorded warm-up round; in each, every variant in a
    shuffled order: a new browser context (empty cache) loads the page (cold), then
    loads it again (warm)."""
    from playwright.async_api import async_playwright

    probe = probe_script(expected)
    rows: dict[str, list[dict]] = {v.name: [] for v in variants}
    problems = {v.name: Problems() for v in variants}
    order = random.Random(seed)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            for rep in range(-1, reps):
                for variant in order.sample(variants, len(variants)):
                    context = await new_context(browser, probe)
                    page = await context.new_page()
                    problems[variant.name].watch(page)
                    for cache in ("cold", "warm"):
                        await _settle(variant, 1 if cache == "warm" else 0)
                        row = await load(
                            page, variant.server.url, variant.interactive, expected, 120_000
                        )
                        row.update({"rep": rep, "cache": cache})
                        if rep >= 0:
                            rows[variant.name].append(row)
                    await page.close(run_before_unload=True)
                    await asyncio.to_thread(
                        variant.server.wait_kernels, lambda n, v=variant: n <= v.pool, 3.0
                    )
                    await context.close()
                log(
                    f"page loads: round {rep + 1}/{reps} done"
                    if rep >= 0
                    else "page loads: warm-up done"
                )
        finally:
            await browser.close()
    out: dict[str, dict] = {}
    for variant in variants:
        entry: dict[str, object] = {"kernels_left_running": len(variant.server.kernels())}
        for cache in ("cold", "warm"):
            these = [r for r in rows[variant.name] if r["cache"] == cache]
            entry[cache] = {
                key: summary(r.get(key) for r in these)
                for key in (
                    "requestStart",
                    "firstByteWait",
                    "text_ms",
                    "interactive_ms",
                    "responseStart",
                    "responseEnd",
                    "domInteractive",
                    "loadEventEnd",
                    "transferred",
                )
            }
            entry[cache]["restored_ok"] = [r.get("restored_ok") for r in these]
            entry[cache]["html_bytes"] = these[0]["htmlBytes"] if these else None
            entry[cache]["resources"] = these[0]["resources"] if these else None
        entry["errors"] = problems[variant.name].errors[:20]
        entry["error_count"] = len(problems[variant.name].errors)
        entry["blocked_external_requests"] = problems[variant.name].blocked_external
        entry["shutdown_requests_refused"] = len(problems[variant.name].shutdown_refused)
        entry["kernels_pooled"] = variant.pool
        out[variant.name] = entry
    return out


def direct_first_byte(server: Server, count: int, pool: int = 0) -> dict:
    """Time to the page's first byte with no browser busy: the server's own part.
    (Each request's kernel stays, as no page connects; a pre-heating server is given
    time to refill its pool before the next.)"""
    import urllib.request

    times = []
    for index in range(count):
        server.wait_quiet(20.0, pool + index if pool else 0)
        started = time.perf_counter()
        with urllib.request.urlopen(server.url, timeout=120) as response:
            response.read(1)
            times.append((time.perf_counter() - started) * 1000)
            response.read()  # the rest: the kernel runs the cells
    return summary(times)


# --- answers kept fresh? (pre-heated kernels) ------------------------------------------


async def freshness(variants: list[Variant], expected: dict, db: Path) -> dict:
    """Save a new answer after the server has got its page ready, then open the page:
    is the new answer there? A pre-heated kernel restored answers before the request."""
    from playwright.async_api import async_playwright

    from peerkit.store.answer_store import AnswerStore

    results = {}
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            for variant in variants:
                server = variant.server
                await asyncio.to_thread(server.wait_quiet, 30.0, variant.pool)
                fresh = f"Written after the page was pre-heated, {time.time():.3f}"
                with AnswerStore(f"sqlite:///{db}") as store:
                    store.save(LEARNER, SESSION_ID, "core-behaviours", {"i-commit": fresh})
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(server.url, timeout=120_000)
                await page.wait_for_function(
                    "() => document.querySelectorAll('.peerkit-exercise').length > 0 &&"
                    " document.querySelector('.peerkit-exercise textarea').value !== ''",
                    timeout=120_000,
                )
                shown = await page.locator(".peerkit-exercise textarea").first.input_value()
                results[server.name] = {"fresh": shown == fresh, "shown": shown[:60]}
                await page.close(run_before_unload=True)
                await context.close()
                with AnswerStore(f"sqlite:///{db}") as store:  # back to the prefilled answer
                    texts = expected["texts"]
                    store.save(
                        LEARNER,
                        SESSION_ID,
                        "core-behaviours",
                        {"i-commit": texts[0], "i-need": texts[1]},
                    )
        finally:
            await browser.close()
    return results


# --- 2. autosave latency --------------------------------------------------------------


def _latest(conn: sqlite3.Connection, exercise: str):
    return conn.execute(
        "SELECT value, saved_at FROM answer_revisions WHERE learner = ? AND session = ? "
        "AND exercise = ? ORDER BY id DESC LIMIT 1",
        (LEARNER, SESSION_ID, exercise),
    ).fetchone()


def _as_epoch(saved_at: str) -> float:
    when = datetime.fromisoformat(saved_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


async def _clock_offset(page) -> float:
    """Seconds to add to the page's wall clock to get this process's time.time()."""
    best = None
    for _ in range(7):
        before = time.time()
        page_ms = await page.evaluate("performance.timeOrigin + performance.now()")
        after = time.time()
        if best is None or after - before < best[0]:
            best = (after - before, (before + after) / 2 - page_ms / 1000)
    return best[1]


async def autosave(server: Server, expected: dict, db: Path, samples: int, debounce: float):
    """Type into a reflection, then poll the database (read-only, from outside the
    kernel) until the typed text is committed: last keystroke to durable, per sample."""
    from playwright.async_api import async_playwright

    rows = []
    problems = Problems()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await new_context(browser, probe_script(expected))
            page = await context.new_page()
            problems.watch(page)
            await load(page, server.url, True, expected, 120_000)
            box = page.locator(".peerkit-reflection textarea").first
            # The prefilled text names its exercise: "Saved answer <exercise-id> <n>".
            prefilled = await box.input_value()
            exercise_id = prefilled.split()[2]
            offset = await _clock_offset(page)
            status = page.locator(".peerkit-reflection .peerkit-status").first
            for index in range(samples):
                await box.click()
                await page.keyboard.press("Control+End")
                # About 100 words a minute; the last of these keystrokes is the start.
                await box.press_sequentially(f" {index:02d}.", delay=TYPING_DELAY_MS)
                value = await box.input_value()
                last_input = (await page.evaluate("window.__pk.lastInput")) / 1000 + offset
                durable = saved_at = None
                deadline = time.time() + 10
                while time.time() < deadline:
                    row = _latest(conn, exercise_id)
                    if row and json.loads(row[0]) == value:
                        durable, saved_at = time.time(), _as_epoch(row[1])
                        break
                    await asyncio.sleep(0.002)
                rows.append(
                    {
                        "total": None if durable is None else durable - last_input,
                        "kernel_save_started": None if saved_at is None else saved_at - last_input,
                        "commit_and_detect": None if durable is None else durable - saved_at,
                    }
                )
                await page.wait_for_function(
                    "el => /^Saved /.test(el.textContent)",
                    arg=await status.element_handle(),
                    timeout=10_000,
                )
            await page.close(run_before_unload=True)
            await context.close()
        finally:
            await browser.close()
            conn.close()
    from peerkit.store.answer_store import AnswerStore

    with AnswerStore(f"sqlite:///{db}") as store:  # back to the prefilled answer
        store.save(LEARNER, SESSION_ID, exercise_id, prefilled)
    totals = [r["total"] for r in rows]
    return {
        "samples": samples,
        "missed": sum(t is None for t in totals),
        "debounce_s": debounce,
        "typing_delay_ms": TYPING_DELAY_MS,
        "total": summary(totals),
        "after_debounce": summary(None if t is None else t - debounce for t in totals),
        "to_kernel_save_start_after_debounce": summary(
            None if r["kernel_save_started"] is None else r["kernel_save_started"] - debounce
            for r in rows
        ),
        "save_commit_and_detect": summary(r["commit_and_detect"] for r in rows),
        "clock_note": "page clock mapped to this process's clock by round trip; "
        "the database polled every 2 ms",
        "exercise": exercise_id,
        "errors": problems.errors[:20],
    }


# --- 3. many learners at once ------------------------------------------------------------


def _cpu_split(server: Server) -> dict[str, float]:
    """CPU seconds used so far by the server, its kernels, and this run's Chromium."""
    procs = server.procs()
    kernels = [p for p in procs if is_kernel(p)]
    mine = tree(os.getpid())
    browser = [p for p in mine if "chrom" in (p.name() or "") or "headless" in p.name()]
    return {
        "server": cpu_seconds(procs[:1] + [p for p in procs[1:] if not is_kernel(p)]),
        "kernels": cpu_seconds(kernels),
        "browser": cpu_seconds(browser),
    }


async def learners(
    server: Server, expected: dict, count: int, spread: float, vanish: int, cull_after: float
) -> dict:
    """count learners, each in their own browser context, open the session within
    `spread` seconds. All must become interactive with no errors. The first `vanish`
    disappear as soon as their page is ready (context closed without an unload, as a
    crashed tab or a dropped connection): their kernels must be culled. Once all are
    ready, the others close their page (which asks Voilà to stop its kernel). Memory
    of the server and its kernels is taken throughout."""
    from playwright.async_api import async_playwright

    samples: list[tuple[float, dict]] = []
    stop_sampling = asyncio.Event()
    t0 = time.perf_counter()

    async def sample_memory() -> None:
        while not stop_sampling.is_set():
            rss = await asyncio.to_thread(server.memory, False)
            samples.append((time.perf_counter() - t0, rss))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), timeout=0.5)

    baseline = await asyncio.to_thread(server.memory)
    cpu_before = await asyncio.to_thread(_cpu_split, server)
    sampler = asyncio.create_task(sample_memory())
    probe = probe_script(expected)
    outcomes: list[dict] = []
    vanished_at: list[float] = []
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        contexts, pages = [], []
        try:

            async def learner(index: int) -> None:
                await asyncio.sleep(spread * index / max(count - 1, 1))
                context = await new_context(browser, probe)
                page = await context.new_page()
                problems = Problems()
                problems.watch(page)
                contexts.append(context)
                pages.append((index, page))
                outcome: dict = {"learner": index}
                try:
                    outcome.update(await load(page, server.url, True, expected, 300_000))
                except Exception as exc:  # a page that never became interactive
                    outcome["failure"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                outcome["errors"] = list(problems.errors)
                outcomes.append(outcome)
                if index < vanish:
                    await context.close()
                    vanished_at.append(time.perf_counter())

            await asyncio.gather(*(learner(i) for i in range(count)))
            all_open = time.perf_counter() - t0
            cpu_open = await asyncio.to_thread(_cpu_split, server)
            during = await asyncio.to_thread(server.memory)
            kernels_open = len(server.kernels())
            # The others leave normally.
            pages.sort()
            leave_started = time.perf_counter()
            for index, page in pages:
                if index >= vanish:
                    await page.close(run_before_unload=True)
            closed_normally = count - vanish
            shut = await asyncio.to_thread(server.wait_kernels, lambda n: n <= vanish, 60.0)
            after_close = await asyncio.to_thread(server.memory)
            kernels_after_close = len(server.kernels())
            last_vanish = max(vanished_at, default=leave_started)
            left = max(0.0, last_vanish + cull_after + 30.0 - time.perf_counter())
            gone = await asyncio.to_thread(server.wait_kernels, lambda n: n == 0, left)
            culled = None if gone is None else time.perf_counter() - last_vanish
            after_cull = await asyncio.to_thread(server.memory)
            leave_total = time.perf_counter() - leave_started
        finally:
            for context in contexts:
                with contextlib.suppress(Exception):  # already closed
                    await context.close()
            await browser.close()
            stop_sampling.set()
            await sampler
    tti = [o.get("interactive_ms") for o in outcomes]
    failures = [o for o in outcomes if "failure" in o or not o.get("restored_ok")]
    errors = [e for o in outcomes for e in o["errors"]]
    peak_rss = max((s[1]["rss"] for s in samples), default=None)
    return {
        "learners": count,
        "spread_s": spread,
        "interactive": sum("failure" not in o and o.get("restored_ok") for o in outcomes),
        "failures": [o.get("failure", "answers not restored") for o in failures][:10],
        "errors": errors[:20],
        "error_count": len(errors),
        "time_to_interactive_ms": summary(tti),
        "text_ms": summary(o.get("text_ms") for o in outcomes),
        "all_interactive_after_s": all_open,
        "cpu_seconds_to_all_open": {k: cpu_open[k] - cpu_before[k] for k in cpu_open},
        "kernels_while_open": kernels_open,
        "closed_normally": closed_normally,
        "vanished": vanish,
        "kernels_after_close": kernels_after_close,
        "close_to_shutdown_s": shut,
        "cull_after_setting_s": cull_after,
        "vanished_to_culled_s": culled,
        "leave_total_s": leave_total,
        "memory": {
            "before": baseline,
            "all_open": during,
            "peak_rss_sampled": peak_rss,
            "after_closing": after_close,
            "after_culling": after_cull,
        },
        "rss_timeline": [(round(t, 1), m["rss"]) for t, m in samples][
            :: max(1, len(samples) // 60)
        ],
    }
