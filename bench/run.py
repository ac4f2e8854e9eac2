"""Run every benchmark once, side by side, and write bench/results.json and bench/README.md.

make bench                      # the documented way (installs, then runs this)
.venv/bin/python -m bench       # the same, without the install step
.venv/bin/python -m bench --quick   # fewer samples, for checking the harness
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import kernel_cost, pages, report
from .common import (
    BENCH_DIR,
    LEARNER,
    NOTEBOOK,
    NOTEBOOK_PATH,
    PYTHON,
    ROOT,
    Server,
    cpu_ledger,
    free_port,
    log,
    machine,
    other_load,
    write_json,
)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small samples (harness check)")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    return parser.parse_args(argv)


def sizes(quick: bool) -> dict[str, float]:
    if quick:
        return {
            "reps": 2,
            "autosave": 8,
            "learners": 5,
            "spread": 1.0,
            "vanish": 2,
            "cull": 30,
            "kernels": 2,
            "writers": 10,
            "seconds": 5.0,
            "paced": 5.0,
        }
    return {
        "reps": 5,
        "autosave": 40,
        "learners": 20,
        "spread": 4.0,
        "vanish": 5,
        "cull": 120,
        "kernels": 5,
        "writers": 50,
        "seconds": 30.0,
        "paced": 10.0,
    }


def prefill(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "bench.prefill", str(NOTEBOOK_PATH)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=str(ROOT),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_static(env: dict[str, str], folder: Path) -> Path:
    subprocess.run(
        [
            PYTHON,
            "-m",
            "nbconvert",
            "--to",
            "html",
            "--execute",
            "--no-input",
            "--output-dir",
            str(folder),
            "--output",
            "chime",
            str(NOTEBOOK_PATH),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=str(ROOT),
    )
    return folder / "chime.html"


def voila_args(port: int, *, preheat: bool = True, **replace: str) -> list[str]:
    """``peerkit serve``'s Voilà command line, with some settings replaced or added."""
    from peerkit.cli import voila_command

    command = voila_command(port, preheat=preheat)
    for key, value in replace.items():
        prefix = f"--{key}="
        command = [a for a in command if not a.startswith(prefix)]
        command.append(f"{prefix}{value}")
    return command


def servers(env: dict[str, str], work: Path, cull_seconds: int) -> dict[str, Server]:
    from peerkit.cli import server_env

    logs = work / "logs"
    page = f"/voila/render/{NOTEBOOK}"
    serve_env = {**server_env(), **env}
    made = {}

    def add(name, command, server_env_, path, ready="/voila/static/", port=None):
        made[name] = Server(
            name,
            command(port),
            server_env_,
            port,
            logs / f"{name}.log",
            path=path,
            ready_path=ready,
        )

    for name in ("peerkit", "peerkit-no-preheat", "voila", "static", "peerkit-cull"):
        port = free_port()
        if name == "peerkit":
            add(
                name,
                lambda p: [PYTHON, "-m", "peerkit.cli", "serve", "--no-browser", f"--port={p}"],
                env,
                page,
                port=port,
            )
        elif name == "voila":
            add(
                name,
                lambda p: [
                    PYTHON,
                    "-m",
                    "voila",
                    str(NOTEBOOK_PATH),
                    "--no-browser",
                    f"--port={p}",
                ],
                env,
                "/",
                port=port,
            )
        elif name == "static":
            add(
                name,
                lambda p: [
                    PYTHON,
                    "-m",
                    "http.server",
                    str(p),
                    "--bind",
                    "127.0.0.1",
                    "--directory",
                    str(work / "static"),
                ],
                env,
                "/chime.html",
                ready="/chime.html",
                port=port,
            )
        elif name == "peerkit-no-preheat":
            add(
                name,
                lambda p: [
                    PYTHON,
                    "-m",
                    "peerkit.cli",
                    "serve",
                    "--no-browser",
                    "--no-preheat",
                    f"--port={p}",
                ],
                env,
                page,
                port=port,
            )
        else:
            add(
                name,
                # 20 learners arriving together: a pool of one pre-heated kernel would
                # serve only the first, so this server has none and every learner
                # takes the path a page takes when the pool is empty.
                lambda p: voila_args(
                    p,
                    preheat=False,
                    **{
                        "MappingKernelManager.cull_idle_timeout": str(cull_seconds),
                        "MappingKernelManager.cull_interval": "5",
                    },
                ),
                serve_env,
                page,
                port=port,
            )
    return made


def start(*group: Server) -> None:
    for server in group:
        server.start()
    for server in group:
        server.wait_ready()
        log(f"{server.name} ready on port {server.port} after {server.ready_after:.1f} s")


