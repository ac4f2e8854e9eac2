"""``peerkit serve``: the course for learners, with Voilà, on this machine only.

Every page needs a token: random for each start, or ``PEERKIT_TOKEN`` when set (for
scripts). The address printed and opened carries it; after the first visit a cookie
does (jupyter_server's token login, which Voilà uses). The server listens on
127.0.0.1 and answers only requests whose Host header names this machine (no DNS
rebinding), unless told otherwise (``--ip``, ``--allow-host``). Voilà's settings
are in ``peerkit/serve/voila_config.py``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from peerkit.serve.prepare import prepare_apart
from peerkit.serve.voila_config import (
    DEFAULT_IP,
    DEFAULT_PORT,
    LOG_LEVELS,
    READY_TIMEOUT_SECONDS,
    TOKEN_ENV,
    ServeOptions,
    _url_host,
    connect_ip,
    course_url,
    make_runtime_dir,
    voila_command,
    voila_env,
)


def options_from(args: argparse.Namespace) -> tuple[ServeOptions, bool]:
    """The options for this start, and whether the token came from ``PEERKIT_TOKEN``."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    options = ServeOptions(
        port=args.port,
        ip=args.ip,
        token=given or secrets.token_hex(24),
        allow_hosts=tuple(args.allow_host or ()),
        preheat=not args.no_preheat,
        log_level=args.log_level,
    )
    return options, bool(given)


def cmd_serve(args: argparse.Namespace) -> int:
    options, token_from_env = options_from(args)
    runtime = make_runtime_dir()
    try:
        # Checking Voilà and writing its configuration load ~75 MB of libraries that
        # this process, which then only waits on Voilà, would keep: a child does it.
        if prepare_apart(options, runtime) != 0:
            return 1
        shown = course_url(options, show_token=not token_from_env)
        note = f"  (the token is the value of {TOKEN_ENV})" if token_from_env else ""
        print(f"Serving the course at {shown}{note}", flush=True)
        process = subprocess.Popen(voila_command(runtime), env=voila_env(options))
        _stop_with(process)
        threading.Thread(
            target=_announce_when_ready,
            args=(options, process, runtime, not args.no_browser),
            daemon=True,
        ).start()
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            return process.wait()
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _stop_with(process: subprocess.Popen[bytes]) -> None:
    """When ``peerkit serve`` is told to stop, stop Voilà too (which stops its kernels)."""

    def forward(signum: int, _frame: object) -> None:
        process.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)


def probe(options: ServeOptions, timeout: float = 10) -> int | None:
    """The HTTP status of a token-carrying request that starts no kernel; None: no answer."""
    url = f"http://{_url_host(connect_ip(options.ip))}:{options.port}/voila/api/contents"
    request = urllib.request.Request(url, headers={"Authorization": f"token {options.token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return None


def _announce_when_ready(
    options: ServeOptions, process: subprocess.Popen[bytes], runtime: Path, open_browser: bool
) -> None:
    pause = threading.Event()
    for _ in range(READY_TIMEOUT_SECONDS * 4):
        if process.poll() is not None:
            return
        status = probe(options)
        if status is None:
            pause.wait(0.25)
            continue
        if status == 200:
            extra = " Pages open faster once pre-heated." if options.preheat else ""
            print(f"The course is ready.{extra} Press Ctrl+C to stop.", flush=True)
            if open_browser:
                _open_browser(course_url(options), runtime)
        else:
            print(
                f"peerkit serve: the server answers, but refused the token (HTTP {status}).",
                file=sys.stderr,
                flush=True,
            )
        return
    print("peerkit serve: the server has not answered yet.", file=sys.stderr, flush=True)


def _open_browser(url: str, runtime: Path) -> None:
    """Open ``url`` through a private file, so the token is not on a command line."""
    import html
    import webbrowser

    page = runtime / "open.html"
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(
            '<!DOCTYPE html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">'
            f'<p><a href="{html.escape(url)}">Open the course</a></p>\n'
        )
    webbrowser.open(page.as_uri())


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the course for learners with Voilà")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument(
        "--ip",
        default=DEFAULT_IP,
        help="address to listen on (default 127.0.0.1: this machine only); see the README "
        "before serving to others",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="also answer requests for this host name (a reverse proxy's); repeatable",
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--no-preheat",
        action="store_true",
        help="start a session's kernel only when its page is opened (uses less memory, "
        "opens each page more slowly)",
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="WARNING",
        help="how much the server logs (default WARNING: problems only)",
    )
    serve.set_defaults(func=cmd_serve)
