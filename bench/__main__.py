"""Run the benchmarks side by side; write bench/results.json and the README's table.

python -m bench                  # everything, ~16 minutes on 2 cores (`make bench`)
python -m bench --only export    # some sections, merged into results.json
python -m bench --quick          # tiny counts, to check the harness; written to
                                 # test-artifacts/bench-quick.json, not to the results
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import boardlag, classload, common, costs, pages
from .common import LEARNER, MARK, NOTEBOOK_PATH, PYTHON, ROOT, SESSION_ID, Server, log

HOME_NAME = f"{MARK}name"
SECTIONS = ("pages", "kernel", "store", "export", "class", "boards")
#: Counts (full run, --quick): page-load rounds, autosaves, fresh kernels, store writers,
#: seconds flat out and paced, export revisions, words per field, runs per format; the
#: class's learners, how many in browsers, seconds over which they arrive, saves each,
#: rounds of the warm-up's page loads; shared saves each learner makes with every board open.
SIZES = {"reps": (5, 1), "autosave": (40, 3), "kernels": (5, 1), "writers": (50, 5),
         "seconds": (30, 3), "paced": (10, 3), "revisions": (5, 1), "words": (400, 50),
         "repeat": (3, 1), "class": (30, 3), "browsers": (3, 1), "class_spread": (30, 3),
         "class_saves": (5, 2), "hub_reps": (3, 1), "board_saves": (3, 1)}  # fmt: skip
#: Command lines of the baselines; {port}, {nb} and {static} are filled in.
VOILA = "-m voila {nb} --no-browser --port={port}"
STATIC = "-m http.server {port} --bind 127.0.0.1 --directory {static}"
NBCONVERT = "-m nbconvert --to html --execute --no-input --output-dir {static} --output index {nb}"
#: My data: usable when its first button (Prepare downloads; a button's value is "") is.
MY_DATA_EXPECTED = {"texts": [""], "exercises": 1, "box": "button.peerkit-prepare",
                    "parts": ".peerkit-my-data"}  # fmt: skip


def prefill(db: Path) -> dict[str, Any]:
    """A saved answer in every box of the session, for the benchmark learner."""
    course = common.load_course()
    answers = {e: v for s, e, v in common.sample_answers(course, MARK.__add__) if s == SESSION_ID}
    with common.AnswerStore(f"sqlite:///{db}") as answer_store:
        answer_store.save(LEARNER, *common.HOME_NAME_ANSWER, HOME_NAME)
        for exercise, value in answers.items():
            answer_store.save(LEARNER, SESSION_ID, exercise, value)
    found = re.findall(f'"({MARK}[^"]*)"', json.dumps(answers))  # in page order
    return {"answers": answers, "texts": found, "exercises": len({t.split("/")[1] for t in found})}


def command(template: str, work: Path, port: int = 0, nb: Path = NOTEBOOK_PATH) -> list[str]:
    fill = {"port": port, "nb": nb, "static": work / ("static" + nb.stem)}
    return [PYTHON, *(part.format(**fill) for part in template.split())]


def side_by_side(work: Path, page: str | None, expected: dict[str, Any], peerkit: list[Server],
                 pool: int, reps: int) -> dict[str, Any]:  # fmt: skip
    """A page (the session's, or `page`) loaded from `peerkit serve` with and without
    pre-heating, plain Voilà and the static file server of its executed HTML."""
    nb = ROOT / "notebooks" / page if page else NOTEBOOK_PATH
    suffix = {common.HOME: "-home", common.MY_DATA: "-my-data"}.get(page or "", "")
    subprocess.run(command(NBCONVERT, work, nb=nb), capture_output=True, timeout=300,
                   check=True, cwd=ROOT)  # fmt: skip
    voila, static = (
        Server(name + suffix, work, functools.partial(command, template, work, nb=nb), "/")
        for name, template in (("voila", VOILA), ("static", STATIC))
    )
    try:
        for server in (voila, static):
            server.start()
        pk, no = pages.Variant(peerkit[0], pool=pool, notebook=page), pages.Variant(peerkit[1])
        no.notebook = page
        variants = [pk, no, pages.Variant(voila), pages.Variant(static, interactive=False)]
        return asyncio.run(pages.page_loads(variants, expected, reps))
    finally:
        for server in (voila, static):
            server.stop()


def run_pages(work: Path, expected: dict[str, Any], size: dict[str, int]) -> dict[str, Any]:
    peerkit = [Server("peerkit", work), Server("peerkit-no-preheat", work, preheat=False)]
    # On the session: the home, it and the one after it (peerkit/serve/warm_pages.py).
    pool = len(common.preheat_plan_for(common.load_course()).warm(common.NOTEBOOK, common.NOTEBOOK))
    try:
        for server in peerkit:
            server.start()
        peerkit[0].wait_quiet(180.0, pool)
        out: dict[str, Any] = {"idle_memory": {s.name: common.memory(s.procs()) for s in peerkit}}
        out["idle_memory"]["preheated_kernels"] = len(peerkit[0].kernels())
        out["loads"] = side_by_side(work, None, expected, peerkit, pool, size["reps"])
        for key, page, expect in (("home_loads", common.HOME, common.home_expected(HOME_NAME)),
                                  ("my_data_loads", common.MY_DATA, MY_DATA_EXPECTED)):  # fmt: skip
            out[key] = side_by_side(work, page, expect, peerkit, pool, size["reps"])
        db, with_pool = work / "answers.sqlite3", {**expected, "pool": pool}
        out["autosave"] = asyncio.run(pages.autosave(peerkit[0], with_pool, db, size["autosave"]))
        return out
    finally:
        for server in peerkit:
            server.stop()


def section(name: str, work: Path, expected: dict[str, Any], size: dict[str, int]) -> Any:
    writers, pace = size["writers"], common.AUTOSAVE_DELAY
    run = {
        "pages": lambda: run_pages(work, expected, size),
        "class": lambda: classload.run_class(work, size),
        "boards": lambda: boardlag.run_boards(work, size),
        "kernel": lambda: costs.kernel_cost(dict(os.environ), size["kernels"]),
        "store": lambda: {
            "flat-out": costs.store_load(work / "flat.sqlite3", writers, size["seconds"]),
            "paced": costs.store_load(work / "paced.sqlite3", writers, size["paced"], pace),
        },
        "export": lambda: costs.export_speed(size["revisions"], size["words"], size["repeat"]),
    }
    return run[name]()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts (harness check)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    size = {key: pair[args.quick] for key, pair in SIZES.items()}
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="peerkit-bench-"))
    os.environ.update(PEERKIT_LEARNER=LEARNER, XDG_DATA_HOME=str(work / "xdg"))
    os.environ.update(PEERKIT_DATABASE_URL=f"sqlite:///{work / 'answers.sqlite3'}")
    path = ROOT / ("test-artifacts/bench-quick.json" if args.quick else "bench/results.json")
    results = json.loads(path.read_text()) if path.exists() and not args.quick else {}
    results.setdefault("measured", {})
    machine = common.machine()
    try:
        expected = prefill(work / "answers.sqlite3")
        for name in args.only:
            log(f"section {name}")
            results[name] = section(name, work, expected, size)
            results["measured"][name] = datetime.now(UTC).strftime("%Y-%m-%d")
    finally:
        shutil.rmtree(logs := ROOT / "test-artifacts" / "bench-logs", ignore_errors=True)
        if (work / "logs").is_dir():
            shutil.copytree(work / "logs", logs)
        shutil.rmtree(work, ignore_errors=True)
        machine.update(loadavg_after=os.getloadavg()[0], elapsed_s=round(time.time() - started))
        if set(args.only) == set(SECTIONS) or "machine" not in results:  # else: a partial run
            results["machine"] = machine
        common.write_json(path, results)
    table = report(results)
    if not args.quick:
        readme = ROOT / "bench" / "README.md"
        pattern = re.compile(r"(<!-- table -->\n).*?(<!-- /table -->)", re.S)
        readme.write_text(pattern.sub(lambda m: m[1] + table + m[2], readme.read_text()))
    print(table)
    log(f"done in {machine['elapsed_s']:.0f} s; results in {path}")
    return 0


#: The table: (section, target, peerkit's number, test, limit, baseline's number);
#: numbers are paths into the section's results; a test of "" only shows the numbers.
TARGETS = [
    *[("pages", f"{title}: {what}, {cache} cache, ms", f"{key}/peerkit/{cache}/{mark}/p50",
       test, bound, f"{key}/{base}{suffix}/{cache}/{mark}/p50")
      for key, suffix, title in (("loads", "", "Session page"), ("home_loads", "-home",
                                 "Course home"), ("my_data_loads", "-my-data", "My data"))
      for mark, what, test, bound, base in (("text", "text visible", "ratio <=", 1.5, "static"),
                                            ("interactive", "usable", "ratio <", 0.4, "voila"))
      for cache in ("cold", "warm")],
    ("pages", "Answer saved after pre-heating is shown", "autosave/fresh_answer_shown",
     "==", True, None),
    ("pages", "Idle memory (vs --no-preheat), MB PSS", "idle_memory/peerkit/pss_mb",
     "<=", 300, "idle_memory/peerkit-no-preheat/pss_mb"),
    ("pages", "Autosave after the 0.8 s debounce, p99 ms", "autosave/after_debounce_ms/p99",
     "<", 50, None),
    ("pages", "Autosaves not seen in the database", "autosave/missed", "==", 0, None),
    ("kernel", "`import peerkit`, ms", "import peerkit/ms/p50", "<", 150, None),
    ("kernel", "`import peerkit`, MB resident", "import peerkit/mb/p50", "<", 20, None),
    ("kernel", "… + first `open_session`, ms", "import + open_session/ms/p50", "<", 150, None),
    ("kernel", "… + first `open_session`, MB", "import + open_session/mb/p50", "<", 20, None),
    ("store", "Writers flat out: errors, lost or misordered saves", "flat-out/problems",
     "==", 0, None),
    ("store", "… saves/s (vs p99 ms)", "flat-out/saves_per_s", "", None, "flat-out/latency_ms/p99"),
    ("store", "Writers at the autosave pace: p99 ms", "paced/latency_ms/p99", "", None, None),
    ("export", "Portfolio export, whole course, slowest format, s", "slowest_s", "<", 2, None),
    ("class", "Class: learners with every page usable and no errors", "usable",
     "==", "learners", None),
    ("class", "… errors", "errors", "==", 0, None),
    ("class", "… sign-in to a usable course home, p95 s", "to_home_s/all/p95", "<", 20, None),
    ("class", "… sign-in to a usable session page, p95 s", "to_session_s/all/p95", "", None, None),
    ("class", "… browsers' home, p50 s (vs HTTP clients')", "to_home_s/browser/p50",
     "", None, "to_home_s/http/p50"),
    ("class", "… spawn (hub log), p50 s (vs max)", "spawn_s/p50", "", None, "spawn_s/max"),
    ("class", "… memory per learner, max MB RSS (vs p50)", "memory/per_learner_rss_mb/max",
     "<=", 150, "memory/per_learner_rss_mb/p50"),
    ("class", "… hub, proxy, service, PostgreSQL, MB RSS", "memory/infrastructure_total_rss_mb",
     "", None, None),
    ("class", "… server CPU per page opened, p50 s (vs max)", "cpu/per_page_s/p50",
     "<=", 0.5, "cpu/per_page_s/max"),
    ("class", "… answer durable after the debounce, p99 ms", "durable_after_debounce_ms/all/p99",
     "<", 100, None),
    *[("class", f"… warm-up's {p} via the hub: {w}, cold p50 ms (vs warm)",
       f"hub_pages/{p}/cold/{k}/p50", "", None, f"hub_pages/{p}/warm/{k}/p50")
      for p in ("home", "session")
      for k, w in (("text", "text visible"), ("interactive", "every exercise interactive"))],
    ("boards", "Boards: a save on the facilitator's board, p50 ms (vs p95)",
     "to_facilitator_ms/p50", "", None, "to_facilitator_ms/p95"),
    ("boards", "… on another learner's group board, p95 ms (vs p50)", "to_group_board_ms/p95",
     "<", 2000, "to_group_board_ms/p50"),
    ("boards", "… saves not on both boards within 10 s", "not_shown_within_10_s", "==", 0, None),
    ("boards", "… an idea on another learner's board of ideas, p95 ms (vs p50)",
     "idea_to_group_ms/p95", "<", 2000, "idea_to_group_ms/p50"),
    ("boards", "… ideas not on it within 10 s", "ideas_not_shown_within_10_s", "==", 0, None),
    ("boards", "… the adder's reply, p95 ms (vs p50)", "idea_added_reply_ms/p95",
     "<", 2000, "idea_added_reply_ms/p50"),
]  # fmt: skip
OPS = {"ratio <=": operator.le, "ratio <": operator.lt, "<": operator.lt, "==": operator.eq,
       "<=": operator.le}  # fmt: skip


def lookup(results: Any, path: str | None) -> Any:
    for key in path.split("/") if path else ():
        results = results.get(key) if isinstance(results, dict) else None
    return results if path else None


def report(results: dict[str, Any]) -> str:
    """The README's table: each target, peerkit's number, its baseline, and whether met."""
    lines = ["| target | peerkit | baseline | target | met | measured |", "|---" * 6 + "|"]
    for part, target, ours, test, limit, base in TARGETS:
        if part not in results:
            continue
        r = results[part]
        value, base_value = lookup(r, ours), lookup(r, base)
        bound: Any = lookup(r, limit) if isinstance(limit, str) else limit
        judged, shown = value, f"{value}"
        if test.startswith("ratio") and value is not None and base_value:
            judged = round(value / base_value, 2)
            shown = f"{value} ({judged}\N{MULTIPLICATION SIGN})"
        if test == "done":
            ok, bound_text = judged is not None, ""
        else:
            ok = test in OPS and judged is not None and OPS[test](judged, bound)
            bound_text = f"{test} {bound}" if test else ""
        met = "" if not test else "yes" if ok else "**no**"
        row = [target, shown, "" if base is None else f"{base_value}", bound_text, met]
        lines.append("| " + " | ".join([*row, results["measured"].get(part, "")]) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