def main(argv: list[str] | None = None) -> int:
    from peerkit.cli import preheat_pools
    from peerkit.course.data import load_course

    args = parse(argv)
    size = sizes(args.quick)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="peerkit-bench-"))
    db = work / "answers.sqlite3"
    env = {
        **os.environ,
        "PEERKIT_DATABASE_URL": f"sqlite:///{db}",
        "PEERKIT_LEARNER": LEARNER,
        "XDG_DATA_HOME": str(work / "xdg"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    results: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench",
        "quick": args.quick,
        "sizes": size,
        "machine": machine(work),
        "machine_busy_before_pct": other_load(),
        "loadavg_before": os.getloadavg(),
    }
    ledger = cpu_ledger()
    log(
        f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores; "
        f"busy before start: {results['machine_busy_before_pct']:.0f}%"
    )
    all_servers: dict[str, Server] = {}
    try:
        expected = prefill(env)
        log(f"prefilled {len(expected['texts'])} boxes in {len(expected['exercises'])} exercises")
        export_static(env, work / "static")
        all_servers = servers(env, work, int(size["cull"]))
        s = all_servers
        start(s["peerkit"], s["peerkit-no-preheat"], s["voila"], s["static"])
        pooled = len(preheat_pools(load_course())) - 1  # peerkit serve: one per session
        # What pre-heating costs while nobody is using the course.
        started_pool = time.perf_counter()
        s["peerkit"].wait_quiet(180.0, pooled)
        results["preheat_idle"] = {
            "kernels": len(s["peerkit"].kernels()),
            "ready_after_s": s["peerkit"].ready_after + time.perf_counter() - started_pool,
            "memory": s["peerkit"].memory(),
            "memory_no_preheat": s["peerkit-no-preheat"].memory(),
        }

        # 1. Page loads, side by side.
        variants = [
            pages.Variant("peerkit", s["peerkit"], pool=pooled),
            pages.Variant("peerkit-no-preheat", s["peerkit-no-preheat"]),
            pages.Variant("voila", s["voila"]),
            pages.Variant("static", s["static"], interactive=False),
        ]
        results["page_loads"] = asyncio.run(pages.page_loads(variants, expected, int(size["reps"])))
        # The same pages' first byte when no browser competes for the CPU (these
        # kernels never get a page; they sit idle until their server stops).
        results["first_byte_direct_ms"] = {
            "peerkit": pages.direct_first_byte(s["peerkit"], 3, pooled),
            "voila": pages.direct_first_byte(s["voila"], 3),
        }
        results["freshness"] = asyncio.run(
            pages.freshness(
                [
                    pages.Variant("peerkit", s["peerkit"], pool=pooled),
                    pages.Variant("peerkit-no-preheat", s["peerkit-no-preheat"]),
                ],
                expected,
                db,
            )
        )
        log(f"fresh answers after pre-heating: {results['freshness']}")
        for name in ("peerkit-no-preheat", "voila", "static"):
            s[name].stop()

        # 3. Many learners at once (a server like peerkit serve, culling sooner).
        start(s["peerkit-cull"])
        asyncio.run(pages.page_loads([pages.Variant("warm-up", s["peerkit-cull"])], expected, 0))
        results["learners"] = asyncio.run(
            pages.learners(
                s["peerkit-cull"],
                expected,
                int(size["learners"]),
                size["spread"],
                int(size["vanish"]),
                size["cull"],
            )
        )
        log(
            "learners: {interactive}/{learners} interactive, {error_count} errors".format(
                **results["learners"]
            )
        )
        s["peerkit-cull"].stop()
        server_log = s["peerkit-cull"].log_path.read_text(errors="replace")
        results["learners"]["server_log"] = {
            "iopub_timeouts": server_log.count("Timeout waiting for IOPub output"),
            "kernels_culled": server_log.count("Culling '"),
            "kernels_shut_down": server_log.count("Kernel shutdown:"),
        }

        # 2. Autosave latency.
        from peerkit.exercises.autosave import AUTOSAVE_DELAY

        results["autosave"] = asyncio.run(
            pages.autosave(s["peerkit"], expected, db, int(size["autosave"]), AUTOSAVE_DELAY)
        )
        log(
            f"autosave p99 after the debounce: "
            f"{results['autosave']['after_debounce']['p99'] * 1000:.1f} ms"
        )
        s["peerkit"].stop()

        # 4. What a kernel pays.
        from peerkit.cli import server_env

        results["kernel_cost"] = kernel_cost.run(env, {**server_env(), **env}, int(size["kernels"]))

        # 5. The store under load.
        results["store"] = {}
        for mode, seconds, extra in (
            ("flat-out", size["seconds"], []),
            ("paced", size["paced"], ["0.8"]),
            ("fair-lock", size["paced"], []),
        ):
            path = work / f"load-{mode}.sqlite3"
            out = subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "bench.store_load",
                    str(path),
                    str(int(size["writers"])),
                    str(seconds),
                    mode,
                    *extra,
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 300,
                check=True,
                cwd=str(ROOT),
            )
            results["store"][mode] = json.loads(out.stdout.strip().splitlines()[-1])
            log(
                f"store {mode}: {results['store'][mode]['saves_per_second']:.0f} saves/s, "
                f"{results['store'][mode]['error_count']} errors, "
                f"{results['store'][mode]['lost']} lost"
            )
    finally:
        for server in all_servers.values():
            server.stop()
        results["loadavg_after"] = os.getloadavg()
        end = cpu_ledger()
        spent = {key: end[key] - ledger[key] for key in end}
        results["cpu_seconds"] = {
            **spent,
            "others": max(0.0, spent["machine_busy"] - spent["bench"]),
            "cores": os.cpu_count(),
        }
        results["elapsed_s"] = time.perf_counter() - started
        write_json(BENCH_DIR / "results.json", results)
        logs = ROOT / "test-artifacts" / "bench-logs"
        shutil.rmtree(logs, ignore_errors=True)
        if (work / "logs").is_dir():
            shutil.copytree(work / "logs", logs)
        shutil.rmtree(work, ignore_errors=True)
    if not args.no_readme:
        report.update_readme(BENCH_DIR / "README.md", results)
    print(report.summary_text(results))
    log(f"done in {results['elapsed_s']:.0f} s; results in bench/results.json and bench/README.md")
    return 0
