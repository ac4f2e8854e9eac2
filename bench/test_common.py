"""Checks of bench's own helpers (part of `make test`: pytest collects bench/ too)."""

import subprocess
import sys

import psutil

from bench import classload, common, pages
from bench.common import summary


def test_a_process_that_has_exited_counts_as_nothing() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    gone = [psutil.Process(child.pid)]
    child.wait()  # the 20-learner crash: psutil's NoSuchProcess from such a process
    assert common.cpu_seconds(gone) == 0 and common.memory(gone)["processes"] == 0
    assert common.tree(child.pid) == [] and classload.rss_mb(gone) == 0
    assert classload.server_cpu(child.pid) is None


def test_summary_percentiles_are_linear_between_ranks() -> None:
    stats = summary([10, 20, 30, 40, None], scale=1000)
    assert stats == {"n": 4, "p50": 25000, "p95": 38500, "p99": 39700, "min": 10000,
                     "max": 40000}  # fmt: skip


def test_saves_started_before_the_debounce_ended_are_early_ones() -> None:
    """Typing from 0 s to 6 s: an early save at 4.1 s (the text so far), then the debounced
    one 10 ms after 6 s + the debounce; a save of the whole text that started before the
    debounce ended (0.2 s after the last key: -0.6 s in the old measurement) is early too."""
    end = 6 + common.AUTOSAVE_DELAY
    revisions = [(4.15, "so far", 4.1), (end + 0.02, "all", end + 0.01)]
    debounced, early = pages.sort_saves(revisions, "all", 0.0, 6.0)
    assert [round(x, 3) for pair in debounced for x in pair] == [0.02, 0.01]
    assert early == [4.1]
    assert pages.sort_saves([(6.3, "all", 6.2)], "all", 2.2, 6.0) == ([], [4.0])
