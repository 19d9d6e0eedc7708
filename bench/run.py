"""`make bench`: time the ways to get from a fresh workspace to a first simulation year, print a table with
the targets, write bench/results.json and draw bench/results.png.

Every figure is the median of several runs; the strategies alternate run by run (the order rotates each round).
Wall time is what the targets use; CPU time (user + system of the child) is recorded too, being far less
sensitive to other work on a shared machine.
Parse cache: all warm. Per census size there are two workspaces (healing on: heal + wrapper; healing off:
full_build + original), each with its own dbt target path pre-warmed once by `dbt parse` with exactly the
project, profile env and vars its runs use. A "fresh workspace" deletes everything but target/ (database, WAL,
logs, lock files), so every measured run starts from an empty database and the same warm partial-parse cache.
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

from bench import chart, events
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

TARGETS = [
    # key, label, limit, unit
    ("cold_heal_vs_full_build_ratio", "heal / full_build (10k)", 1.10, "x"),
    ("cold_heal_vs_original_ratio", "heal / original (10k)", 0.40, "x"),
    ("init_seconds_1m", "1,000,000 employees initialized (heal)", 30.0, "s"),
    ("warm_hook_seconds", "warm hook, reference project", 0.10, "s"),
    ("warm_hook_seconds_200_models", "warm hook, 200 models", 0.25, "s"),
    ("partial_heal_relations_built", "partial heal builds exactly the 2 dropped", 2, "=="),
    ("first_feedback_seconds_wrapper", "first feedback from the wrapper", 0.5, "s"),
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
    """The hook's own time on a healthy workspace, from dbt's JSON log (see events.hook_seconds)."""
    samples = []
    for _ in range(runs):
        run = measure(ws.dbt("build", "--select", select), cwd=ws.project, env=ws.env)
        skipped = [e for e in events.heal_events(run) if e["event"] == "heal_skipped"]
        samples.append({
            "hook_seconds": events.hook_seconds(run),
            "hook_phase_seconds": events.hook_phase_seconds(run),
            "check_tables_seconds": events.step_seconds(run).get("check_tables"),
            "wall_seconds": round(run.wall_seconds, 3),
            "phases": events.phases(run),
            "healthy": bool(skipped and skipped[0].get("reason") == "healthy"),
            "needed_count": skipped[0].get("needed_count") if skipped else None,
            "reparsed": events.reparsed(run),
            "returncode": run.returncode,
        })  # fmt: skip
    return {
        "hook_seconds": median([s["hook_seconds"] for s in samples]),
        "hook_phase_seconds": median([s["hook_phase_seconds"] for s in samples]),
        "check_tables_seconds": median([s["check_tables_seconds"] for s in samples]),
        "wall_seconds": median([s["wall_seconds"] for s in samples]),
        "startup_seconds": median([s["phases"]["startup"] for s in samples]),
        "tail_seconds": median([s["phases"]["tail"] for s in samples]),
        "samples": samples,
    }


def profile_hook(ws: Workspace, select: str) -> dict[str, Any]:
    """Per-macro timing of the hooks on a healthy workspace (bench/profile_hook.py, dbt in-process)."""
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
    found["macros"] = found["macros"][:12]
    return found


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
        return [r.get(key) for r in records if r["strategy"] == strategy and r["employees"] == employees]

    walls = {s.name: {str(n): median(pick(s.name, n, "wall_seconds")) for n in sizes} for s in strategies}
    std = str(STANDARD_EMPLOYEES)

    cpus = {s.name: {str(n): median(pick(s.name, n, "cpu_seconds")) for n in sizes} for s in strategies}

    def ratio(a: str, b: str, table: dict[str, dict[str, float | None]] = walls) -> float | None:
        x, y = table.get(a, {}).get(std), table.get(b, {}).get(std)
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
        "median_peak_rss_mb": {
            s.name: {str(n): median(pick(s.name, n, "peak_rss_mb")) for n in sizes} for s in strategies
        },
        "cold_heal_vs_full_build_ratio": ratio("heal", "full_build"),
        "cold_heal_vs_original_ratio": ratio("heal", "original"),
        "median_cpu_seconds": cpus,
        "cold_heal_vs_full_build_cpu_ratio": ratio("heal", "full_build", cpus),
        "cold_heal_vs_original_cpu_ratio": ratio("heal", "original", cpus),
        "init_seconds_by_employees": init,
        "peak_rss_mb_by_employees": rss,
        "first_feedback_seconds_dbt": median(pick("heal", STANDARD_EMPLOYEES, "first_feedback_seconds")),
        "first_feedback_seconds_wrapper": median(
            [r.get("first_feedback_seconds") for r in records if r["strategy"] == "wrapper"]
        ),
        "same_relations_as_heal": same,
        "failed_runs": sum(1 for r in records if r["returncode"] != 0),
        "reparsed_runs": sum(1 for r in records if r.get("reparsed")),
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    values = dict(results)
    values["init_seconds_1m"] = results["init_seconds_by_employees"].get("1000000", {}).get("heal_seconds")
    rows = []
    for key, label, limit, unit in TARGETS:
        value = values.get(key)
        if value is None:
            verdict = "N/A"
        elif unit == "==":
            verdict = "PASS" if value == limit else "MISS"
        else:
            verdict = "PASS" if value <= limit else "MISS"
        bound = f"== {limit}" if unit == "==" else f"<= {limit}{'' if unit == 'x' else ' s'}"
        rows.append({"key": key, "label": label, "value": value, "target": bound, "verdict": verdict})
    return rows


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
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
    print()
    print(f"{'figure':<46}{'value':>10}  {'target':<10} result")
    for row in results["targets"]:
        print(f"{row['label']:<46}{fmt(row['value'], 3):>10}  {row['target']:<10} {row['verdict']}")
    label = "first feedback from dbt (first Self-heal: line)"
    print(f"{label:<46}{fmt(results['first_feedback_seconds_dbt'], 3):>10}  (no target)")
    print(f"CPU-time ratios at 10,000 (user+sys, insensitive to other load on the machine): heal / full_build "
          f"{fmt(results['cold_heal_vs_full_build_cpu_ratio'], 3)}, heal / original "
          f"{fmt(results['cold_heal_vs_original_cpu_ratio'], 3)}")  # fmt: skip
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
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per strategy at the standard 10,000 census")
    parser.add_argument(
        "--scale-runs", type=int, default=2, help="runs of full_build, original, wrapper at larger censuses"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--warm-runs", type=int, default=3, help="healthy runs timed for the warm hook")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--chart", type=Path, default=BENCH / "results.png")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes) | {STANDARD_EMPLOYEES})
    # heal gets 3 runs at every size: its time by census size is a headline figure (init_seconds_by_employees).
    runs = {
        (s.name, n): args.runs if n == STANDARD_EMPLOYEES else 3 if s.name == "heal" else args.scale_runs
        for s in STRATEGIES
        for n in sizes
    }
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_VERSION_CHECK", "false")

    started = time.perf_counter()
    info = machine()
    log(f"machine: {info['cpu_count']} x {info['cpu_model']}, load {info['load_average_at_start']}")
    strategies = [s for s in STRATEGIES if not s.wrapper or wrapper_available()]
    if len(strategies) < len(STRATEGIES):
        log("selfheal wrapper not installed: the wrapper strategy is skipped")
    commit = snapshot_project()
    log(f"measuring the dbt project as committed at {commit[:12]}")
    for n in sizes:
        census(n)

    records = compare_strategies(sizes, runs, strategies)
    heal_ws = workspace(STANDARD_EMPLOYEES, heal=True)  # its last run (heal or wrapper) left it healthy
    log("warm hook, reference project")
    warm = warm_hook(heal_ws, TARGET_MODEL, args.warm_runs)
    warm["profile"] = profile_hook(heal_ws, TARGET_MODEL)
    log("partial heal")
    partial = partial_heal(heal_ws)
    log("warm hook, generated 200-model project")
    warm200 = generated_project(max(3, args.warm_runs))

    results: dict[str, Any] = {
        "machine": info,
        "settings": {
            "runs": {f"{s}@{n}": k for (s, n), k in runs.items() if any(x.name == s for x in strategies)},
            "parse_cache": "warm for every strategy: per census size, one workspace for healing-on runs (heal, "
            "wrapper) and one for healing-off runs (full_build, original), each with its own dbt target path "
            "pre-warmed once by `dbt parse` with the same project, profile env and vars; each run deletes "
            "everything in the workspace but target/",
            "first_feedback": "dbt: process start to the first `Self-heal:` progress line (JinjaLogInfo) "
            "on stdout; wrapper: process start to the first line printed",
            "warm_hook": "from the hook's `check_tables` started event (emitted_at) to dbt's LogHookEndLine "
            "of the last on-run-start hook (ts), on a healthy workspace",
            "peak_rss": "ru_maxrss of the child from os.wait4 (largest RSS of it and its waited children)",
            "project": "the dbt project as committed at project_commit, extracted to bench/work/project",
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
    )
    results["dbt_fixed_cost"] = dbt_fixed_cost(warm)
    results["targets"] = targets(results)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    results["runs"] = records
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    chart.draw(results, args.chart)
    print_table(results, strategies, sizes)
    log(f"wrote {args.out} and {args.chart} in {results['bench_seconds']} s")


if __name__ == "__main__":
    main()
