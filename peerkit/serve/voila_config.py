"""Voilà's configuration for ``peerkit serve``: every setting with its reason.

Voilà is configured with a generated Python config file (``voila.py``), written at
each start into a private folder (mode 0700) with every setting and its reason; the
folder also holds the notebook signatures that mark the course's own notebooks as
trusted, and is removed when the server stops. Voilà is started with nothing on its
command line but that folder, so neither the token nor the course data show in
``ps`` or the log.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import pprint
import socket
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peerkit import paths
from peerkit.serve.preheat import LOG_LEVEL_ENV
from peerkit.serve.warm_pages import SECTION, PreheatPlan

if TYPE_CHECKING:
    from peerkit.course.data import Course

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
#: Set it to choose the token (scripts, tests); otherwise each start makes a new one.
TOKEN_ENV = "PEERKIT_TOKEN"
#: The server's log level, for the kernels' own lines (peerkit/serve/preheat.py).
LOG_LEVELS = ("WARNING", "INFO", "DEBUG")
CONFIG_NAME = "voila.py"
HOME_NOTEBOOK = paths.HOME_NOTEBOOK
READY_TIMEOUT_SECONDS = 120

#: A kernel with no page connected and nothing running for this long is shut down.
#: A page that closes normally stops its kernel at once (the template makes Voilà's
#: shutdown request work); this catches the rest: a crashed tab, a lost connection,
#: a page fetched by a script. A page that is open is never culled, however idle.
KERNEL_CULL_IDLE_SECONDS = 3600
KERNEL_CULL_INTERVAL_SECONDS = 300
#: How long Voilà waits for a cell's output after the kernel says the cell is done.
#: Its default, 4 s, drops the output (so the exercise never appears) when a busy
#: server is slow to read it (bench/README.md, "Outputs are waited for").
CELL_OUTPUT_WAIT_SECONDS = 60
#: After a pre-heated kernel is handed to a page, wait this long before starting its
#: replacement, so that starting it does not slow the page that is loading (measured:
#: bench/README.md). Pages asked for meanwhile start their own kernel
#: (peerkit/serve/voila_app.py), as they would with no pre-heating.
PREHEAT_REFILL_DELAY_SECONDS = 5


class Expression(str):
    """A setting's value written as Python code (a name the config file imports)."""

    def __repr__(self) -> str:
        return str(self)


#: What the config file imports for its :class:`Expression` values.
CONFIG_IMPORTS = ("from peerkit.serve.voila_app import log_request",)


@dataclass(frozen=True)
class Setting:
    """One line of Voilà's configuration: ``c.<section>.<name> = <value>  # <reason>``."""

    section: str
    name: str
    value: Any
    reason: str


@dataclass(frozen=True)
class Imported:
    """A function as a setting's value: the configuration file imports it, then names it."""

    module: str
    name: str

    def __repr__(self) -> str:
        return self.name

    @property
    def import_line(self) -> str:
        return f"from {self.module} import {self.name}"


@dataclass(frozen=True)
class ServeOptions:
    port: int = DEFAULT_PORT
    ip: str = DEFAULT_IP
    token: str = ""
    allow_hosts: tuple[str, ...] = ()
    preheat: bool = True
    log_level: str = "WARNING"
    #: The session page to pre-heat with the home at start-up (``continue_notebook``).
    continue_at: str | None = None


def preheat_plan_for(course: Course) -> PreheatPlan:
    """The home, My data and every written session page, in course order."""
    sessions = tuple(
        info.notebook
        for info in course.sessions
        if not info.planned and info.notebook_path().is_file()
    )
    return PreheatPlan(HOME_NOTEBOOK, sessions, paths.MY_DATA_NOTEBOOK)


def continue_notebook(course: Course) -> str | None:
    """The session the course home's "Continue" link points to now (None: none, or unknown)."""
    from peerkit.course.progress import course_progress, next_session
    from peerkit.identity import current_learner
    from peerkit.store.backends import open_store

    try:
        store = open_store()
        try:
            info = next_session(course, course_progress(course, store, current_learner()))
        finally:
            store.close()
    except Exception as exc:  # the pages still work; only the first visit is slower
        logging.getLogger("peerkit").warning(
            "peerkit serve could not read where to continue (%s)", type(exc).__name__
        )
        return None
    return info.notebook if info is not None else None


def is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip("[]")).is_loopback
    except ValueError:
        return False


