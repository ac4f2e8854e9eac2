"""Nothing a learner types is lost: kernels, servers and networks fail mid-typing.

Real servers, real Chromium; each test types a known text, breaks something, and
counts the characters of that text in the database's latest revision. The status
line is watched throughout (an init script logs every change): whenever it said
"Saved", the text then on the page must already have been in the database.

What was measured (characters lost, seconds until saved) is printed and written
to ``test-artifacts/losing-nothing.json``; screenshots go there too.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids

from .conftest import ARTIFACTS
from .network import Proxy
from .server import CourseServer

ROOT = Path(__file__).resolve().parents[2]
#: How long the network is down in the drop test (the issue asks for a minute).
DROP_SECONDS = float(os.environ.get("PEERKIT_DROP_SECONDS", "60"))
#: How long the network is down while the tab is closed (the length matters less there).
TAB_DROP_SECONDS = 10.0
#: The status line must say "not saved" within this long of the course going away.
NOT_SAVED_WITHIN = 25.0
#: How long a page may take to save by itself once the network is back, before a reload.
RECONNECT_GRACE = 30.0
#: Continuous typing: the database must get a save at least this often.
SAVE_AT_LEAST_EVERY = 5.5
KEY_DELAY_MS = 40
NOT_SAVED = ("waiting", "lost")

#: Logs every change of every exercise's status line, with what its boxes held then,
#: and every notice shown or hidden.
STATUS_LOG = """
window.__peerkitStatus = [];
window.__peerkitNotices = [];
(() => {
  const seen = new WeakMap();
  const record = () => {
    document.querySelectorAll('.peerkit-exercise').forEach((exercise, index) => {
      const notice = exercise.querySelector('.peerkit-notice');
      if (notice) {
        const shown = notice.hidden ? '' : notice.textContent;
        if (seen.get(notice) !== shown) {
          seen.set(notice, shown);
          window.__peerkitNotices.push({t: Date.now(), index, text: shown});
        }
      }
      const line = exercise.querySelector('.peerkit-status');
      if (!line) return;
      const key = line.dataset.state + '|' + line.textContent;
      if (seen.get(line) === key) return;
      seen.set(line, key);
      const values = [...exercise.querySelectorAll('textarea')].map(
        (box) => (box.value.length > 20000 ? null : box.value));
      window.__peerkitStatus.push(
        {t: Date.now(), index, state: line.dataset.state, text: line.textContent, values});
    });
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['data-state'],
  });
})();
"""


def _text(tag: str) -> str:
    return (
        f"{tag}: when I listen without rushing to fix things, people tell me more "
        "about what really matters to them, and I learn to trust that."
    )


# --- the database -------------------------------------------------------------
class Answers:
    """Reads the served database directly (a fresh connection each time)."""

    def __init__(self, database: Path, learner: str) -> None:
        self.database = database
        self.learner = learner

    def _rows(self, session: str, exercise: str) -> list[tuple[int, Any, float]]:
        with sqlite3.connect(self.database, timeout=10) as conn:
            rows = conn.execute(
                "SELECT id, value, saved_at FROM answer_revisions"
                " WHERE learner = ? AND session = ? AND exercise = ? ORDER BY id",
                (self.learner, session, exercise),
            ).fetchall()
        return [(id_, json.loads(value), _ms(saved_at)) for id_, value, saved_at in rows]

    def history(self, session: str, exercise: str) -> list[tuple[int, Any, float]]:
        """Every revision: (id, value, saved at in ms since the epoch), oldest first."""
        return self._rows(session, exercise)

    def latest(self, session: str, exercise: str) -> Any:
        rows = self._rows(session, exercise)
        return rows[-1][1] if rows else None

    def wait_for(
        self, session: str, exercise: str, ok: Callable[[Any], bool], timeout: float
    ) -> float | None:
        """Seconds until the latest revision satisfies ``ok``, or None at the deadline."""
        start = time.monotonic()
        pause = threading.Event()
        while time.monotonic() - start < timeout:
            if ok(self.latest(session, exercise)):
                return time.monotonic() - start
            pause.wait(0.1)
        return None


def _ms(saved_at: str) -> float:
    return datetime.fromisoformat(saved_at).replace(tzinfo=UTC).timestamp() * 1000


def texts_of(value: Any) -> list[str]:
    """Every text in a stored answer (a text, a list, or boxes by key)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in texts_of(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts_of(v)]
    return []


