"""Stopping `peerkit serve` stops Voilà and every learner's kernel with it."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from peerkit.course.data import load_course

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
