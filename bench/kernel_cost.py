"""What each learner's kernel pays: start-up, ``import peerkit``, the first
``open_session``, building the session's exercises; what the imports cost, by package;
and what Voilà pays per page request to build its Jinja templates."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .common import NOTEBOOK_PATH, PYTHON, ROOT, log, summary
from .prefill import code_cells

#: Runs in a fresh kernel: times and resident memory around each step, as JSON.
KERNEL_CODE = r"""
import json as _json, os as _os, sys as _sys, time as _time
def _rss():
    with open('/proc/self/statm') as _f:
        return int(_f.read().split()[1]) * _os.sysconf('SC_PAGE_SIZE')
_preloaded = sorted(_sys.modules)
_r0, _t0 = _rss(), _time.perf_counter()
import peerkit
_t1, _r1 = _time.perf_counter(), _rss()
exec(compile(%(first)r, 'cell-1', 'exec'))
_t2, _r2 = _time.perf_counter(), _rss()
for _i, _src in enumerate(%(rest)r):
    exec(compile(_src, 'cell-%%d' %% (_i + 2), 'exec'))
_t3, _r3 = _time.perf_counter(), _rss()
print(_json.dumps({
    'import_s': _t1 - _t0, 'import_rss': _r1 - _r0,
    'open_session_s': _t2 - _t1, 'open_session_rss': _r2 - _r1,
    'exercises_s': _t3 - _t2, 'exercises_rss': _r3 - _r2,
    'total_s': _t3 - _t0, 'total_rss': _r3 - _r0, 'rss_before': _r0, 'rss_after': _r3,
    'exercises': len(session.exercises), 'preloaded': _preloaded,
    'new_modules': len(set(_sys.modules)) - len(_preloaded),
}))
"""


def kernel_code() -> str:
    cells = code_cells(NOTEBOOK_PATH)
    first = next(i for i, src in enumerate(cells) if "open_session" in src)
    return KERNEL_CODE % {"first": cells[first], "rest": cells[first + 1 :]}


def one_kernel(env: dict[str, str]) -> dict[str, object]:
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(NOTEBOOK_PATH.parent))
    ready = time.perf_counter() - started
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream" and msg["content"].get("name") == "stdout":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"].get("ename", "") + ": " + msg["content"]["evalue"])

    try:
        reply = kc.execute_interactive(kernel_code(), output_hook=hook, timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    text = "".join(out)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel code failed: {text[-2000:]}")
    result = json.loads(text.strip().splitlines()[-1])
    result["kernel_ready_s"] = ready
    return result


def kernel_costs(env: dict[str, str], runs: int) -> dict[str, object]:
    env = {**env, "VOILA_BASE_URL": "/"}  # as in a Voilà kernel
    samples = []
    for index in range(runs):
        samples.append(one_kernel(env))
        log(
            f"kernel {index + 1}/{runs}: import peerkit + open_session + exercises "
            f"{samples[-1]['total_s'] * 1000:.0f} ms"
        )
    keys = [k for k in samples[0] if k.endswith(("_s", "_rss"))]
    stats = {key: summary([s[key] for s in samples]) for key in keys}
    return {
        "runs": runs,
        "stats": stats,
        "preloaded": samples[0]["preloaded"],
        "new_modules": samples[0]["new_modules"],
        "exercises": samples[0]["exercises"],
    }


IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")
SKIP_PRELOAD = ("__main__", "__mp_main__", "ipykernel_launcher", "antigravity", "this")


def import_attribution(env: dict[str, str], preloaded: list[str]) -> dict[str, object]:
    """``python -X importtime`` of what a kernel imports beyond what it already had."""
    env = {**env, "VOILA_BASE_URL": "/"}
    with tempfile.TemporaryDirectory(prefix="peerkit-bench-") as tmp:
        preload = Path(tmp) / "preload.json"
        preload.write_text(json.dumps([m for m in preloaded if m not in SKIP_PRELOAD]))
        script = Path(tmp) / "importtime.py"
        script.write_text(
            "import importlib, json, sys, io, contextlib\n"
            f"for name in json.load(open({str(preload)!r})):\n"
            "    try:\n"
            "        with contextlib.redirect_stdout(io.StringIO()):\n"
            "            importlib.import_module(name)\n"
            "    except BaseException:\n"
            "        pass\n"
            "print('PEERKIT-BENCH-MARK', file=sys.stderr, flush=True)\n"
            f"code = {kernel_code()!r}\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    exec(compile(code, 'kernel', 'exec'), {})\n"
        )
        proc = subprocess.run(
            [PYTHON, "-X", "importtime", str(script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=str(ROOT),
        )
    if proc.returncode != 0:
        raise RuntimeError(f"importtime run failed: {proc.stderr[-2000:]}")
    after = proc.stderr.split("PEERKIT-BENCH-MARK", 1)[1]
    by_package: dict[str, int] = defaultdict(int)
    top_level: list[tuple[str, int]] = []
    for line in after.splitlines():
        match = IMPORTTIME.match(line)
        if not match:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        by_package[name.split(".")[0]] += int(self_us)
        if len(indent) <= 1:
            top_level.append((name, int(cumulative_us)))
    total = sum(by_package.values())
    return {
        "total_ms": total / 1000,
        "by_package_ms": sorted(
            ((name, us / 1000) for name, us in by_package.items()), key=lambda x: -x[1]
        )[:12],
        "top_level_ms": sorted(((n, us / 1000) for n, us in top_level), key=lambda x: -x[1])[:12],
        "note": "-X importtime adds its own overhead; use the shares, not the sum, as absolute",
    }


TEMPLATE_CODE = r"""
import asyncio, json, sys, time
import nbformat
from voila.exporter import VoilaExporter
from voila.paths import collect_template_paths
from peerkit.cli import voila_command