def chars_lost(text: str, stored: Any) -> int:
    """How many characters of ``text`` (typed in order) are missing from ``stored``."""
    stored = stored if isinstance(stored, str) else ""
    kept = 0
    while kept < len(text) and text[: kept + 1] in stored:
        kept += 1
    return len(text) - kept


# --- the page -------------------------------------------------------------------
class Exercise:
    """One exercise of one session, on a page and in the database."""

    def __init__(self, session: str, exercise: str) -> None:
        info = load_course().session(session)
        self.session = session
        self.id = exercise
        self.notebook = info.notebook
        self.ids = exercise_ids(info.notebook_path())
        self.index = self.ids.index(exercise)

    def on(self, page):
        return page.locator(".peerkit-exercise").nth(self.index)

    def box(self, page):
        return self.on(page).locator("textarea").first

    def state(self, page) -> tuple[str, str]:
        line = self.on(page).locator(".peerkit-status")
        return line.get_attribute("data-state") or "", line.text_content() or ""

    def wait_state(self, page, states: tuple[str, ...], timeout: float) -> float:
        """Seconds until the status line is in one of ``states``."""
        start = time.monotonic()
        page.wait_for_function(
            """([index, states]) => {
              const e = document.querySelectorAll('.peerkit-exercise')[index];
              const line = e && e.querySelector('.peerkit-status');
              return Boolean(line) && states.includes(line.dataset.state);
            }""",
            arg=[self.index, list(states)],
            timeout=timeout * 1000,
        )
        return time.monotonic() - start


def open_page(context, url: str, exercises: int):
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.wait_for_function(
        f"() => document.querySelectorAll('.peerkit-exercise .peerkit-status').length"
        f" === {exercises}"
    )
    return page


def type_into(box, text: str, delay: int = KEY_DELAY_MS) -> None:
    box.click()
    box.evaluate("b => b.setSelectionRange(b.value.length, b.value.length)")
    box.press_sequentially(text, delay=delay)


def assert_saved_only_when_stored(page, answers: Answers, exercise: Exercise) -> int:
    """Whenever the status line said "Saved", what the box held was already stored.

    Returns how many times it said so."""
    log = page.evaluate("() => window.__peerkitStatus")
    revisions = answers.history(exercise.session, exercise.id)
    told = 0
    for entry in log:
        if entry["index"] != exercise.index:
            continue
        if entry["state"] != "saved" and not entry["text"].startswith("Saved"):
            continue
        told += 1
        shown = entry["values"][0]
        stored_by_then = [value for _, value, at in revisions if at <= entry["t"] + 5]
        assert shown in stored_by_then, (
            f"the page said {entry['text']!r} for {shown!r}, which was not in the database "
            f"then (revisions by then: {stored_by_then!r})"
        )
    return told


def notices(page, exercise: Exercise) -> list[tuple[int, str]]:
    """Each notice the exercise showed ('' when hidden), with when (ms since the epoch)."""
    log = page.evaluate("() => window.__peerkitNotices")
    return [(entry["t"], entry["text"]) for entry in log if entry["index"] == exercise.index]


# --- fixtures ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CourseServer]:
    """One server for the whole file (each start takes half a minute)."""
    server = CourseServer(tmp_path_factory.mktemp("losing") / "answers.sqlite3", preheat=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def answers(served: CourseServer) -> Answers:
    return Answers(served.database, served.learner)


@pytest.fixture(scope="module")
def measured() -> Iterator[dict[str, Any]]:
    found: dict[str, Any] = {}
    yield found
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "losing-nothing.json").write_text(json.dumps(found, indent=2) + "\n")
    print("\nmeasured:", json.dumps(found, indent=2))


