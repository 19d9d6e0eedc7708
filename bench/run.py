"""`make bench`: time the ways to get from a fresh workspace to a first simulation year, the hook on healthy
workspaces, a partial heal, the real-project-shaped consumer fixture, a stale seed and the `selfheal` wrapper; print
a table with the targets (PASS/FAIL), write bench/results.json and draw bench/results.png.

Every figure is the median of several runs; the strategies alternate run by run (the order rotates each round), and
every ratio compares runs of this same bench run. Wall time is what the targets use; CPU time (user + system of the
child) is recorded too, being far less sensitive to other work on a shared machine.
Parse cache: all warm. Per census size there are two workspaces (healing on: heal + wrapper; healing off:
full_build + same_nodes + original), each with its own dbt target path pre-warmed once by `dbt parse` with exactly
the project, profile env and vars its runs use. A "fresh workspace" deletes everything but target/ (database, WAL,
logs, lock files), so every measured run starts from an empty database and the same warm partial-parse cache.
`--quick` measures the 10,000 census only, with fewer runs, to iterate fast.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

# Run as a script (`python bench/run.py`): make the `bench` and `tests` packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from bench import chart, events, postgres, scenarios
from bench.proc import Measured, measure
from bench.workspaces import (
    PROJECT,
    STANDARD_EMPLOYEES,
    STRATEGIES,
    TARGET_MODEL,
    WORK,
    Strategy,
    Workspace,
    census,
    generate_project,
    snapshot_project,
    wrapper_available,
)
from tests.harness import REPO, relations

BENCH = REPO / "bench"
SIZES = (10_000, 100_000, 1_000_000)
PARTIAL_DROP = ("int_baseline_workforce", "config_cola")  # one foundation table and one seed

# key, label, limit, unit ("x" ratio, "s" seconds, "==" exact); keys are looked up in targets() below.
TARGETS = [
    *[(f"heal_vs_full_build_ratio_{n}", f"heal / full_build ({n:,})", 1.10, "x") for n in SIZES],
    ("heal_vs_same_nodes_ratio_10000", "heal / same_nodes (10,000)", 1.05, "x"),
    ("large_heal_vs_same_nodes_ratio", "large fixture (226 nodes): heal / same nodes", 1.05, "x"),
    ("cold_heal_vs_original_ratio", "heal / original (10,000)", 0.40, "x"),
    ("init_seconds_1m", "1,000,000 employees: the heal itself", 30.0, "s"),
    ("fixture_heal_vs_full_build_ratio", "consumer fixture: heal / full plain build", 1.10, "x"),
    ("warm_hook_seconds", "warm hook, reference project", 0.10, "s"),
    ("warm_hook_seconds_200_models", "warm hook, 200 models", 0.25, "s"),
    ("warm_hook_share_of_startup", "warm hook (without full GC) / dbt startup, reference", 0.025, "x"),
    ("warm_hook_share_of_startup_200_models", "warm hook (without full GC) / dbt startup, 200 models", 0.04, "x"),
    ("large_warm_hook_share_of_startup", "warm hook (without full GC) / dbt startup, large fixture", 0.025, "x"),
    ("partial_heal_relations_built", "partial heal builds exactly the 2 dropped", 2, "=="),
    ("stale_seed_rebuild_relations", "stale seed: relations rebuilt (== expected)", None, "set"),
    ("stale_seed_rebuild_vs_dbt_ratio", "stale seed: heal run / plain dbt", 1.20, "x"),
    ("unchanged_rerun_rebuilt_relations", "unchanged rerun: relations rebuilt", 0, "=="),
    ("first_feedback_seconds_wrapper", "first feedback from the wrapper", 0.5, "s"),
    ("postgres_heal_vs_same_nodes_ratio", "PostgreSQL: heal / same_nodes (jaffle_shop)", 1.15, "x"),
    ("postgres_warm_hook_seconds", "PostgreSQL: warm hook (jaffle_shop)", 0.5, "s"),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "dbt_core": metadata.version("dbt-core"),
        "dbt_duckdb": metadata.version("dbt-duckdb"),
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def run_strategy(strategy: Strategy, ws: Workspace) -> dict[str, Any]:
    """One measured run from a fresh workspace; several invocations (original) are summed."""
    ws.reset()
    parts: list[Measured] = []
    for command in strategy.commands(ws):
        part = measure(command, cwd=ws.project, env=ws.env)
        parts.append(part)
        if part.returncode != 0:
            break
    first = parts[0]
    record: dict[str, Any] = {
        "strategy": strategy.name,
        "wall_seconds": round(sum(p.wall_seconds for p in parts), 3),
        "cpu_seconds": round(sum(p.cpu_seconds for p in parts), 3),
        "peak_rss_mb": round(max(p.peak_rss_mb for p in parts), 1),
        "returncode": next((p.returncode for p in parts if p.returncode != 0), 0),
        "invocations": len(parts),
    }
    if strategy.wrapper:
        record["first_feedback_seconds"] = events.first_line_seconds(first)
        dbt_log = ws.root / "logs" / "dbt.log"
        record["reparsed"] = dbt_log.exists() and "Unable to do partial parsing" in dbt_log.read_text()
        heal_line = next((line.text for line in first.lines if "healed" in line.text), None)
        record["summary"] = heal_line
    else:
        done = events.heal_complete(first) if strategy.heal else None
        record.update(
            heal_seconds=done["duration_seconds"] if done else None,
            healed=done["relations"] if done else [],
            steps=events.step_seconds(first) if strategy.heal else {},
            heal_breakdown=events.heal_breakdown(first) if strategy.heal else None,
            heal_node_seconds=events.heal_node_seconds(first) if strategy.heal else None,
            dbt_node_seconds=[events.dbt_node_seconds(p) for p in parts],
            first_feedback_seconds=events.first_progress_seconds(first) if strategy.heal else None,
            phases=[events.phases(p) for p in parts],
            nodes=[events.node_counts(p) for p in parts],
            reparsed=any(events.reparsed(p) for p in parts),
        )
    if record["returncode"] != 0:
        record["output_tail"] = parts[-1].tail()
        log(f"  {strategy.name}: exit code {record['returncode']}:\n{parts[-1].tail(8)}")
    return record


def workspace(employees: int, heal: bool) -> Workspace:
    name = f"{'heal' if heal else 'noheal'}_{employees}"
    return Workspace(WORK / "ws" / name, census=census(employees), heal=heal)


def compare_strategies(
    sizes: list[int], runs: dict[tuple[str, int], int], strategies: list[Strategy]
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for employees in sizes:
        workspaces = {heal: workspace(employees, heal) for heal in (True, False)}
        for ws in workspaces.values():
            ws.reset()
            warm = measure(ws.dbt("parse"), cwd=ws.project, env=ws.env)
            if warm.returncode != 0:
                raise SystemExit(f"dbt parse failed in {ws.root}:\n{warm.tail()}")
        for round_no in range(max(runs[(s.name, employees)] for s in strategies)):
            shift = round_no % len(strategies)
            for strategy in strategies[shift:] + strategies[:shift]:
                if round_no >= runs[(strategy.name, employees)]:
                    continue
                ws = workspaces[strategy.heal]
                record = run_strategy(strategy, ws)
                record.update(employees=employees, round=round_no)
                if round_no == 0 and record["returncode"] == 0:
                    record["relations"] = sorted(relations(ws.db))
                records.append(record)
                heal = f" (heal {record['heal_seconds']} s)" if record.get("heal_seconds") else ""
                log(f"{employees:>9,} {strategy.name:<10} run {round_no + 1}: {record['wall_seconds']:6.2f} s{heal}")
    return records


def warm_hook(ws: Workspace, select: str, runs: int) -> dict[str, Any]:
    """The hook's own time on a healthy workspace, from dbt's JSON log (see events.hook_seconds). One unmeasured
    run first: the first healthy run after other commands may record fingerprints (and is reported as such)."""
    first = measure(ws.dbt("build", "--select", select), cwd=ws.project, env=ws.env)
    warmup = {
        "hook_seconds": events.hook_seconds(first),
        "rebuilt": events.rebuilt(first),
        "wall_seconds": round(first.wall_seconds, 3),
        "returncode": first.returncode,
    }
    samples = []
    # The samples run dbt's CLI under bench.gc_trace (dbtRunner in the same kind of process as the `dbt` script),
    # which also says when Python's full garbage collections ran: a window of 0.05 s holds one (0.07-0.1 s) or not
    # depending on where allocation thresholds fall, so the hook's own time is also reported without them.
    traced = [sys.executable, "-m", "bench.gc_trace", "--", *ws.dbt("build", "--select", select)[1:]]
    env = {**ws.env, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), ws.env.get("PYTHONPATH", "")) if p)}
    for _ in range(runs):
        run = measure(traced, cwd=ws.project, env=env)
        hook, collections = events.hook_seconds(run), events.hook_gc_seconds(run)
        skipped = [e for e in events.heal_events(run) if e["event"] == "heal_skipped"]
        samples.append({
            "hook_seconds": hook,
            "hook_gc_seconds": collections,
            "hook_seconds_without_gc": None if hook is None or collections is None else round(hook - collections, 4),
            "hook_phase_seconds": events.hook_phase_seconds(run),
            "end_hook_seconds": events.end_hook_seconds(run),
            "check_tables_seconds": events.step_seconds(run).get("check_tables"),
            "wall_seconds": round(run.wall_seconds, 3),
            "phases": events.phases(run),
            "healthy": bool(skipped and skipped[0].get("reason") == "healthy"),
            "rebuilt": events.rebuilt(run),
            "needed_count": skipped[0].get("needed_count") if skipped else None,
            "reparsed": events.reparsed(run),
            "returncode": run.returncode,
        })  # fmt: skip
    return {
        "hook_seconds": median([s["hook_seconds"] for s in samples]),
        "hook_seconds_without_gc": median([s["hook_seconds_without_gc"] for s in samples]),
        "hook_gc_seconds": [s["hook_gc_seconds"] for s in samples],
        "hook_phase_seconds": median([s["hook_phase_seconds"] for s in samples]),
        "end_hook_seconds": median([s["end_hook_seconds"] for s in samples]),
        "check_tables_seconds": median([s["check_tables_seconds"] for s in samples]),
        "wall_seconds": median([s["wall_seconds"] for s in samples]),
        "startup_seconds": median([s["phases"]["startup"] for s in samples]),
        "tail_seconds": median([s["phases"]["tail"] for s in samples]),
        "all_healthy": all(s["healthy"] and s["returncode"] == 0 for s in samples),
        "warmup": warmup,
        "samples": samples,
    }


def profile_hook(ws: Workspace, select: str, top: int = 12) -> dict[str, Any]:
    """Per-macro timing of the hooks (bench/profile_hook.py, dbt in-process): on a healthy workspace, or on a fresh
    one to see where a heal's time goes."""
    command = [
        sys.executable, "-m", "bench.profile_hook", "--project-dir", str(ws.project),
        "--profiles-dir", str(PROJECT), "--target-path", str(ws.root / "target"), "--db", str(ws.db),
        "--select", select,
    ]  # fmt: skip
    if ws.variables:
        command += ["--vars", json.dumps(ws.variables, sort_keys=True)]
    run = measure(command, cwd=REPO, env=ws.env)
    try:
        found = json.loads(run.lines[-1].text)
    except (IndexError, json.JSONDecodeError):
        return {"error": run.tail()}
    found["macros"] = found["macros"][:top]
    found["wall_seconds"] = round(run.wall_seconds, 3)
    return found


