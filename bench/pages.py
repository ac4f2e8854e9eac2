"""Browser measurements (Playwright, Debian's Chromium): page loads side by side, whether
a pre-heated page shows a fresh answer, autosave latency."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import common
from .common import Problems, Server, log, summary

PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")
#: Navigation Timing of the page, in ms from navigation start.
NAVIGATION = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return {first_byte: n.responseStart, html_done: n.responseEnd};
}"""
MARKED = "() => window.__pk && window.__pk.%s !== undefined"
BOXES = ".peerkit-exercise textarea"
TIMEOUT_MS = 120_000
TIMINGS = ("text", "interactive", "first_byte", "html_done")


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
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
        found, mine = problems[v.server.name], rows[v.server.name]
        out[v.server.name] = {
            **{
                cache: {k: summary(r[k] for r in mine if r["cache"] == cache) for k in TIMINGS}
                for cache in ("cold", "warm")
            },
            "not_restored": sum(r.get("restored") is False for r in mine),
            "errors": len(found.errors),
            "error_examples": found.errors[:3],
            "blocked_outside_requests": found.blocked_outside,
            "shutdown_refused": len(found.shutdown_refused),
            "kernels_left": len(v.server.kernels()) - v.pool,
        }
    return out


def replace(value: Any, old: str, new: str) -> Any:
    """The answer with the text `old` replaced by `new` wherever it appears."""
    return json.loads(json.dumps(value).replace(json.dumps(old), json.dumps(new)))


# --- 2. a fresh answer after pre-heating, and autosave latency ----------------------------


async def autosave(server: Server, expected: dict, db: Path, samples: int) -> dict:
    """Save a new answer once the pool is full, open the page: it must show it. Then type
    bursts at the end of that box (~100 words a minute), each followed by a pause, the last
    longer than the maximum wait; poll the database file (read-only, outside the kernel,
    every 2 ms) for each new revision until the burst's text is there. A revision that
    started (its saved_at) before the last keystroke + the debounce is an early save (the
    maximum wait, or the resend of an unsaved edit); the others are the debounced saves,
    timed from the last keystroke + the debounce."""
    old, debounce = expected["texts"][0], common.AUTOSAVE_DELAY
    exercise, url = old.split("/")[1], f"sqlite:///{db}"
    prefilled = expected["answers"][exercise]
    await asyncio.to_thread(server.wait_quiet, 30.0, expected["pool"])
    fresh = f"{old} saved after the page was pre-heated"
    with common.AnswerStore(url) as store:
        store.save(common.LEARNER, common.SESSION_ID, exercise, replace(prefilled, old, fresh))
    either = {**expected, "texts": [fresh, *expected["texts"]]}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    query = "SELECT id, value, saved_at FROM answer_revisions WHERE learner = ? AND session = ? "
    query += "AND exercise = ? AND id > ? ORDER BY id"
    key = (common.LEARNER, common.SESSION_ID, exercise)
    last_id = conn.execute("SELECT max(id) FROM answer_revisions").fetchone()[0]
    debounced: list[tuple[float, float]] = []
    early: list[float] = []
    missed, problems = 0, Problems()
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
        long_burst = " and on" * math.ceil(common.MAX_WAIT * 1.5 / 0.7)  # 0.1 s a key
        for index in range(samples):
            await box.click()
            await page.keyboard.press("Control+End")
            first_key, burst = time.time(), long_burst if index == samples - 1 else f" {index:02d}."
            await box.press_sequentially(burst, delay=100)
            want = replace(prefilled, old, await box.input_value())
            last_input = await page.evaluate("window.__pk.lastInput") / 1000 + offset
            revisions: list[tuple[float, Any, float]] = []
            deadline = time.time() + 10
            while all(r[1] != want for r in revisions) and time.time() < deadline:
                found = conn.execute(query, (*key, last_id)).fetchall()
                seen, last_id = time.time(), found[-1][0] if found else last_id
                revisions += [(seen, json.loads(value), stamp(at)) for _, value, at in found]
                await asyncio.sleep(0.002)
            ours, before_end = sort_saves(revisions, want, first_key, last_input)
            debounced, early = debounced + ours, early + before_end
            missed += all(r[1] != want for r in revisions)
        await page.close(run_before_unload=True)
    conn.close()
    with common.AnswerStore(url) as store:
        store.save(common.LEARNER, common.SESSION_ID, exercise, prefilled)
    return {
        "fresh_answer_shown": shown == fresh,
        "box": old.removeprefix(common.MARK),
        "samples": samples,
        "missed": missed,
        "errors": len(problems.errors),
        "debounce_s": debounce,
        "after_debounce_ms": summary((r[0] for r in debounced), 1000),
        "to_save_start_after_debounce_ms": summary((r[1] for r in debounced), 1000),
        "max_wait_s": common.MAX_WAIT,
        "early_saves": len(early),
        "early_save_after_first_unsaved_key_ms": summary(early, 1000),
        "early_saves_later_than_max_wait": sum(t > common.MAX_WAIT + 0.5 for t in early),
    }


def stamp(saved_at: str) -> float:
    """The store's saved_at (UTC, when the save started) as time.time()."""
    return datetime.fromisoformat(saved_at).replace(tzinfo=UTC).timestamp()


def sort_saves(revisions: list[tuple[float, Any, float]], want: Any, first_key: float,
               last_input: float) -> tuple[list[tuple[float, float]], list[float]]:  # fmt: skip
    """One burst's revisions, each (seen, value, started), in two: the debounced save (the
    burst's text, started after the last keystroke + the debounce) as (seen, started) after
    that; the early ones, started before, as s after the first key typed since the save
    before (at most the maximum wait)."""
    debounced, early, end, since = [], [], last_input + common.AUTOSAVE_DELAY, first_key
    for seen, value, started in revisions:
        if value == want and started >= end:
            debounced.append((seen - end, started - end))
        else:
            early.append(started - since)
            since = started
    return debounced, early
