"""The ``peerkit`` command: serve the course, open JupyterLab, check content."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from peerkit import paths

if TYPE_CHECKING:
    from peerkit.course.data import Course

DEFAULT_PORT = 8866

#: A kernel with no page connected and nothing running for this long is shut down.
#: A page that closes normally stops its kernel at once (the template makes Voilà's
#: shutdown request work); this catches the rest: a crashed tab, a lost connection,
#: a page fetched by a script. A page that is open is never culled, however idle.
KERNEL_CULL_IDLE_SECONDS = 3600
KERNEL_CULL_INTERVAL_SECONDS = 300
#: How long Voilà waits for a cell's output after the kernel says the cell is done.
#: Its default, 4 s, drops the output (so the exercise never appears) when a busy
#: server is slow to read it: bench/README.md, many learners at once.
CELL_OUTPUT_WAIT_SECONDS = 60
#: After a pre-heated kernel is handed to a page, wait this long before starting its
#: replacement, so that starting it does not slow the page that is loading (measured:
#: bench/README.md). Pages asked for meanwhile start their own kernel
#: (peerkit/serve/voila_app.py), as they would with no pre-heating.
PREHEAT_REFILL_DELAY_SECONDS = 5


def preheat_pools(course: Course) -> dict[str, dict[str, int]]:
    """Voilà's kernel pools: one pre-heated kernel for each session notebook.

    The course home and My data pages are not pre-heated: they show progress and
    stored data as they are when the page is asked for (peerkit/serve/preheat.py explains
    how session pages manage it).
    """
    pools: dict[str, dict[str, int]] = {"default": {"pool_size": 0}}
    for info in course.sessions:
        if not info.planned and info.notebook_path().is_file():
            pools[info.notebook] = {"pool_size": 1}
    return pools


def voila_command(port: int, *, preheat: bool = True) -> list[str]:
    """The Voilà command line that serves the course with the peerkit template."""
    from peerkit.course.data import load_course
    from peerkit.serve.resources import voila_resources

    course = load_course()
    resources = voila_resources(course)
    resources["language_code"] = "en-GB"
    command = [
        sys.executable,
        "-m",
        "peerkit.serve.voila_app",
        str(paths.notebooks_dir()),
        "--template=peerkit",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--no-browser",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={KERNEL_CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
        f"--VoilaExecutor.iopub_timeout={CELL_OUTPUT_WAIT_SECONDS}",
        # Kernels talk to the server through files, not TCP ports: kernels started
        # together (a pre-heated pool) can pick the same free port and fail.
        "--KernelManager.transport=ipc",
        f"--VoilaConfiguration.resources={json.dumps(resources)}",
    ]
    if preheat:
        command += [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(preheat_pools(course))}",
            f"--VoilaKernelManager.fill_delay={PREHEAT_REFILL_DELAY_SECONDS}",
        ]
    return command


def server_env() -> dict[str, str]:
    """Environment for the server: finds the checkout's template before an installed copy."""
    env = dict(os.environ)
    share = str(paths.template_share_dir())
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    return env


def home_url(port: int) -> str:
    return f"http://localhost:{port}/voila/render/index.ipynb"


def cmd_serve(args: argparse.Namespace) -> int:
    url = home_url(args.port)
    print(f"Serving the course at {url}  (press Ctrl+C to stop)", flush=True)
    command = voila_command(args.port, preheat=not args.no_preheat)
    process = subprocess.Popen(command, env=server_env())
    _stop_with(process)
    if not args.no_browser:
        _open_when_ready(url, process)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


def _stop_with(process: subprocess.Popen[bytes]) -> None:
    """When ``peerkit serve`` is told to stop, stop Voilà too (which stops its kernels)."""
    import signal

    def forward(signum: int, _frame: object) -> None:
        process.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)


def _open_when_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    import threading
    import urllib.request
    import webbrowser

    def wait_then_open() -> None:
        for _ in range(120):
            if process.poll() is not None:
                return
            try:
                urllib.request.urlopen(url, timeout=30).close()
            except OSError:
                threading.Event().wait(0.5)
                continue
            webbrowser.open(url)
            return

    threading.Thread(target=wait_then_open, daemon=True).start()


def cmd_lab(args: argparse.Namespace) -> int:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={paths.notebooks_dir()}",
    ]
    if args.no_browser:
        command.append("--no-browser")
    return subprocess.call(command, env=server_env())


def cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from peerkit.course.checks import check_course

    root = Path(args.root) if args.root else paths.project_root()
    problems = check_course(root)
    for problem in problems:
        print(f"- {problem}")
    if problems:
        print(f"peerkit check: {len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("peerkit check: the course content is in order.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the course for learners with Voilà")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--no-preheat",
        action="store_true",
        help="start a session's kernel only when its page is opened (uses less memory, "
        "opens each page more slowly)",
    )
    serve.set_defaults(func=cmd_serve)
    lab = sub.add_parser("lab", help="open the notebooks in JupyterLab (facilitators, authors)")
    lab.add_argument("--no-browser", action="store_true")
    lab.set_defaults(func=cmd_lab)
    check = sub.add_parser("check", help="check the course content; exit 1 on problems")
    check.add_argument("--root", help="course folder (default: this checkout)")
    check.set_defaults(func=cmd_check)
    from peerkit.cli import data as cli_data

    cli_data.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