def connect_ip(ip: str) -> str:
    """The address this machine reaches a server listening on ``ip`` at."""
    if ip in ("", "0.0.0.0"):
        return "127.0.0.1"
    if ip == "::":
        return "::1"
    return ip


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def course_url(options: ServeOptions, *, show_token: bool = True) -> str:
    """The course home's address, with the token (or ``...`` in its place)."""
    host = socket.gethostname() if options.ip in ("", "0.0.0.0", "::") else options.ip
    token = options.token if show_token else "..."
    return f"http://{_url_host(host)}:{options.port}/voila/render/{HOME_NOTEBOOK}?token={token}"


def page_settings(course: Course) -> list[Setting]:
    """How the course's pages run, wherever Voilà serves them (``peerkit serve``, a hub)."""
    from peerkit.serve.resources import LANGUAGE, voila_resources

    resources = voila_resources(course)
    resources["language_code"] = LANGUAGE
    return [
        Setting("VoilaConfiguration", "template", "peerkit", "The course's page template."),
        Setting(
            "VoilaConfiguration",
            "show_tracebacks",
            False,
            "Learners never see Python tracebacks (their text may hold their answers).",
        ),
        Setting(
            "MappingKernelManager",
            "cull_idle_timeout",
            KERNEL_CULL_IDLE_SECONDS,
            "Shut down a kernel no page has used for an hour (a crashed tab, a script).",
        ),
        Setting(
            "MappingKernelManager",
            "cull_interval",
            KERNEL_CULL_INTERVAL_SECONDS,
            "How often to look for such kernels.",
        ),
        Setting(
            "MappingKernelManager",
            "cull_connected",
            False,
            "A page that is open keeps its kernel, however idle.",
        ),
        Setting(
            "VoilaExporter",
            "markdown_renderer_class",
            "peerkit.serve.course_tables.CourseMarkdownRenderer",
            "Table cells carry their column's heading, so narrow screens can stack tables.",
        ),
        Setting(
            "VoilaExecutor",
            "iopub_timeout",
            CELL_OUTPUT_WAIT_SECONDS,
            "Voilà's 4 s drops a slow cell's output (so its exercise) on a busy server.",
        ),
        Setting(
            "VoilaConfiguration",
            "resources",
            resources,
            "Course data the template shows: breadcrumb, objectives, neighbours, support.",
        ),
    ]


def voila_settings(course: Course, options: ServeOptions, runtime: Path) -> list[Setting]:
    """Every setting ``peerkit serve`` gives Voilà, each with the reason for it."""
    remote = not is_loopback(options.ip)
    settings = [
        Setting("Voila", "root_dir", str(paths.notebooks_dir()), "The course's notebooks."),
        Setting(
            "Voila",
            "ip",
            options.ip,
            "Only this machine can connect, unless peerkit serve --ip says otherwise.",
        ),
        Setting("Voila", "port", options.port, "The port in the address peerkit serve prints."),
        Setting(
            "Voila", "port_retries", 0, "Fail rather than serve elsewhere than the printed address."
        ),
        Setting(
            "Voila",
            "open_browser",
            False,
            "peerkit serve opens the browser itself, with the token, once the server answers.",
        ),
        Setting(
            "Voila",
            "token",
            options.token,
            "Every page and API needs this token (then jupyter_server's login cookie): "
            "without it no page is shown and no kernel starts.",
        ),
        Setting(
            "Voila",
            "tornado_settings",
            {
                "allow_remote_access": remote,
                "local_hostnames": ["localhost", *options.allow_hosts],
                "log_function": Expression("log_request"),
            },
            (
                "Listening beyond this machine (--ip): the token is the only guard."
                if remote
                else "Answer only requests whose Host is this machine (or --allow-host): "
                "another site's page cannot reach the server by DNS rebinding."
            )
            + " Log requests with any token in their address hidden.",
        ),
        Setting(
            "Voila",
            "log_level",
            getattr(logging, options.log_level),
            f"{options.log_level}: a person reads this log (peerkit serve --log-level).",
        ),
        Setting(
            "NotebookNotary",
            "data_dir",
            str(runtime),
            "peerkit serve signed the course's notebooks here at start-up, so Voilà "
            "trusts them (and does not warn about each) without touching ~/.local.",
        ),
        Setting(
            "KernelManager",
            "transport",
            "ipc",
            "Kernels talk to the server through files in its private runtime folder, not "
            "TCP ports: kernels started together (a pre-heated pool) can pick the same free "
            "port and fail, and a TCP kernel's traffic is unencrypted on loopback.",
        ),
    ]
    if options.preheat:
        plan = replace(preheat_plan_for(course), continue_at=options.continue_at)
        settings += [
            Setting(
                "VoilaConfiguration",
                "preheat_kernel",
                True,
                "Session pages open without waiting for Python (peerkit/serve/preheat.py).",
            ),
            Setting(
                "VoilaKernelManager",
                "kernel_pools_config",
                plan.pools(),
                "Pre-heated at start-up: the home, My data and the session to continue; "
                "then three pages that follow the learner (peerkit/serve/warm_pages.py); "
                "about 60 MB each.",
            ),
            Setting(
                SECTION,
                "home",
                plan.home,
                "Always kept pre-heated: every visit starts at the course home.",
            ),
            Setting(
                SECTION,
                "my_data",
                plan.my_data,
                "Pre-heated at start-up and while the learner is on the home (which links to "
                "it) or on My data itself.",
            ),
            Setting(
                SECTION,
                "continue_at",
                plan.continue_at or "",
                "Where the home's Continue link pointed at start-up (empty: nowhere).",
            ),
            Setting(
                SECTION,
                "sessions",
                list(plan.sessions),
                "Session pages in course order: opening one pre-heats it again and the one "
                "after it (with the home), and lets the others' pre-heated kernels go.",
            ),
            Setting(
                "VoilaKernelManager",
                "fill_delay",
                PREHEAT_REFILL_DELAY_SECONDS,
                "Refill a pool after the page that used it has loaded, not during.",
            ),
        ]
    return settings + page_settings(course)