@pytest.fixture
def context(browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    context.add_init_script(STATUS_LOG)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def proxy(served: CourseServer) -> Iterator[Proxy]:
    line = Proxy(served.port).start()
    try:
        yield line
    finally:
        line.close()


def page_kernel(served: CourseServer, before: set[int]) -> int:
    new = set(served.kernels()) - before
    assert len(new) == 1, f"expected one new kernel for the page, found {sorted(new)}"
    return new.pop()


# --- 1. the page's kernel is killed -----------------------------------------------
@pytest.mark.parametrize(
    ("when", "session"), [("while-typing", "m1s2"), ("after-last-key", "m1s3")]
)
def test_a_killed_kernel_loses_nothing(
    served, answers, context, measured, artifacts, when, session
):
    exercise = Exercise(session, "take-away")
    text = _text(f"kernel {when}")
    before = set(served.kernels())
    page = open_page(context, served.page_url(exercise.notebook), len(exercise.ids))
    kernel = page_kernel(served, before)
    box = exercise.box(page)
    if when == "while-typing":
        half = len(text) // 2
        type_into(box, text[:half])
        os.kill(kernel, signal.SIGKILL)
        box.press_sequentially(text[half:], delay=KEY_DELAY_MS)
    else:
        type_into(box, text)
        os.kill(kernel, signal.SIGKILL)
    killed = time.monotonic()
    exercise.wait_state(page, NOT_SAVED, NOT_SAVED_WITHIN)
    said_not_saved = time.monotonic() - killed
    state, words = exercise.state(page)
    assert state in NOT_SAVED and not words.startswith("Saved"), (state, words)
    page.screenshot(path=str(artifacts / f"kernel-killed-{when}.png"))
    lost_before = chars_lost(text, answers.latest(session, "take-away"))
    assert_saved_only_when_stored(page, answers, exercise)

    page.reload()
    page.wait_for_function(
        f"() => document.querySelectorAll('.peerkit-exercise .peerkit-status').length"
        f" === {len(exercise.ids)}"
    )
    reloaded = time.monotonic()
    seconds = answers.wait_for(session, "take-away", lambda v: v == text, 30)
    stored = answers.latest(session, "take-away")
    measured[f"kernel killed {when}"] = {
        "status said not saved after s": round(said_not_saved, 1),
        "status then": words,
        "chars in db before reload": len(text) - lost_before,
        "chars lost": chars_lost(text, stored),
        "saved after reload in s": None if seconds is None else round(seconds, 1),
    }
    assert chars_lost(text, stored) == 0, stored
    exercise.wait_state(page, ("saved",), 10)
    assert exercise.box(page).input_value() == text
    assert exercise.state(page)[1].startswith("Saved")
    assert time.monotonic() - reloaded < 30
    assert_saved_only_when_stored(page, answers, exercise)


# --- 3. a network drop of a minute ----------------------------------------------------
def test_a_network_drop_loses_nothing(served, answers, context, proxy, measured, artifacts):
    exercise = Exercise("m1s4", "take-away")
    text = _text("network drop")
    half = len(text) // 2
    url = f"{proxy.url}/voila/render/{exercise.notebook}?token={served.token}"
    page = open_page(context, url, len(exercise.ids))
    box = exercise.box(page)
    type_into(box, text[:half])
    assert answers.wait_for("m1s4", "take-away", lambda v: v == text[:half], 15) is not None
    exercise.wait_state(page, ("saved",), 10)

    proxy.cut()
    cut = time.monotonic()
    box.press_sequentially(text[half:], delay=KEY_DELAY_MS)
    exercise.wait_state(page, NOT_SAVED, NOT_SAVED_WITHIN)
    said_not_saved = time.monotonic() - cut
    page.screenshot(path=str(artifacts / "network-drop-not-saved.png"))
    # The rest of the minute: nothing gets through, and the page never says "Saved".
    pause = threading.Event()
    while time.monotonic() - cut < DROP_SECONDS:
        assert exercise.state(page)[0] in NOT_SAVED
        pause.wait(0.5)
    assert answers.latest("m1s4", "take-away") == text[:half], "the drop let a save through"
    state_at_end, words_at_end = exercise.state(page)
    page.screenshot(path=str(artifacts / "network-drop-end.png"))
    assert_saved_only_when_stored(page, answers, exercise)

    proxy.restore()
    seconds = answers.wait_for("m1s4", "take-away", lambda v: v == text, RECONNECT_GRACE)
    how = "the page's own reconnection"
    if seconds is None:
        how = "a reload"
        page.reload()
        seconds = RECONNECT_GRACE + (
            answers.wait_for("m1s4", "take-away", lambda v: v == text, 30) or 30
        )
    stored = answers.latest("m1s4", "take-away")
    measured["network drop"] = {
        "drop s": DROP_SECONDS,
        "status said not saved after s": round(said_not_saved, 1),
        "status at the end of the drop": f"{state_at_end}: {words_at_end}",
        "saved by": how,
        "saved after restore in s": round(seconds, 1),
        "chars lost": chars_lost(text, stored),
    }
    assert chars_lost(text, stored) == 0, stored
    exercise.wait_state(page, ("saved",), 10)
    assert exercise.state(page)[1].startswith("Saved")
    assert_saved_only_when_stored(page, answers, exercise)


# --- 4. the tab is closed during the drop ---------------------------------------------
def test_a_tab_closed_during_a_drop_loses_nothing(served, answers, context, proxy, measured):
    exercise = Exercise("m1s7", "take-away")
    text = _text("tab closed")
    half = len(text) // 2
    url = f"{proxy.url}/voila/render/{exercise.notebook}?token={served.token}"
    page = open_page(context, url, len(exercise.ids))
    box = exercise.box(page)
    type_into(box, text[:half])
    assert answers.wait_for("m1s7", "take-away", lambda v: v == text[:half], 15) is not None

    proxy.cut()
    cut = time.monotonic()
    box.press_sequentially(text[half:], delay=KEY_DELAY_MS)
    assert_saved_only_when_stored(page, answers, exercise)
    page.close()  # at once, straight after the last key
    pause = threading.Event()
    while time.monotonic() - cut < TAB_DROP_SECONDS:
        pause.wait(0.5)
    assert answers.latest("m1s7", "take-away") == text[:half], "the drop let a save through"

    proxy.restore()
    again = open_page(context, url, len(exercise.ids))
    seconds = answers.wait_for("m1s7", "take-away", lambda v: v == text, 30)
    stored = answers.latest("m1s7", "take-away")
    measured["tab closed during drop"] = {
        "chars lost": chars_lost(text, stored),
        "saved after the page opened again in s": None if seconds is None else round(seconds, 1),
    }
    assert chars_lost(text, stored) == 0, stored
    exercise.wait_state(again, ("saved",), 10)
    assert exercise.box(again).input_value() == text
    notice = exercise.on(again).locator(".peerkit-notice")
    assert "which had not been saved then, have now been saved" in notice.text_content()
    assert_saved_only_when_stored(again, answers, exercise)


# --- 5. typing without a pause ----------------------------------------------------------
#: When the page sent each save (the kernel websocket's frames) and each key was typed.
SEND_LOG = """(() => {
  window.__peerkitSends = []; window.__peerkitKeys = [];
  document.addEventListener('keydown', () => window.__peerkitKeys.push(performance.now()), true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    if (text.includes('"type":"save"')) window.__peerkitSends.push(performance.now());
    return send.call(this, data);
  };
})();"""
DEBOUNCE_S, MAX_WAIT_S = 0.8, 4.0  # exercise.js's QUIET_MS and MAX_WAIT_MS


def _early_saves(sends: list[float], keys: list[float]) -> list[str]:
    """Saves sent neither after the debounce (0.8 s with no key) nor at the maximum wait
    (4 s after the first key since the save before). Timers never fire early, so a page
    that keeps to both sends none, however loaded the machine."""
    early, previous = [], float("-inf")
    for sent in sends:
        typed = [k for k in keys if previous < k < sent]
        if typed:
            quiet = (sent - typed[-1]) / 1000 >= DEBOUNCE_S - 0.01
            waited = (sent - typed[0]) / 1000 >= MAX_WAIT_S - 0.01
            if not (quiet or waited):
                early.append(f"{(sent - typed[0]) / 1000:.2f} s after the first unsent key")
        previous = sent
    return early


def test_continuous_typing_is_saved_every_few_seconds(served, answers, context, measured):
    exercise = Exercise("m1s8", "take-away")
    context.add_init_script(SEND_LOG)
    words = "listening, noticing, waiting, hoping, "
    text = (words * 8)[:300]  # about 12 s at 40 ms a key
    page = open_page(context, served.page_url(exercise.notebook), len(exercise.ids))
    box = exercise.box(page)
    box.click()
    seen: list[tuple[float, int]] = []  # (when, revisions)
    typing = threading.Event()
    typing.set()

    def watch() -> None:
        pause = threading.Event()
        while typing.is_set():
            seen.append((time.monotonic(), len(answers.history("m1s8", "take-away"))))
            pause.wait(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    start = time.monotonic()
    watcher.start()
    box.press_sequentially(text, delay=KEY_DELAY_MS)
    end = time.monotonic()
    typing.clear()
    watcher.join()
    saves = [when for (when, n), (_, before) in zip(seen[1:], seen, strict=False) if n > before]
    gaps = [b - a for a, b in zip([start, *saves], [*saves, end], strict=True)]
    measured["continuous typing"] = {
        "typing s": round(end - start, 1),
        "saves while typing": len(saves),
        "longest gap s": round(max(gaps), 1),
    }
    assert end - start >= 10, "typed for too short a time to test this"
    assert len(saves) >= 2, f"only {len(saves)} saves in {end - start:.1f} s of typing"
    assert max(gaps) <= SAVE_AT_LEAST_EVERY, gaps
    # ...and only at the maximum wait: nothing else sends an edit still in its debounce.
    sends, keys = page.evaluate("() => [window.__peerkitSends, window.__peerkitKeys]")
    assert len(sends) >= 2 and len(keys) >= len(text)
    assert _early_saves(sends, keys) == []
    assert answers.wait_for("m1s8", "take-away", lambda v: v == text, 10) is not None
    exercise.wait_state(page, ("saved",), 10)
    assert_saved_only_when_stored(page, answers, exercise)


# --- 6. a lone surrogate -------------------------------------------------------------------
def test_a_lone_surrogate_is_replaced_and_saving_goes_on(served, answers, context, measured):
    exercise = Exercise("m1s9", "take-away")
    page = open_page(context, served.page_url(exercise.notebook), len(exercise.ids))
    box = exercise.box(page)
    box.evaluate(
        "b => { b.value = 'abc' + String.fromCharCode(0xd83d);"
        " b.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    assert answers.wait_for("m1s9", "take-away", lambda v: v == "abc\ufffd", 15) is not None
    message = exercise.on(page).locator(".govuk-error-message")
    assert message.is_visible()
    assert "replaced" in message.text_content()
    assert box.input_value() == "abc\ufffd"
    type_into(box, " and then more words")
    assert (
        answers.wait_for("m1s9", "take-away", lambda v: v == "abc\ufffd and then more words", 15)
        is not None
    )
    exercise.wait_state(page, ("saved",), 10)
    measured["lone surrogate"] = {
        "stored": answers.latest("m1s9", "take-away"),
        "message": message.text_content(),
    }
    assert message.is_visible()  # still said while the replacement character is there
    assert_saved_only_when_stored(page, answers, exercise)
    box.fill("abc, checked and put right")
    assert answers.wait_for("m1s9", "take-away", lambda v: v == "abc, checked and put right", 15)
    message.wait_for(state="hidden")  # the learner put it right: the message goes


# --- 7. an 11 MB paste ---------------------------------------------------------------------
def test_an_11_mb_paste_is_refused_at_once_and_the_page_goes_on(
    served, answers, context, measured, artifacts
):
    huge = Exercise("m1s6", "take-away")
    sent: list[int] = []
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framesent", lambda data: sent.append(len(data))))
    page.set_default_timeout(90_000)
    page.goto(served.page_url(huge.notebook))
    page.wait_for_function(
        f"() => document.querySelectorAll('.peerkit-exercise .peerkit-status').length"
        f" === {len(huge.ids)}"
    )
    other_index = page.evaluate(
        """(skip) => [...document.querySelectorAll('.peerkit-exercise')].findIndex(
             (e, i) => i !== skip && e.querySelector('textarea'))""",
        huge.index,
    )
    assert other_index >= 0, "the session needs another exercise with a text box"
    other = Exercise("m1s6", huge.ids[other_index])

    # The refusal is timed in the page: Chromium then takes seconds to lay out 11 MB in
    # any textarea (a plain one too), and nothing else runs in the page meanwhile.
    paste = huge.box(page).evaluate(
        """b => new Promise((done) => {
             const t0 = performance.now();
             b.value = 'x'.repeat(11 * 1024 * 1024);
             b.dispatchEvent(new Event('input', {bubbles: true}));
             const e = b.closest('.peerkit-exercise');
             const message = e.querySelector('.govuk-error-message:not([hidden])');
             const told = {
               ms: performance.now() - t0,
               message: message ? message.textContent : '',
               state: e.querySelector('.peerkit-status').dataset.state,
             };
             requestAnimationFrame(() => setTimeout(() => {
               told.paintedMs = performance.now() - t0;
               done(told);
             }));
           })"""
    )
    message = huge.on(page).locator(".govuk-error-message")
    assert paste["ms"] < 1000, paste
    assert "over the limit" in paste["message"], paste
    assert paste["state"] == "refused", paste
    assert message.is_visible()
    assert huge.state(page)[0] == "refused"
    page.screenshot(path=str(artifacts / "huge-paste-refused.png"))

    short = "A short answer in the next box."
    type_into(other.box(page), short)
    assert answers.wait_for("m1s6", other.id, lambda v: short in texts_of(v), 15) is not None, (
        "the connection did not survive the paste"
    )
    other.wait_state(page, ("saved",), 10)
    measured["11 MB paste"] = {
        "refused (message beside the box) within ms": round(paste["ms"]),
        "first frame painted after ms": round(paste["paintedMs"]),
        "largest frame sent bytes": max(sent, default=0),
        "other box saved": True,
    }
    assert answers.latest("m1s6", "take-away") is None, "the over-long answer was stored"
    assert max(sent, default=0) < 1_000_000, "the over-long answer was sent"


# --- 8. two tabs of one session --------------------------------------------------------------
def test_two_tabs_keep_both_texts_and_say_so(served, answers, context, measured, artifacts):
    exercise = Exercise("m1s10", "take-away")
    url = served.page_url(exercise.notebook)
    first = open_page(context, url, len(exercise.ids))
    second = open_page(context, url, len(exercise.ids))
    text_a, text_b = _text("tab A"), _text("tab B")

    first.bring_to_front()
    type_into(exercise.box(first), text_a)
    assert answers.wait_for("m1s10", "take-away", lambda v: v == text_a, 15) is not None
    exercise.wait_state(first, ("saved",), 10)

    second.bring_to_front()
    type_into(exercise.box(second), text_b)
    assert answers.wait_for("m1s10", "take-away", lambda v: v == text_b, 15) is not None
    exercise.wait_state(second, ("saved",), 10)
    # Told at the save that met tab A's answer (the notice may be gone by the next save).
    told_b = notices(second, exercise)
    assert any("also changed in another page or tab" in text for _, text in told_b), told_b
    b_still_shown = exercise.on(second).locator(".peerkit-notice").is_visible()
    second.screenshot(path=str(artifacts / "two-tabs-tab-b.png"))

    first.bring_to_front()
    notice = exercise.on(first).locator(".peerkit-notice")
    newer = notice.get_by_role("button", name="Show the newer version")
    how = "bring_to_front"
    try:
        newer.wait_for(state="visible", timeout=5000)
    except Exception:  # headless Chromium may not change visibility: say it did
        how = "a dispatched visibilitychange"
        first.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        newer.wait_for(state="visible", timeout=5000)
    first.screenshot(path=str(artifacts / "two-tabs-newer-version.png"))
    history = [value for _, value, _ in answers.history("m1s10", "take-away")]
    measured["two tabs"] = {
        "newer notice in tab A after": how,
        "tab B told of tab A's answer": [text[:60] for _, text in told_b if text],
        "tab B's notice still shown after typing": b_still_shown,
        "revisions": len(history),
    }
    assert text_a in history and text_b in history
    newer.click()
    assert exercise.box(first).input_value() == text_b
    assert_saved_only_when_stored(first, answers, exercise)
    assert_saved_only_when_stored(second, answers, exercise)


# --- 2. the server is killed (last: it restarts the file's server) -----------------------------
def test_a_killed_server_loses_nothing(served, answers, context, measured, artifacts):
    exercise = Exercise("m1s11", "take-away")
    text = _text("server killed")
    page = open_page(context, served.page_url(exercise.notebook), len(exercise.ids))
    type_into(exercise.box(page), text)
    served.kill()
    killed = time.monotonic()
    exercise.wait_state(page, NOT_SAVED, NOT_SAVED_WITHIN)
    said_not_saved = time.monotonic() - killed
    page.screenshot(path=str(artifacts / "server-killed-not-saved.png"))
    lost_before = chars_lost(text, answers.latest("m1s11", "take-away"))
    assert_saved_only_when_stored(page, answers, exercise)

    started = time.monotonic()
    served.restart()
    restart_s = time.monotonic() - started
    page.reload()
    page.wait_for_function(
        f"() => document.querySelectorAll('.peerkit-exercise .peerkit-status').length"
        f" === {len(exercise.ids)}"
    )
    seconds = answers.wait_for("m1s11", "take-away", lambda v: v == text, 30)
    stored = answers.latest("m1s11", "take-away")
    measured["server killed"] = {
        "status said not saved after s": round(said_not_saved, 1),
        "chars in db before restart": len(text) - lost_before,
        "server restart s": round(restart_s, 1),
        "saved after reload in s": None if seconds is None else round(seconds, 1),
        "chars lost": chars_lost(text, stored),
    }
    assert chars_lost(text, stored) == 0, stored
    exercise.wait_state(page, ("saved",), 10)
    assert exercise.state(page)[1].startswith("Saved")
    assert_saved_only_when_stored(page, answers, exercise)
