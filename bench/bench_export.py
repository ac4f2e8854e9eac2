"""Time each portfolio export format for a learner who has answered the whole course.

Every exercise of every notebook is filled with long text, with several revisions
each, in a temporary SQLite database. Run: ``.venv/bin/python bench/bench_export.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peerkit.course.data import load_course
from peerkit.portfolio import FORMATS, export_portfolio
from peerkit.portfolio.sample import sample_answers
from peerkit.store.answer_store import AnswerStore

TARGET_SECONDS = 2.0
LEARNER = "bench-learner"
WORDS = (
    "Today I noticed how hope shows up in small things: a conversation, a walk, "
    "a message from a friend. I want to remember this when things feel harder. "
)


def long_text(words: int) -> Callable[[str], str]:
    """A text maker giving each answer about ``words`` words, unique to its place."""
    repeat = max(1, words // len(WORDS.split()))

    def make(name: str) -> str:
        return f"{name}: " + WORDS * repeat

    return make


def fill(store: AnswerStore, revisions: int, words: int) -> tuple[int, int]:
    """Save ``revisions`` versions of every answer; returns (answers, revisions saved)."""
    course = load_course()
    text = long_text(words)
    keys: set[tuple[str, str]] = set()
    saved = 0
    for n in range(revisions):
        for session, exercise, value in sample_answers(
            course, lambda name, n=n: f"(version {n + 1}) " + text(name)
        ):
            store.save(LEARNER, session, exercise, value)
            keys.add((session, exercise))
            saved += 1
    return len(keys), saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, default=5, help="versions of each answer")
    parser.add_argument("--words", type=int, default=400, help="words in each text field")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format")
    args = parser.parse_args(argv)
    course = load_course()
    with (
        tempfile.TemporaryDirectory() as folder,
        AnswerStore(f"sqlite:///{Path(folder) / 'answers.sqlite3'}") as store,
    ):
        started = time.perf_counter()
        answers, saved = fill(store, args.revisions, args.words)
        print(
            f"Filled {answers} answers x {args.revisions} revisions ({saved} saves, "
            f"~{args.words} words per field) in {time.perf_counter() - started:.1f} s"
        )
        print(f"{'format':<8}{'bytes':>12}{'first s':>10}{'best s':>10}{'best / 2 s target':>20}")
        worst = 0.0
        for fmt in FORMATS:
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                data = export_portfolio(fmt, LEARNER, store, course)
                times.append(time.perf_counter() - started)
            best = min(times)
            worst = max(worst, times[0])
            print(
                f"{fmt:<8}{len(data):>12,}{times[0]:>10.3f}{best:>10.3f}"
                f"{best / TARGET_SECONDS:>19.0%}"
            )
    return 0 if worst <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