VOILA_HEADER = (
    "# Voilà's configuration for this `peerkit serve` (peerkit/serve/voila_config.py writes it",
    "# at each start into a private folder and removes it when the server stops).",
)


def render_config(
    settings: list[Setting],
    header: tuple[str, ...] = VOILA_HEADER,
    imports: tuple[str, ...] = CONFIG_IMPORTS,
    footer: tuple[str, ...] = (),
) -> str:
    """The settings as a Python config file (traitlets), each with its reason above it;
    ``footer``'s lines come last (code that needs ``c``)."""
    import textwrap

    lines = [*header, *imports, "", "c = get_config()  # noqa: F821"]
    for setting in settings:
        value = pprint.pformat(setting.value, width=88, sort_dicts=False)
        lines.append("")
        lines += textwrap.wrap(
            setting.reason, width=86, initial_indent="# ", subsequent_indent="# "
        )
        lines.append(f"c.{setting.section}.{setting.name} = {value}")
    if footer:
        lines += ["", *footer]
    return "\n".join(lines) + "\n"


def trust_notebooks(root: Path, data_dir: Path) -> int:
    """Sign every notebook under ``root`` with a notary keeping its files in ``data_dir``.

    Voilà reads each notebook through jupyter_server, which warns about every one it
    finds unsigned. These are the course's own notebooks, served as they are now.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=str(data_dir))
    count = 0
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        notary.sign(nbformat.read(path, as_version=4))
        count += 1
    notary.store.close()
    return count


def server_env() -> dict[str, str]:
    """Environment for the server: finds the checkout's template before an installed copy."""
    env = dict(os.environ)
    share = str(paths.template_share_dir())
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    return env


def voila_env(options: ServeOptions) -> dict[str, str]:
    """The Voilà process's environment (its kernels inherit it)."""
    env = server_env()
    env.pop(TOKEN_ENV, None)  # Voilà has it from its config; kernels need not
    env[LOG_LEVEL_ENV] = options.log_level
    # Where a pre-heated kernel reaches the server for its learner's request.
    env["VOILA_APP_IP"] = connect_ip(options.ip)
    return env


def make_runtime_dir() -> Path:
    """A new private folder (0700) for this server's configuration."""
    from jupyter_core.paths import jupyter_runtime_dir

    base = Path(jupyter_runtime_dir())
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(tempfile.mkdtemp(prefix="peerkit-serve-", dir=base))


def write_config(course: Course, options: ServeOptions, runtime: Path) -> Path:
    path = runtime / CONFIG_NAME
    text = render_config(voila_settings(course, options, runtime))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def voila_command(runtime: Path) -> list[str]:
    """Voilà's command line: nothing but where its configuration is."""
    return [sys.executable, "-m", "peerkit.serve.voila_app", f"--Voila.config_file_paths={runtime}"]