def share_of_startup(warm: dict[str, Any], key: str = "hook_seconds_without_gc") -> float | None:
    """The warm hook as a share of dbt's own startup (process start to the run's first line) in the same healthy
    runs: a figure that means the same on a slow and a fast machine. By default the hook's own time, without the
    full garbage collections that fell in its window (`hook_seconds` for the window as measured)."""
    hook, startup = warm.get(key), warm.get("startup_seconds")
    return round(hook / startup, 4) if hook is not None and startup else None


def dbt_fixed_cost(warm: dict[str, Any]) -> dict[str, Any]:
    """What a warm `dbt build` on a healthy workspace spends outside the hook's own work and outside the nodes."""
    profile = warm.get("profile", {})
    phase, hook = warm.get("hook_phase_seconds"), warm.get("hook_seconds")
    return {
        "startup_seconds": warm.get("startup_seconds"),  # process start -> ConcurrencyLine: import, parse cache
        "pre_hook_seconds": round(phase - hook, 3) if phase is not None and hook is not None else None,
        "tail_seconds": warm.get("tail_seconds"),  # FinishedRunningStats -> exit: artifacts, connections
        "hook_template_compile_seconds": profile.get("template_compile_seconds"),
        "note": "startup + pre_hook + tail are dbt's per-invocation cost (pre_hook also holds the hook's work "
        "before its first event, profile.before_first_event_s); hook_template_compile_seconds is Jinja "
        "compiling each self_heal macro on its first call in the process, paid by every dbt process (from "
        "the instrumented in-process profile, so somewhat inflated)",
    }


