"""Stopping `peerkit serve` stops Voilà and every learner's kernel with it; closing a
page stops that page's kernel."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from tests.running_class import wait_until

from .learner import open_session
from .server import CourseServer


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_stopping_the_server_leaves_no_process_behind(tmp_path):
    info = load_course().session("m2s3")
    server = CourseServer(tmp_path / "answers.sqlite3").start()
    try:
        with urllib.request.urlopen(server.page_url(info.notebook), timeout=120) as response:
            response.read()  # rendering the page starts a kernel
        processes = server.processes()
        assert len(processes) >= 3, "expected peerkit serve, Voilà and a kernel"
    finally:
        server.stop()
    leftover = [pid for pid in processes if pid != os.getpid() and _running(pid)]
    assert leftover == []


def test_closing_a_page_stops_its_kernel_at_once(tmp_path, browser):
    """The template sends Voilà's shutdown request as the page goes (the kernel would
    otherwise live until the idle cull, an hour later); a page still open keeps its own."""
    info = load_course().session("m2s3")
    exercises = len(exercise_ids(info.notebook_path()))
    server = CourseServer(tmp_path / "answers.sqlite3", preheat=False).start()
    context = browser.new_context()
    try:
        pages = [context.new_page() for _ in range(2)]
        for page in pages:
            open_session(page, server.page_url(info.notebook), exercises)
        wait_until(lambda: len(server.kernels()) == 2, timeout=30)
        both = set(server.kernels())
        pages[0].close(run_before_unload=True)
        wait_until(lambda: len(server.kernels()) == 1, timeout=15)
        assert set(server.kernels()) < both
    finally:
        context.close()
        server.stop()
