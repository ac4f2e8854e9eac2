"""Turn results.json into the Markdown results section of bench/README.md."""

from __future__ import annotations

from pathlib import Path

BEGIN = "<!-- results:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- results:end -->"

TEXT_TARGET = 2.5
INTERACTIVE_TARGET = 0.5
AUTOSAVE_TARGET_MS = 50.0
IMPORT_TARGET_MS = 150.0
IMPORT_TARGET_MB = 20.0
X = "\u00d7"  # the multiplication sign, for ratios


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def msv(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def mb(value: float | None) -> str:
    return "–" if value is None else f"{value / 2**20:.1f} MB"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b in (None, 0) else a / b


def rx(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}{X}"


def yes(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def p50(block: dict, key: str) -> float | None:
    return (block.get(key) or {}).get("p50")


def spread(block: dict, key: str) -> str:
    s = block.get(key) or {}
    if s.get("p50") is None:
        return "–"
    return f"{s['p50']:.0f} ({s['min']:.0f}–{s['max']:.0f})"


def targets(r: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    loads = r.get("page_loads", {})
    for cache in ("cold", "warm"):
        pk, st, vo = (loads.get(n, {}).get(cache, {}) for n in ("peerkit", "static", "voila"))
        t = ratio(p50(pk, "text_ms"), p50(st, "text_ms"))
        rows.append(
            (
                f"Narrative visible within {TEXT_TARGET}{X} the static page ({cache} cache)",
                f"{msv(p50(pk, 'text_ms'))} vs {msv(p50(st, 'text_ms'))}",
                rx(t),
                yes(None if t is None else t <= TEXT_TARGET),
            )
        )
        i = ratio(p50(pk, "interactive_ms"), p50(vo, "interactive_ms"))
        rows.append(
            (
                f"Every exercise interactive in under {INTERACTIVE_TARGET}{X} plain Voilà "
                f"({cache})",
                f"{msv(p50(pk, 'interactive_ms'))} vs {msv(p50(vo, 'interactive_ms'))}",
                rx(i),
                yes(None if i is None else i < INTERACTIVE_TARGET),
            )
        )
    auto = r.get("autosave", {})
    if auto:
        p99 = auto["after_debounce"]["p99"]
        rows.append(
            (
                f"Autosave p99 under {AUTOSAVE_TARGET_MS:.0f} ms after the "
                f"{auto['debounce_s']} s debounce",
                f"p99 {ms(p99)}, p50 {ms(auto['after_debounce']['p50'])} "
                f"({auto['samples'] - auto['missed']}/{auto['samples']} saves seen)",
                "",
                yes(p99 is not None and p99 * 1000 < AUTOSAVE_TARGET_MS and not auto["missed"]),
            )
        )
    kc = r.get("kernel_cost", {}).get("kernel", {}).get("stats")
    if kc:
        for label, t_key, m_key in (
            ("`import peerkit` in a fresh kernel", "import_s", "import_rss"),
            ('`import peerkit` + first `open_session("m2s1")`', None, None),
        ):
            if t_key:
                t, m = kc[t_key]["p50"], kc[m_key]["p50"]
            else:
                t = kc["import_s"]["p50"] + kc["open_session_s"]["p50"]
                m = kc["import_rss"]["p50"] + kc["open_session_rss"]["p50"]
            ok = t * 1000 < IMPORT_TARGET_MS and m / 2**20 < IMPORT_TARGET_MB
            rows.append(
                (
                    f"{label} under {IMPORT_TARGET_MS:.0f} ms and {IMPORT_TARGET_MB:.0f} MB",
                    f"{ms(t)}, {mb(m)} resident",
                    "",
                    yes(ok),
                )
            )
    le = r.get("learners")
    if le:
        ok = le["interactive"] == le["learners"] and le["error_count"] == 0
        rows.append(
            (
                f"{le['learners']} learners at once: every page interactive, no errors",
                f"{le['interactive']}/{le['learners']} interactive, {le['error_count']} errors; "
                f"p50 {msv(le['time_to_interactive_ms']['p50'])}, "
                f"p95 {msv(le['time_to_interactive_ms']['p95'])}",
                "",
                yes(ok),
            )
        )
        mem = le["memory"]
        back = mem["after_culling"]["pss"] - mem["before"]["pss"]
        ok = le["vanished_to_culled_s"] is not None and le["close_to_shutdown_s"] is not None
        rows.append(
            (
                "Kernels shut down or culled once learners leave; memory returns",
                f"closed: {le['closed_normally']} kernels stopped in "
                f"{_s(le['close_to_shutdown_s'])}; vanished: {le['vanished']} culled in "
                f"{_s(le['vanished_to_culled_s'])}; PSS {mb(mem['before']['pss'])} → "
                f"{mb(mem['all_open']['pss'])} → {mb(mem['after_culling']['pss'])} "
                f"({back / 2**20:+.1f} MB)",
                "",
                yes(ok),
            )
        )
    store = r.get("store", {}).get("flat-out")
    if store:
        ok = store["error_count"] == 0 and store["lost"] == 0 and not store["writers_crashed"]
        rows.append(
            (
                f"Store, {store['writers']} writers for {store['seconds']:.0f} s: "
                "zero errors, zero lost writes",
                f"{store['saves_per_second']:.0f} saves/s, p99 {ms(store['latency']['p99'])}, "
                f"{store['error_count']} errors, {store['lost']} lost",
                "",
                yes(ok),
            )
        )
    return rows


def _s(value: float | None) -> str:
    return "– (timed out)" if value is None else f"{value:.1f} s"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render(r: dict) -> str:
    m = r["machine"]
    out = [
        BEGIN,
        "",
        f"Run {r['started']} with `{r['command']}`"
        + (" --quick (small samples: not for comparison)" if r.get("quick") else "")
        + f"; the whole run took {r.get('elapsed_s', 0):.0f} s.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, "
        f"virtualised: {m['virtualised']}; {m['os']}, Linux {m['kernel']}; "
        f"Python {m['python']}; {m['chromium']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + f". Work files on {m['work_filesystem']}. CPU busy (all processes) in the second "
        f"before the run: {r['machine_busy_before_pct']:.0f}%; load average "
        f"{r['loadavg_before'][0]:.2f} before, {r.get('loadavg_after', [0])[0]:.2f} after."
        + _others(r.get("cpu_seconds")),
        "",
        "### Targets",
        "",
        *table(
            ["target", "measured (p50 unless stated)", "ratio", ""],
            [list(row) for row in targets(r)],
        ),
        "",
    ]
    loads = r.get("page_loads")
    if loads:
        reps = r["sizes"]["reps"]
        out += [
            f"### 1. Page loads (ms from navigation start; p50 (min–max) of {reps:.0f} loads)",
            "",
        ]
        rows = []
        for name in ("peerkit", "peerkit-no-preheat", "voila", "static"):
            if name not in loads:
                continue
            for cache in ("cold", "warm"):
                b = loads[name][cache]
                rows.append(
                    [
                        f"{name} ({cache})",
                        spread(b, "text_ms"),
                        rx(ratio(p50(b, "text_ms"), p50(loads["static"][cache], "text_ms"))),
                        spread(b, "interactive_ms"),
                        rx(
                            ratio(
                                p50(b, "interactive_ms"),
                                p50(loads["voila"][cache], "interactive_ms"),
                            )
                        ),
                        spread(b, "responseStart"),
                        spread(b, "firstByteWait"),
                        spread(b, "responseEnd"),
                        spread(b, "loadEventEnd"),
                        f"{(p50(b, 'transferred') or 0) / 1024:.0f} KB",
                    ]
                )
        out += table(
            [
                "page",
                "text visible",
                f"{X} static",
                "every exercise interactive",
                f"{X} voila",
                "first byte",
                "server's part of it",
                "HTML complete",
                "load event",
                "transferred",
            ],
            rows,
        )
        out.append("")
        notes = []
        for name, b in loads.items():
            restored = [x for c in ("cold", "warm") for x in b[c]["restored_ok"]]
            bad = sum(1 for x in restored if x is False)
            pooled = b.get("kernels_pooled", 0)
            notes.append(
                f"{name}: {b['error_count']} page errors, {b['blocked_external_requests']} "
                f"outside requests blocked, {bad} loads with an answer not restored, "
                f"{b.get('shutdown_requests_refused', 0)} kernel shutdown requests seen "
                f"refused, {b['kernels_left_running'] - pooled} kernels still running after "
                "all its pages had closed" + (f" (plus {pooled} pre-heated)" if pooled else "")
            )
        out += ["Per page: " + "; ".join(notes) + ".", ""]
        direct = r.get("first_byte_direct_ms")
        if direct:
            out += [
                "First byte of the same pages with no browser running (3 requests each, "
                "idle server): "
                + "; ".join(
                    f"{k} p50 {msv(v['p50'])} (max {msv(v['max'])})" for k, v in direct.items()
                )
                + ".",
                "",
            ]
        idle = r.get("preheat_idle")
        if idle:
            out += [
                f"Cost of pre-heating, nobody using the course: `peerkit serve` with "
                f"{idle['kernels']} kernels ready, {idle['ready_after_s']:.0f} s after it "
                f"started, holds {mb(idle['memory']['pss'])} PSS ({mb(idle['memory']['rss'])} "
                f"RSS); with `--no-preheat`, {mb(idle['memory_no_preheat']['pss'])} PSS.",
                "",
            ]
        fresh = r.get("freshness")
        if fresh:
            out += [
                "Answers saved after the server pre-heated its kernel, then the page opened: "
                + "; ".join(f"{k}: {_fresh(v)}" for k, v in fresh.items())
                + ".",
                "",
            ]
    auto = r.get("autosave")
    if auto:
        rows = [
            ["last keystroke → committed in the database", *_dist(auto["total"])],
            ["the same, minus the debounce", *_dist(auto["after_debounce"])],
            [
                "last keystroke → kernel starts the save, minus the debounce",
                *_dist(auto["to_kernel_save_start_after_debounce"]),
            ],
            [
                "save started → committed and seen by a reader",
                *_dist(auto["save_commit_and_detect"]),
            ],
        ]
        out += [
            f"### 2. Autosave ({auto['samples']} saves of the `{auto['exercise']}` reflection; "
            f"debounce {auto['debounce_s']} s)",
            "",
            *table(["", "p50", "p99", "max"], rows),
            "",
            f"Missed saves: {auto['missed']}; page errors: {len(auto['errors'])}. "
            f"{auto['clock_note']}.",
            "",
        ]
    le = r.get("learners")
    if le:
        mem = le["memory"]
        out += [
            f"### 3. {le['learners']} learners opening the session within {le['spread_s']:.0f} s",
            "",
            f"- Interactive: {le['interactive']}/{le['learners']}; errors: {le['error_count']}"
            + (f" ({'; '.join(le['errors'][:3])})" if le["errors"] else "")
            + (f"; failures: {'; '.join(le['failures'][:3])}" if le["failures"] else ""),
            f"- Time to every exercise interactive: p50 "
            f"{msv(le['time_to_interactive_ms']['p50'])}, p95 "
            f"{msv(le['time_to_interactive_ms']['p95'])}, max "
            f"{msv(le['time_to_interactive_ms']['max'])}; text visible p50 "
            f"{msv(le['text_ms']['p50'])}, p95 {msv(le['text_ms']['p95'])}. All "
            f"interactive {le['all_interactive_after_s']:.1f} s after the first learner "
            "started.",
            f"- Kernels: {le['kernels_while_open']} running when all were ready; "
            f"{le['vanished']} learners vanished as soon as their page was ready (context "
            f"closed, no unload) and their kernels were culled "
            f"{_s(le['vanished_to_culled_s'])} after the last of them left (this run culls "
            f"after {le['cull_after_setting_s']:.0f} s idle with no page connected; `peerkit "
            f"serve` after 3600 s); {le['closed_normally']} closed their page and their "
            f"kernels stopped within {_s(le['close_to_shutdown_s'])}.",
            f"- CPU seconds used until all were ready: server "
            f"{le['cpu_seconds_to_all_open']['server']:.0f}, kernels "
            f"{le['cpu_seconds_to_all_open']['kernels']:.0f}, the {le['learners']} browsers "
            f"(Chromium, same machine) {le['cpu_seconds_to_all_open']['browser']:.0f}."
            + (
                f" Server log: {le['server_log']['iopub_timeouts']} cell outputs given up "
                f"on (IOPub timeouts), {le['server_log']['kernels_culled']} kernels culled."
                if le.get("server_log")
                else ""
            ),
            f"- Server + kernels memory, PSS (RSS): before {mb(mem['before']['pss'])} "
            f"({mb(mem['before']['rss'])}); all open {mb(mem['all_open']['pss'])} "
            f"({mb(mem['all_open']['rss'])}); peak RSS sampled "
            f"{mb(mem['peak_rss_sampled'])}; after closing {mb(mem['after_closing']['pss'])}; "
            f"after culling {mb(mem['after_culling']['pss'])} "
            f"({mem['after_culling']['processes']} processes).",
            "",
        ]
    kc = r.get("kernel_cost")
    if kc:
        st = kc["kernel"]["stats"]
        rows = [
            [
                "kernel start → ready",
                ms(st["kernel_ready_s"]["p50"]),
                ms(st["kernel_ready_s"]["max"]),
                "–",
            ],
            [
                "`import peerkit`",
                ms(st["import_s"]["p50"]),
                ms(st["import_s"]["max"]),
                mb(st["import_rss"]["p50"]),
            ],
            [
                'first `peerkit.open_session("m2s1")`',
                ms(st["open_session_s"]["p50"]),
                ms(st["open_session_s"]["max"]),
                mb(st["open_session_rss"]["p50"]),
            ],
            [
                f"the session's other cells ({kc['kernel']['exercises']} exercises)",
                ms(st["exercises_s"]["p50"]),
                ms(st["exercises_s"]["max"]),
                mb(st["exercises_rss"]["p50"]),
            ],
            [
                "all of the above after start",
                ms(st["total_s"]["p50"]),
                ms(st["total_s"]["max"]),
                mb(st["total_rss"]["p50"]),
            ],
        ]
        imp = kc["imports"]
        tb = kc["template_build"]
        out += [
            f"### 4. What each learner's kernel pays ({kc['kernel']['runs']} fresh kernels)",
            "",
            *table(["step", "p50", "max", "resident memory added (p50)"], rows),
            "",
            f"Imports the kernel did not already have ({kc['kernel']['new_modules']} modules), "
            f"by package, self time from `python -X importtime` (total "
            f"{imp['total_ms']:.0f} ms): "
            + ", ".join(f"{n} {t:.0f} ms" for n, t in imp["by_package_ms"][:6])
            + ". Largest single imports (cumulative): "
            + ", ".join(f"`{n}` {t:.0f} ms" for n, t in imp["top_level_ms"][:5])
            + ".",
            "",
            "Voilà builds a new Jinja environment and compiles the template chain for every "
            "page request. Rendering the session page without a kernel, as the server does "
            "(p50): with the peerkit template "
            f"{ms(tb['peerkit']['first_chunk']['p50'])} to the first byte and "
            f"{ms(tb['peerkit']['whole_page_without_kernel']['p50'])} for the whole page; "
            f"with Voilà's lab template {ms(tb['lab']['first_chunk']['p50'])} and "
            f"{ms(tb['lab']['whole_page_without_kernel']['p50'])}.",
            "",
        ]
    store = r.get("store")
    if store:
        rows = []
        for mode, s in store.items():
            rows.append(
                [
                    mode
                    + (f" (one save per {s['save_every']} s each)" if s.get("save_every") else ""),
                    f"{s['writers']} {X} {s['seconds']:.0f} s",
                    f"{s['saves_per_second']:.0f}",
                    ms(s["latency"]["p50"]),
                    ms(s["latency"]["p99"]),
                    ms(s["latency"]["max"]),
                    ms(s["lock_wait"]["p99"]) if s.get("lock_wait") else "–",
                    ms(s["after_lock"]["p99"]) if s.get("after_lock") else "–",
                    str(s["error_count"]),
                    str(s["lost"]),
                    s["integrity_check"],
                ]
            )
        out += [
            "### 5. The store under load (SQLite, one process and one learner per writer)",
            "",
            *table(
                [
                    "mode",
                    "writers",
                    "saves/s",
                    "p50",
                    "p99",
                    "max",
                    "p99 waiting for the write lock",
                    "p99 holding it",
                    "errors",
                    "lost",
                    "integrity",
                ],
                rows,
            ),
            "",
        ]
    out.append(END)
    return "\n".join(out)


def _others(cpu: dict | None) -> str:
    if not cpu:
        return ""
    capacity = cpu["wall"] * cpu["cores"]
    return (
        f" During the run the benchmark (servers, kernels, browsers, writers) used "
        f"{cpu['bench']:.0f} CPU-seconds and other processes {cpu['others']:.0f} "
        f"({100 * cpu['others'] / capacity:.0f}% of the machine's {capacity:.0f}); the "
        f"hypervisor took {cpu['steal']:.0f} s."
    )


def _fresh(v: dict) -> str:
    return "shown" if v["fresh"] else f"NOT shown (the page showed {v['shown']!r})"


def _dist(s: dict) -> list[str]:
    return [ms(s["p50"]), ms(s["p99"]), ms(s["max"])]


def update_readme(path: Path, results: dict) -> None:
    section = render(results)
    text = (
        path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    )
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def summary_text(results: dict) -> str:
    lines = ["", "Targets:"]
    for target, measured, r, ok in targets(results):
        lines.append(f"  - {target}: {measured} {r} {ok.replace('**', '')}")
    return "\n".join(lines)