def partial_heal(ws: Workspace) -> dict[str, Any]:
    """Drop one foundation table and one seed from a healthy workspace; the next run rebuilds just those?"""
    with duckdb.connect(str(ws.db)) as con:
        for name in PARTIAL_DROP:
            con.execute(f'drop table "main"."{name}"')
    run = measure(ws.dbt("build", "--select", TARGET_MODEL), cwd=ws.project, env=ws.env)
    done = events.heal_complete(run)
    built = done["relations"] if done else []
    return {
        "dropped": list(PARTIAL_DROP),
        "built": built,
        "count": len(built),
        "heal_seconds": done["duration_seconds"] if done else None,
        "wall_seconds": round(run.wall_seconds, 3),
        "returncode": run.returncode,
    }


def generated_project(runs: int) -> dict[str, Any]:
    project, leaf = generate_project()
    ws = Workspace(WORK / "ws" / "gen200", project=project)
    ws.reset()
    # The first run parses cold and heals all 203 ancestors; it also leaves the workspace healthy and warm.
    setup = measure(ws.dbt("build", "--select", leaf), cwd=project, env=ws.env)
    done = events.heal_complete(setup)
    healed = len(done["relations"]) if done else 0
    log(f"200-model project healed: {healed} relations, exit {setup.returncode}")
    result = warm_hook(ws, leaf, runs)
    result["profile"] = profile_hook(ws, leaf)
    result["initial_heal"] = {
        "relations": len(done["relations"]) if done else 0,
        "heal_seconds": done["duration_seconds"] if done else None,
        "wall_seconds": round(setup.wall_seconds, 3),
        "returncode": setup.returncode,
    }
    return result