resources_arg = next(a for a in voila_command(0) if a.startswith('--VoilaConfiguration.resources='))
extra = json.loads(resources_arg.split('=', 1)[1])
TEMPLATE = sys.argv[1]
paths = collect_template_paths(['voila', 'nbconvert'], TEMPLATE)
nb = nbformat.read(%(notebook)r, as_version=4)

async def kernel_start(nb):
    return 'bench-no-kernel'

async def cell_generator(nb, kernel_id):
    for cell in nb.cells:
        yield cell

async def render():
    start = time.perf_counter()
    exporter = VoilaExporter(template_paths=paths, template_name=TEMPLATE, base_url='/')
    resources = {'base_url': '/', 'theme': 'light', 'template': TEMPLATE,
                 'metadata': {'name': 'bench'}, 'page_config': {},
                 **(extra if TEMPLATE == 'peerkit' else {})}
    context = {'frontend': 'voila', 'main_js': 'voila.js', 'kernel_start': kernel_start,
               'cell_generator': cell_generator, 'notebook_execute': None,
               'progressive_rendering': False}
    first = None
    async for chunk, _ in exporter.generate_from_notebook_node(
            nb, resources=resources, extra_context=context, page_config={}):
        if first is None:
            first = time.perf_counter() - start
    return first, time.perf_counter() - start

firsts, totals = [], []
for _ in range(%(runs)d):
    f, t = asyncio.run(render())
    firsts.append(f)
    totals.append(t)
print(json.dumps({'first_chunk': firsts, 'whole_page_without_kernel': totals}))
"""


def template_build(server_env: dict[str, str], runs: int = 6) -> dict[str, object]:
    """Voilà makes a new exporter, so a new Jinja environment, for every page request,
    and compiles the whole template chain again. Renders the session page as the server
    does, minus the kernel, with the peerkit template and with Voilà's lab template:
    time to the first byte, and to the whole page."""
    out: dict[str, object] = {}
    for template in ("peerkit", "lab"):
        code = TEMPLATE_CODE % {"runs": runs, "notebook": str(NOTEBOOK_PATH)}
        proc = subprocess.run(
            [PYTHON, "-c", code, template],
            env=server_env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=str(ROOT),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"template render failed: {proc.stderr[-2000:]}")
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        # The first render also pays for imports and file reads; the rest are per request.
        out[template] = {
            "first_chunk": summary(data["first_chunk"][1:]),
            "whole_page_without_kernel": summary(data["whole_page_without_kernel"][1:]),
        }
    return out


def run(env: dict[str, str], server_env: dict[str, str], runs: int) -> dict[str, object]:
    costs = kernel_costs(env, runs)
    attribution = import_attribution(env, costs.pop("preloaded"))
    templates = template_build(server_env)
    return {
        "kernel": costs,
        "imports": attribution,
        "template_build": templates,
        "cpu_count": os.cpu_count(),
    }
