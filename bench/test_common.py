"""Checks of bench's own helpers: ``pytest bench`` (not part of ``make test``)."""

import subprocess
import sys

import psutil

from bench.common import cpu_split, summary


def test_cpu_split_counts_a_process_that_has_exited_as_nothing() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    gone = [psutil.Process(child.pid)]
    child.wait()  # the 20-learner crash: psutil's NoSuchProcess from such a process
    assert cpu_split(gone, gone) == {"server": 0.0, "kernels": 0.0, "browsers": 0.0}


def test_summary_percentiles_are_linear_between_ranks() -> None:
    stats = summary([10, 20, 30, 40, None], scale=1000)
    assert stats == {"n": 4, "p50": 25000, "p99": 39700, "min": 10000, "max": 40000}