def summarize(records: list[dict[str, Any]], strategies: list[Strategy], sizes: list[int]) -> dict[str, Any]:
    def pick(strategy: str, employees: int, key: str) -> list[Any]:
        return [r.get(key) for r in records
                if r["strategy"] == strategy and r["employees"] == employees and r["returncode"] == 0]  # fmt: skip

    names = [s.name for s in strategies]
    walls = {name: {str(n): median(pick(name, n, "wall_seconds")) for n in sizes} for name in names}
    cpus = {name: {str(n): median(pick(name, n, "cpu_seconds")) for n in sizes} for name in names}

    def ratio(a: str, b: str, n: int, table: dict[str, dict[str, float | None]] = walls) -> float | None:
        x, y = table.get(a, {}).get(str(n)), table.get(b, {}).get(str(n))
        return round(x / y, 3) if x and y else None

    init = {}
    rss = {}
    for n in sizes:
        steps = [r.get("steps") or {} for r in records if r["strategy"] == "heal" and r["employees"] == n]
        init[str(n)] = {
            "heal_seconds": median(pick("heal", n, "heal_seconds")),
            "wall_seconds": walls["heal"][str(n)],
            "steps": {k: median([s.get(k) for s in steps]) for k in ("check_tables", "load_seeds",
                                                                       "build_foundation", "verify")},
        }  # fmt: skip
        rss[str(n)] = median(pick("heal", n, "peak_rss_mb"))
    same = {}
    for n in sizes:
        built = {r["strategy"]: r["relations"] for r in records if r["employees"] == n and r.get("relations")}
        same[str(n)] = {s: rel == built.get("heal") for s, rel in built.items() if "heal" in built}
    return {
        "median_wall_seconds": walls,
        "median_peak_rss_mb": {name: {str(n): median(pick(name, n, "peak_rss_mb")) for n in sizes} for name in names},
        "heal_vs_full_build_ratio_by_employees": {str(n): ratio("heal", "full_build", n) for n in sizes},
        "heal_vs_full_build_cpu_ratio_by_employees": {str(n): ratio("heal", "full_build", n, cpus) for n in sizes},
        "heal_vs_same_nodes_ratio_by_employees": {str(n): ratio("heal", "same_nodes", n) for n in sizes},
        "heal_vs_same_nodes_cpu_ratio_by_employees": {str(n): ratio("heal", "same_nodes", n, cpus) for n in sizes},
        "cold_heal_vs_original_ratio": ratio("heal", "original", STANDARD_EMPLOYEES),
        "cold_heal_vs_original_cpu_ratio": ratio("heal", "original", STANDARD_EMPLOYEES, cpus),
        "median_cpu_seconds": cpus,
        "init_seconds_by_employees": init,
        "peak_rss_mb_by_employees": rss,
        "first_feedback_seconds_dbt": median(pick("heal", STANDARD_EMPLOYEES, "first_feedback_seconds")),
        "first_feedback_seconds_wrapper": median(
            [r.get("first_feedback_seconds") for r in records if r["strategy"] == "wrapper" and r["returncode"] == 0]
        ),
        "same_relations_as_heal": same,
        "failed_runs": sum(1 for r in records if r["returncode"] != 0),
        "reparsed_runs": sum(1 for r in records if r.get("reparsed")),
    }


def where_time_goes(records: list[dict[str, Any]], employees: int) -> dict[str, Any]:
    """At one census size: the heal run's wall time by phase and the heal's own time by part (from its events),
    against the dbt runs' phases and dbt's own per-node times; per node the hook built, its time in the heal
    (`node` events: compile + materialize) beside dbt's `execution_time` for the same node in same_nodes and
    full_build (medians over the runs)."""
    runs = {
        name: [r for r in records if r["strategy"] == name and r["employees"] == employees and r["returncode"] == 0]
        for name in ("heal", "full_build", "same_nodes")
    }
    if not runs["heal"]:
        return {}

    def phase(name: str, key: str) -> float | None:
        return median([r["phases"][0][key] for r in runs[name] if r.get("phases")])

    def dbt_nodes(name: str, kind: str) -> dict[str, float | None]:
        found = [r["dbt_node_seconds"][0].get(kind, {}) for r in runs[name] if r.get("dbt_node_seconds")]
        keys = sorted({k for f in found for k in f})
        return {k: median([f.get(k) for f in found]) for k in keys}

    def total(values: dict[str, float | None]) -> float:
        return round(sum(v for v in values.values() if v is not None), 3)

    breakdown_keys = list(runs["heal"][0].get("heal_breakdown") or {})
    heal_nodes = sorted({k for r in runs["heal"] for k in (r.get("heal_node_seconds") or {})})
    per_node_heal = {k: median([(r.get("heal_node_seconds") or {}).get(k) for r in runs["heal"]]) for k in heal_nodes}
    dbt = {name: {kind: dbt_nodes(name, kind) for kind in ("seed", "model", "test")} for name in runs if runs[name]}
    per_node = [
        {
            "node": k,
            "heal": per_node_heal[k],
            **{name: dbt[name]["seed"].get(k, dbt[name]["model"].get(k)) for name in dbt if name != "heal"},
        }
        for k in heal_nodes
    ]
    return {
        "employees": employees,
        "phases": {
            name: {key: phase(name, key) for key in ("startup", "hooks", "nodes", "tail")}
            for name in runs
            if runs[name]
        },
        "heal_breakdown": {
            k: median([(r.get("heal_breakdown") or {}).get(k) for r in runs["heal"]]) for k in breakdown_keys
        },
        "dbt_node_totals": {
            name: {kind: total(values) for kind, values in kinds.items()} for name, kinds in dbt.items()
        },
        "dbt_node_counts": {name: {kind: len(values) for kind, values in kinds.items()} for name, kinds in dbt.items()},
        "per_node": per_node,
        "per_node_totals": {
            "heal": total(per_node_heal),
            **{name: total({row["node"]: row.get(name) for row in per_node}) for name in dbt if name != "heal"},
        },
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    values = dict(results)
    for n, value in results["heal_vs_full_build_ratio_by_employees"].items():
        values[f"heal_vs_full_build_ratio_{n}"] = value
    values["heal_vs_same_nodes_ratio_10000"] = results["heal_vs_same_nodes_ratio_by_employees"].get("10000")
    values["init_seconds_1m"] = results["init_seconds_by_employees"].get("1000000", {}).get("heal_seconds")
    values["postgres_heal_vs_same_nodes_ratio"] = (results.get("postgres") or {}).get("heal_vs_same_nodes_ratio")
    values["postgres_warm_hook_seconds"] = (results.get("postgres") or {}).get("warm_hook_seconds")
    stale = results.get("stale_seed") or {}
    rows = []
    for key, label, limit, unit in TARGETS:
        value = values.get(key)
        if unit == "set":
            expected = stale.get("expected")
            bound = f"== expected ({len(expected)})" if expected is not None else "== expected"
            verdict = "N/A" if value is None else "PASS" if stale.get("exact") else "FAIL"
        else:
            bound = f"== {limit}" if unit == "==" else f"<= {limit}{'' if unit == 'x' else ' s'}"
            if value is None:
                verdict = "N/A"
            elif unit == "==":
                verdict = "PASS" if value == limit else "FAIL"
            else:
                verdict = "PASS" if value <= limit else "FAIL"
        rows.append({"key": key, "label": label, "value": value, "target": bound, "verdict": verdict})
    return rows


def informational(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures without a target, printed and written beside the targets."""
    rows: list[tuple[str, str, Any]] = [
        ("first_feedback_seconds_dbt", "first `Self-heal:` line from plain dbt", results["first_feedback_seconds_dbt"]),
    ]
    for n, value in results["heal_vs_full_build_cpu_ratio_by_employees"].items():
        rows.append((f"heal_vs_full_build_cpu_ratio_{n}", f"heal / full_build CPU time ({int(n):,})", value))
    for n, value in results["heal_vs_same_nodes_ratio_by_employees"].items():
        if n != "10000":
            rows.append((f"heal_vs_same_nodes_ratio_{n}", f"heal / same_nodes ({int(n):,})", value))
    fixture = results.get("consumer_fixture") or {}
    rows.append(("fixture_heal_vs_full_build_cpu_ratio", "consumer fixture: heal / full build CPU time",
                 fixture.get("cpu_ratio")))  # fmt: skip
    large_pg = (results.get("postgres") or {}).get("large_fixture") or {}
    rows.append(("postgres_large_heal_vs_same_nodes_ratio",
                 "PostgreSQL: large fixture heal / same nodes (one dbt invocation each)",
                 large_pg.get("heal_vs_same_nodes_ratio")))  # fmt: skip
    stale = results.get("stale_seed") or {}
    rows += [
        ("stale_seed_rebuild_vs_dbt_same_tests_ratio", "stale seed: heal run / plain dbt running the same tests",
         stale.get("same_tests_ratio")),
        ("stale_seed_heal_run_seconds", "stale seed: heal run (wall s)", stale.get("median_heal_wall_seconds")),
        ("stale_seed_dbt_seconds", "stale seed: plain dbt (wall s)", stale.get("median_dbt_wall_seconds")),
    ]  # fmt: skip
    simulate = results.get("simulate") or {}
    for case, label in (("first", "new workspace, cold parse"), ("unchanged_rerun", "unchanged rerun"),
                        ("year_2026", "rerun with --year 2026")):  # fmt: skip
        found = simulate.get(case)
        if found:
            rows.append((f"simulate_{case}_seconds", f"selfheal simulate, {label} (wall s)", found["wall_seconds"]))
            rows.append(
                (f"simulate_{case}_rebuilt", f"selfheal simulate, {label}: relations rebuilt", found["rebuilt"])
            )
    for key, title in (("warm_hook", "reference project"), ("warm_hook_200_models", "200 models")):
        rows.append((f"{key}_end_seconds", f"on-run-end hook on a healthy run, {title} (s)",
                     (results.get(key) or {}).get("end_hook_seconds")))  # fmt: skip
    traced = (
        ("warm_hook", "reference", results.get("warm_hook")),
        ("warm_hook_200_models", "200 models", results.get("warm_hook_200_models")),
        ("large_warm_hook", "large fixture", (results.get("large_fixture") or {}).get("warm_hook")),
    )
    for key, title, warm in traced:
        if warm:
            rows.append((f"{key}_share_of_startup_as_measured", f"warm hook window / dbt startup, {title}",
                         share_of_startup(warm, "hook_seconds")))  # fmt: skip
            inside = [g for g in warm.get("hook_gc_seconds") or [] if g is not None]
            rows.append((f"{key}_gc_seconds", f"largest full GC inside the warm hook window, {title} (s)",
                         max(inside) if inside else None))  # fmt: skip
    first = (results.get("warm_hook") or {}).get("warmup", {})
    rows.append(("first_healthy_hook_seconds", "hook, first healthy run after the strategy runs",
                 first.get("hook_seconds")))  # fmt: skip
    return [{"key": k, "label": label, "value": v} for k, label, v in rows]


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, list):
        return f"{len(value)} rel."
    return str(value)


def print_table(results: dict[str, Any], strategies: list[Strategy], sizes: list[int]) -> None:
    print()
    print("Median wall seconds, fresh workspace -> fct_workforce_snapshot (runs per strategy and size: "
          + json.dumps(results["settings"]["runs"]) + ")")  # fmt: skip
    header = f"{'strategy':<16}" + "".join(f"{f'{n:,}':>12}" for n in sizes)
    print(header)
    print("-" * len(header))
    for s in strategies:
        row = results["median_wall_seconds"][s.name]
        print(f"{s.name:<16}" + "".join(f"{fmt(row[str(n)]):>12}" for n in sizes))
    for s in strategies:
        row = results["median_cpu_seconds"][s.name]
        print(f"{s.name + ' CPU':<16}" + "".join(f"{fmt(row[str(n)]):>12}" for n in sizes))
    init = results["init_seconds_by_employees"]
    print(f"{'heal itself':<16}" + "".join(f"{fmt(init[str(n)]['heal_seconds']):>12}" for n in sizes))
    rss = results["peak_rss_mb_by_employees"]
    print(f"{'heal RSS MB':<16}" + "".join(f"{fmt(rss[str(n)], 0):>12}" for n in sizes))
    ratios = results["heal_vs_full_build_ratio_by_employees"]
    print(f"{'heal/full_build':<16}" + "".join(f"{fmt(ratios[str(n)], 3):>12}" for n in sizes))
    ratios = results["heal_vs_same_nodes_ratio_by_employees"]
    print(f"{'heal/same_nodes':<16}" + "".join(f"{fmt(ratios[str(n)], 3):>12}" for n in sizes))
    print()
    width = max(len(row["label"]) for row in results["targets"] + results["informational"]) + 2
    print(f"{'figure':<{width}}{'value':>10}  {'target':<18} result")
    for row in results["targets"]:
        print(f"{row['label']:<{width}}{fmt(row['value'], 3):>10}  {row['target']:<18} {row['verdict']}")
    for row in results["informational"]:
        print(f"{row['label']:<{width}}{fmt(row['value'], 3):>10}  {'(no target)':<18} info")
    stale = results.get("stale_seed") or {}
    if stale:
        print(f"stale seed {stale['seed']}: expected {', '.join(stale['expected'])}; rebuilt "
              f"{', '.join(stale['rebuilt'])}")  # fmt: skip
    fixed = results["dbt_fixed_cost"]
    print(f"dbt's own fixed cost per warm invocation: startup {fmt(fixed['startup_seconds'])} s, before the hook "
          f"{fmt(fixed['pre_hook_seconds'], 3)} s, after the nodes {fmt(fixed['tail_seconds'])} s")  # fmt: skip
    for key, title in (("warm_hook", "reference project"), ("warm_hook_200_models", "200 models")):
        found = results[key].get("profile", {})
        if "macros" not in found:
            continue
        calls = found["hook_calls"]
        inside = sum(c["seconds"] for c in calls)
        top = ", ".join(f"{m['macro']} {m['exclusive_s'] * 1000:.0f} ms" for m in found["macros"][:4])
        print(f"hook profile, {title}: hook macros {inside:.3f} s in {found['macro_calls']} macro calls, "
              f"of which Jinja compiling templates {found['template_compile_seconds']:.3f} s; top: {top}")  # fmt: skip
    largest = results.get("where_time_goes", {}).get(str(max(sizes)), {})
    if largest:
        print_time_goes(largest, results.get("heal_profile_largest", {}))
    print()


def print_large(large: dict[str, Any], info: dict[str, Any]) -> None:
    """The large fixture's rows alone (--only-large)."""
    warm = large["warm_hook"]
    print()
    print(f"large fixture ({large['nodes_in_project']['total']} nodes; the heal builds {large['healed']}), "
          f"load average at start {info['load_average_at_start']}, now {[round(x, 2) for x in os.getloadavg()]}")
    for name, command in large["commands"].items():
        print(f"  {name:<11} {fmt(large['median_wall_seconds'][name])} s wall, "
              f"{fmt(large['median_cpu_seconds'][name])} s CPU   ({command})")  # fmt: skip
    print(f"  heal / same nodes: {fmt(large['ratio'], 3)} wall (target <= 1.05), {fmt(large['cpu_ratio'], 3)} CPU")
    gc_note = f"{fmt(warm['hook_seconds'], 3)} s window, GC in it {warm.get('hook_gc_seconds')}"
    print(f"  warm hook {fmt(warm.get('hook_seconds_without_gc'), 3)} s without full GC ({gc_note}) = "
          f"{fmt(share_of_startup(warm), 4)} of dbt's startup ({fmt(warm['startup_seconds'], 3)} s) in the same runs "
          f"(target <= 0.025); all healthy: {warm['all_healthy']}")


def print_time_goes(found: dict[str, Any], profile: dict[str, Any]) -> None:
    n = found["employees"]
    print(f"\nWhere the time goes at {n:,} employees (medians; seconds):")
    for name, ph in found["phases"].items():
        print(f"  {name:<11} startup {fmt(ph['startup'])}  hooks {fmt(ph['hooks'])}  nodes {fmt(ph['nodes'])}  "
              f"tail {fmt(ph['tail'])}")  # fmt: skip
    hb = found["heal_breakdown"]
    print("  heal itself: " + ", ".join(f"{k} {fmt(v)}" for k, v in hb.items()))
    for name, totals in found["dbt_node_totals"].items():
        counts = found["dbt_node_counts"][name]
        print(f"  dbt execution_time in {name}: " + ", ".join(
            f"{counts[k]} {k}s {fmt(v)}" for k, v in totals.items()))  # fmt: skip
    totals = found["per_node_totals"]
    print("  nodes the hook built, summed: " + ", ".join(f"{k} {fmt(v)}" for k, v in totals.items()))
    slow = sorted(found["per_node"], key=lambda row: -(row["heal"] or 0))[:5]
    print("  slowest in the heal: " + "; ".join(
        f"{row['node']} heal {fmt(row['heal'])} / dbt {fmt(row.get('same_nodes'))}" for row in slow))  # fmt: skip
    if "macros" in profile:
        top = ", ".join(f"{m['macro']} {m['exclusive_s']:.2f}" for m in profile["macros"][:6])
        print(f"  heal profile (in-process, instrumented): exclusive seconds by macro: {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per strategy at the standard 10,000 census")
    parser.add_argument(
        "--scale-runs",
        type=int,
        default=2,
        help="runs of same_nodes, original, wrapper at larger censuses (heal, full_build: at least 3)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--warm-runs", type=int, default=3, help="healthy runs timed for the warm hook")
    parser.add_argument("--fixture-runs", type=int, default=5, help="runs of each side on the consumer fixture")
    parser.add_argument("--stale-rounds", type=int, default=4, help="one-seed edits measured (heal and plain dbt)")
    parser.add_argument("--simulate-rounds", type=int, default=2, help="selfheal simulate first run + reruns")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="iterate fast: 10,000 only, 2 runs, fewer rounds (not for the README figures)",
    )
    parser.add_argument("--large-runs", type=int, default=3, help="runs of each side on the large fixture")
    parser.add_argument(
        "--only-large", action="store_true",
        help="only the large fixture's rows and the warm hook shares of dbt's startup; prints them, writes nothing",
    )
    parser.add_argument("--postgres-rounds", type=int, default=3, help="rounds of heal vs same_nodes on PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true",
                        help="measure only the PostgreSQL rows and merge them into --out (other figures kept)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--chart", type=Path, default=BENCH / "results.png")
    args = parser.parse_args()  # fmt: skip
    if args.quick:
        args.sizes, args.runs, args.scale_runs, args.warm_runs = [STANDARD_EMPLOYEES], 2, 1, 2
        args.fixture_runs, args.stale_rounds, args.simulate_rounds = 2, 2, 1
    sizes = sorted(set(args.sizes) | {STANDARD_EMPLOYEES})
    # heal and full_build get at least 3 runs at every size: their ratio by census size is a target.
    runs = {
        (s.name, n): args.runs if n == STANDARD_EMPLOYEES
        else max(3, args.scale_runs) if s.name in ("heal", "full_build") else args.scale_runs
        for s in STRATEGIES
        for n in sizes
    }  # fmt: skip
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_VERSION_CHECK", "false")

    if args.postgres_only:
        log("PostgreSQL: heal vs same nodes, warm hook (private server)")
        merged = json.loads(args.out.read_text())
        merged["postgres"] = postgres.run(WORK / "postgres", args.postgres_rounds, args.warm_runs)
        merged["targets"] = targets(merged)
        args.out.write_text(json.dumps(merged, indent=2, default=str) + "\n")
        for row in merged["targets"]:
            if row["key"].startswith("postgres_"):
                print(f"{row['label']:<48}{fmt(row['value'], 3):>10}  {row['target']:<18} {row['verdict']}")
        large_pg = merged["postgres"]["large_fixture"]
        print(f"PostgreSQL: large fixture heal / same nodes: {fmt(large_pg['heal_vs_same_nodes_ratio'], 3)} "
              f"({fmt(large_pg['median_heal_seconds'])} s / {fmt(large_pg['median_same_nodes_seconds'])} s)")
        return

    started = time.perf_counter()
    info = machine()
    log(f"machine: {info['cpu_count']} x {info['cpu_model']}, load {info['load_average_at_start']}")
    strategies = [s for s in STRATEGIES if not s.wrapper or wrapper_available()]
    if len(strategies) < len(STRATEGIES):
        log("selfheal wrapper not installed: the wrapper strategy is skipped")
    commit = snapshot_project()
    log(f"measuring the dbt project as committed at {commit[:12]}")
    if args.only_large:
        large = scenarios.large(args.large_runs, args.warm_runs, warm_hook)
        census(STANDARD_EMPLOYEES)
        heal_ws = workspace(STANDARD_EMPLOYEES, heal=True)
        heal_ws.reset()
        measure(heal_ws.dbt("build", "--select", TARGET_MODEL), cwd=heal_ws.project, env=heal_ws.env)
        log("warm hook, reference project")
        warm = warm_hook(heal_ws, TARGET_MODEL, args.warm_runs)
        log("warm hook, generated 200-model project")
        warm200 = generated_project(max(3, args.warm_runs))
        print_large(large, info)
        for title, found, limit in (("reference project", warm, 0.025), ("200 models", warm200, 0.04)):
            print(f"  warm hook, {title}: {fmt(found.get('hook_seconds_without_gc'), 3)} s without full GC "
                  f"({fmt(found['hook_seconds'], 3)} s window) = {fmt(share_of_startup(found), 4)} of "
                  f"dbt's startup ({fmt(found['startup_seconds'], 3)} s) in the same runs (target <= {limit})")
        return
    for n in sizes:
        census(n)

    records = compare_strategies(sizes, runs, strategies)
    time_goes = {str(n): where_time_goes(records, n) for n in sizes}
    largest = workspace(max(sizes), heal=True)
    log(f"heal profile at {max(sizes):,} employees (in-process, every macro timed)")
    largest.reset()
    heal_profile = profile_hook(largest, TARGET_MODEL, top=20)
    heal_ws = workspace(STANDARD_EMPLOYEES, heal=True)  # its last run (heal or wrapper) left it healthy
    log("warm hook, reference project")
    warm = warm_hook(heal_ws, TARGET_MODEL, args.warm_runs)
    warm["profile"] = profile_hook(heal_ws, TARGET_MODEL)
    log("partial heal")
    partial = partial_heal(heal_ws)
    log("warm hook, generated 200-model project")
    warm200 = generated_project(max(3, args.warm_runs))
    log("large fixture: heal vs plain dbt building the same nodes, then the warm hook")
    large = scenarios.large(args.large_runs, args.warm_runs, warm_hook)
    log("consumer fixture: heal vs full plain build")
    fixture = scenarios.consumer_fixture(args.fixture_runs)
    log("stale seed: one seed edited, then unchanged reruns")
    stale = scenarios.stale_seed(args.stale_rounds)
    simulate: dict[str, Any] = {}
    if any(s.wrapper for s in strategies):
        log("selfheal simulate: new workspace, unchanged rerun, --year 2026")
        simulate = scenarios.simulate(args.simulate_rounds)
    log("PostgreSQL: heal vs same nodes, warm hook (private server)")
    on_postgres = postgres.run(WORK / "postgres", args.postgres_rounds, args.warm_runs)

    results: dict[str, Any] = {
        "machine": info,
        "settings": {
            "runs": {f"{s}@{n}": k for (s, n), k in runs.items() if any(x.name == s for x in strategies)},
            "quick": args.quick,
            "parse_cache": "warm for every strategy: per census size, one workspace for healing-on runs (heal, "
            "wrapper) and one for healing-off runs (full_build, same_nodes, original), each with its own dbt target "
            "path pre-warmed once by `dbt parse` with the same project, profile env and vars; each run deletes "
            "everything in the workspace but target/",
            "first_feedback": "dbt: process start to the first `Self-heal:` progress line (JinjaLogInfo) "
            "on stdout; wrapper: process start to the first line printed",
            "warm_hook": "from the hook's `check_tables` started event (emitted_at) to dbt's LogHookEndLine "
            "of the on-run-start hook (ts), on a healthy workspace, after one unmeasured healthy run; the samples "
            "run under bench.gc_trace, and hook_seconds_without_gc (used by the shares of startup) subtracts the "
            "full garbage collections that fell in that window",
            "peak_rss": "ru_maxrss of the child from os.wait4 (largest RSS of it and its waited children)",
            "project": "the dbt project and tests/fixtures/planalign_consumer as committed at project_commit, "
            "extracted to bench/work/, each installing the snapshot's dbt_self_heal with `dbt deps`",
            "fixture": fixture.get("commands"),
            "stale_seed": {k: stale.get(k) for k in ("edit", "heal_command", "dbt_command", "dbt_same_tests_command")},
        },
        "strategies": {s.name: s.description for s in STRATEGIES},
        "project_commit": commit,
        "wrapper_measured": any(s.wrapper for s in strategies),
    }
    results.update(summarize(records, strategies, sizes))
    results.update(
        warm_hook_seconds=warm["hook_seconds"],
        warm_hook_seconds_200_models=warm200["hook_seconds"],
        warm_hook=warm,
        warm_hook_200_models=warm200,
        partial_heal_relations_built=partial["count"],
        partial_heal=partial,
        fixture_heal_vs_full_build_ratio=fixture["ratio"],
        consumer_fixture=fixture,
        stale_seed_rebuild_relations=stale["rebuilt"],
        stale_seed_rebuild_vs_dbt_ratio=stale["ratio"],
        unchanged_rerun_rebuilt_relations=stale["unchanged_rebuilt"],
        stale_seed=stale,
        simulate=simulate,
        postgres=on_postgres,
        where_time_goes=time_goes,
        heal_profile_largest=heal_profile,
        large_fixture=large,
        large_heal_vs_same_nodes_ratio=large["ratio"],
        warm_hook_share_of_startup=share_of_startup(warm),
        warm_hook_share_of_startup_200_models=share_of_startup(warm200),
        large_warm_hook_share_of_startup=share_of_startup(large["warm_hook"]),
    )
    results["dbt_fixed_cost"] = dbt_fixed_cost(warm)
    results["targets"] = targets(results)
    results["informational"] = informational(results)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    results["runs"] = records
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    chart.draw(results, args.chart)
    print_table(results, strategies, sizes)
    log(f"wrote {args.out} and {args.chart} in {results['bench_seconds']} s")


if __name__ == "__main__":
    main()
