"""The benchmark's scenario measurements beyond the strategy comparison: the real-project-shaped consumer fixture
(heal vs a full plain build), a stale seed (what the hook rebuilds after one seed is edited, against plain dbt
building exactly that), an unchanged rerun, and the `selfheal simulate` wrapper on first run and reruns.

Every ratio compares runs of the same bench run, alternating their order run by run, with warm parse caches.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from bench import events, large_fixture
from bench.proc import Measured, measure
from bench.workspaces import (
    CONSUMER_PROJECT,
    PACKAGE,
    PROJECT,
    SELFHEAL,
    TARGET_MODEL,
    WORK,
    Workspace,
    copy_project,
)
from tests.harness import REPO, install_packages

CONSUMER_ENV = {"PLANALIGN_FIXTURE_ENV": "consumer-fixture"}  # int_run_context reads it (as the fixture's tests set)
CONSUMER_DB = "consumer.duckdb"
REFUSED = "tag:refused_contract"  # a contract dbt refuses: excluded from full builds, as the fixture's tests do
STALE_SEED = "config_merit_rates"
# Within the seed's own data test (config_merit_rates_between_0_and_0_2): with 0.5 that test fails, so plain
# `dbt build` of the seed fails and skips everything downstream while the hook (which runs no tests) rebuilds it.
STALE_VALUE = "0.05"
SAME_TESTS_SELECTOR = "bench_stale_same_tests"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def _check(run: Measured, what: str) -> None:
    if run.returncode != 0:
        log(f"  {what}: exit code {run.returncode}:\n{run.tail(8)}")


def _parse(ws: Workspace) -> Measured:
    run = measure(ws.dbt("parse"), cwd=ws.project, env=ws.env)
    if run.returncode != 0:
        raise SystemExit(f"dbt parse failed in {ws.root}:\n{run.tail()}")
    return run


# --- the consumer fixture ---


def _consumer_source(template: Path) -> Path:
    """A database holding only the orchestrator's source table, made once by the fixture tests' own helper and
    copied into the workspace before every run."""
    from tests.core.test_consumer_project import fresh_db  # pytest module: imported only when measuring

    if template.parent.exists():
        shutil.rmtree(template.parent)
    return fresh_db(template.parent)


def consumer_fixture(runs: int) -> dict[str, Any]:
    """Heal of the fixture's leaf on an empty database (only the source table) vs a full plain build of the fixture
    (`dbt build --exclude tag:refused_contract`, healing off), each on its own warm parse cache."""
    template = _consumer_source(WORK / "consumer_source" / CONSUMER_DB)
    heal = Workspace(WORK / "ws" / "consumer_heal", project=CONSUMER_PROJECT, extra_env=CONSUMER_ENV)
    full = Workspace(WORK / "ws" / "consumer_full", project=CONSUMER_PROJECT, heal=False, extra_env=CONSUMER_ENV)
    commands = {
        "heal": (heal, ["build", "--select", TARGET_MODEL]),
        "full_build": (full, ["build", "--exclude", REFUSED]),
    }
    for ws in (heal, full):
        ws.reset()
        _parse(ws)
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    order = list(commands)
    for round_no in range(runs):
        for name in order[round_no % 2 :] + order[: round_no % 2]:
            ws, args = commands[name]
            ws.reset()
            shutil.copy2(template, ws.db)
            run = measure(ws.dbt(*args), cwd=ws.project, env=ws.env)
            _check(run, f"consumer fixture {name}")
            done = events.heal_complete(run)
            samples[name].append({
                "wall_seconds": round(run.wall_seconds, 3),
                "cpu_seconds": round(run.cpu_seconds, 3),
                "heal_seconds": done["duration_seconds"] if done else None,
                "healed": len(done["relations"]) if done else 0,
                "nodes": events.node_counts(run),
                "phases": events.phases(run),
                "reparsed": events.reparsed(run),
                "returncode": run.returncode,
            })  # fmt: skip
            log(f"consumer fixture {name:<10} run {round_no + 1}: {run.wall_seconds:6.2f} s")
    walls = {name: median([s["wall_seconds"] for s in found]) for name, found in samples.items()}
    cpus = {name: median([s["cpu_seconds"] for s in found]) for name, found in samples.items()}
    ok = all(s["returncode"] == 0 for found in samples.values() for s in found)
    return {
        "commands": {
            name: "dbt " + " ".join(args) + ("" if ws.heal else " --vars '{self_heal_enabled: false}'")
            for name, (ws, args) in commands.items()
        },
        "median_wall_seconds": walls,
        "median_cpu_seconds": cpus,
        "ratio": round(walls["heal"] / walls["full_build"], 3)
        if ok and walls["heal"] and walls["full_build"]
        else None,
        "cpu_ratio": round(cpus["heal"] / cpus["full_build"], 3)
        if ok and cpus["heal"] and cpus["full_build"]
        else None,
        "samples": samples,
    }


# --- the large generated fixture (bench/large_fixture.py) ---


def large(runs: int, warm_runs: int, warm_hook: Any) -> dict[str, Any]:
    """On the ~250-node generated fixture: `dbt build --select mart_00` healing its unselected ancestors on an empty
    database, against plain dbt (healing off) building the same nodes and tests (`--selector large_same_nodes`),
    alternated run by run, each on its own warm parse cache; then the warm hook on the healed workspace, also as a
    share of dbt's own startup measured in those same healthy runs."""
    project, selected = large_fixture.generate(WORK / "large", PACKAGE)
    install_packages(project)
    heal = Workspace(WORK / "ws" / "large_heal", project=project)
    plain = Workspace(WORK / "ws" / "large_plain", project=project, heal=False)
    commands = {
        "heal": (heal, ["build", "--select", selected]),
        "same_nodes": (plain, ["build", "--selector", large_fixture.SAME_NODES_SELECTOR]),
    }
    for ws in (heal, plain):
        ws.reset()
        _parse(ws)
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    order = list(commands)
    for round_no in range(runs):
        for name in order[round_no % 2 :] + order[: round_no % 2]:
            ws, args = commands[name]
            ws.reset()
            run = measure(ws.dbt(*args), cwd=ws.project, env=ws.env)
            _check(run, f"large fixture {name}")
            done = events.heal_complete(run)
            samples[name].append({
                "wall_seconds": round(run.wall_seconds, 3),
                "cpu_seconds": round(run.cpu_seconds, 3),
                "heal_seconds": done["duration_seconds"] if done else None,
                "healed": len(done["relations"]) if done else 0,
                "nodes": events.node_counts(run),
                "phases": events.phases(run),
                "returncode": run.returncode,
            })  # fmt: skip
            log(f"large fixture {name:<10} run {round_no + 1}: {run.wall_seconds:6.2f} s")
    walls = {name: median([s["wall_seconds"] for s in found]) for name, found in samples.items()}
    cpus = {name: median([s["cpu_seconds"] for s in found]) for name, found in samples.items()}
    ok = all(s["returncode"] == 0 for found in samples.values() for s in found)

    def ratio(values: dict[str, float | None]) -> float | None:
        heal_value, plain_value = values["heal"], values["same_nodes"]
        return round(heal_value / plain_value, 3) if ok and heal_value and plain_value else None

    heal.reset()  # a healed workspace for the warm hook: one more heal run, not measured
    measure(heal.dbt("build", "--select", selected), cwd=heal.project, env=heal.env)
    warm = warm_hook(heal, selected, warm_runs)
    return {
        "commands": {name: "dbt " + " ".join(args) + ("" if ws.heal else " --vars '{self_heal_enabled: false}'")
                     for name, (ws, args) in commands.items()},
        "nodes_in_project": large_fixture.node_count(),
        "healed": median([s["healed"] for s in samples["heal"]]),
        "median_wall_seconds": walls,
        "median_cpu_seconds": cpus,
        "ratio": ratio(walls),
        "cpu_ratio": ratio(cpus),
        "warm_hook": warm,
        "samples": samples,
    }  # fmt: skip


# --- a stale seed ---


def _manifest_expected(manifest_path: Path, seed: str, leaf: str) -> list[str]:
    """What the hook must rebuild after `seed` is edited when `dbt build --select leaf` runs, from the manifest:
    the seed and its descendants that the run needs (ancestors of the selected resources - the leaf and the tests
    dbt build selects with it - or declared required and not downstream of the selection), without the leaf."""
    manifest = json.loads(manifest_path.read_text())
    nodes = manifest["nodes"]
    parents: dict[str, list[str]] = manifest["parent_map"]
    children: dict[str, list[str]] = manifest["child_map"]
    by_name = {n["name"]: uid for uid, n in nodes.items() if n["resource_type"] in ("seed", "model")}
    seed_id, leaf_id = by_name[seed], by_name[leaf]

    def closure(start: list[str], edges: dict[str, list[str]]) -> set[str]:
        seen: set[str] = set()
        queue = list(start)
        while queue:
            uid = queue.pop()
            for nxt in edges.get(uid, []):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    selected = {leaf_id} | {uid for uid in children.get(leaf_id, []) if uid.startswith("test.")}
    downstream = closure(list(selected), children)
    # The bench's own expectation, read from the manifest as the package README documents the declaration
    # (true, or 'true' / 'yes' / 1 as YAML users also write it), so that a drift of the package shows up here.
    required = {
        uid for uid, n in nodes.items()
        if str(((n.get("config", {}).get("meta") or {}).get("self_heal") or {}).get("required")).lower()
        in ("true", "yes", "1")
        and n["config"].get("enabled", True) and uid not in selected and uid not in downstream
    }  # fmt: skip
    needed = (closure(list(selected), parents) | closure(list(required), parents) | required) - selected
    affected = {seed_id} | closure([seed_id], children)
    expected = [
        uid for uid in affected & needed
        if uid in nodes and nodes[uid]["resource_type"] in ("seed", "model", "snapshot")
        and nodes[uid]["config"].get("materialized") != "ephemeral" and uid != leaf_id
    ]  # fmt: skip
    return sorted(nodes[uid]["name"] for uid in expected)


def _edit_seed(path: Path, original: str, edited: bool) -> None:
    if not edited:
        path.write_text(original)
        return
    rows = list(csv.DictReader(io.StringIO(original)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "merit_rate": STALE_VALUE})
    path.write_text(out.getvalue())


def stale_seed(rounds: int) -> dict[str, Any]:
    """Build the reference workspace (10,000 census), then edit one seed and run `dbt build --select leaf` again:
    the hook must rebuild exactly the seed and its needed descendants. Compared, in the same round and alternating
    order, with plain dbt (hooks off) building exactly those relations plus the leaf in one invocation on a copy of
    the same database (its own: a run with healing off forgets the records of what it builds, which would make the
    heal's next run rebuild them as unrecorded) (and, like for like, with only the tests the heal run runs); both
    parse caches are warmed by `dbt parse` after each edit; the order rotates each round. Each round flips the seed
    between edited (every merit_rate -> STALE_VALUE) and its original content, so every round is a real one-seed
    change. Then an unchanged identical rerun must rebuild nothing."""
    project = copy_project(WORK / "project_stale")
    seed_path = project / "seeds" / f"{STALE_SEED}.csv"
    original = seed_path.read_text()
    on = Workspace(WORK / "ws" / "stale_on", project=project)
    off = Workspace(WORK / "ws" / "stale_off", project=project, heal=False)
    for ws in (on, off):
        ws.reset()
    setup = measure(on.dbt("build", "--select", TARGET_MODEL), cwd=project, env=on.env)
    _check(setup, "stale: initial build")
    shutil.copy2(on.db, off.db)  # the same relations and records, for plain dbt to rebuild on its own
    _parse(off)
    expected = _manifest_expected(on.root / "target" / "manifest.json", STALE_SEED, TARGET_MODEL)
    plain_args = ["build", "--select", *expected, TARGET_MODEL]
    # Like for like: plain dbt building the same relations but running only the tests the heal run runs (the leaf's).
    selectors = project / "selectors.yml"
    selectors.write_text(selectors.read_text() + "".join(
        [f"  - name: {SAME_TESTS_SELECTOR}\n    definition:\n      union:\n"]
        + [f"        - {{method: fqn, value: {name}, indirect_selection: empty}}\n" for name in expected]
        + [f"        - {{method: fqn, value: {TARGET_MODEL}}}\n"]
    ))  # fmt: skip
    commands = {
        "heal": (on, ["build", "--select", TARGET_MODEL]),
        "dbt": (off, plain_args),
        "dbt_same_tests": (off, ["build", "--selector", SAME_TESTS_SELECTOR]),
    }
    rounds_out: list[dict[str, Any]] = []
    for round_no in range(rounds):
        _edit_seed(seed_path, original, edited=round_no % 2 == 0)
        _parse(on)
        _parse(off)
        runs: dict[str, Measured] = {}
        names = list(commands)
        order = names[round_no % 3 :] + names[: round_no % 3]
        for name in order:
            ws, args = commands[name]
            runs[name] = measure(ws.dbt(*args), cwd=project, env=ws.env)
            _check(runs[name], f"stale: {name} run")
        heal, plain, same = runs["heal"], runs["dbt"], runs["dbt_same_tests"]
        started = events.heal_start(heal)
        rebuilt = sorted(events.rebuilt(heal))
        rounds_out.append({
            "seed": "edited" if round_no % 2 == 0 else "original",
            "order": order,
            "heal_wall_seconds": round(heal.wall_seconds, 3),
            "dbt_wall_seconds": round(plain.wall_seconds, 3),
            "heal_cpu_seconds": round(heal.cpu_seconds, 3),
            "dbt_cpu_seconds": round(plain.cpu_seconds, 3),
            "dbt_same_tests_wall_seconds": round(same.wall_seconds, 3),
            "heal_seconds": (events.heal_complete(heal) or {}).get("duration_seconds"),
            "heal_breakdown": events.heal_breakdown(heal),
            "heal_phases": events.phases(heal),
            "dbt_phases": events.phases(plain),
            "rebuilt": rebuilt,
            "stale": started.get("stale") if started else None,
            "missing": started.get("missing") if started else None,
            "heal_nodes": events.node_counts(heal),
            "dbt_nodes": events.node_counts(plain),
            "dbt_same_tests_nodes": events.node_counts(same),
            "reparsed": {name: events.reparsed(run) for name, run in runs.items()},
            "returncodes": {name: run.returncode for name, run in runs.items()},
        })  # fmt: skip
        log(
            f"stale seed round {round_no + 1}: heal run {heal.wall_seconds:.2f} s ({len(rebuilt)} rebuilt), "
            f"plain dbt {plain.wall_seconds:.2f} s, plain dbt with the heal run's tests {same.wall_seconds:.2f} s"
        )
    # Unchanged: the same command twice more; neither may rebuild anything.
    unchanged = []
    for _ in range(2):
        run = measure(on.dbt("build", "--select", TARGET_MODEL), cwd=project, env=on.env)
        _check(run, "stale: unchanged rerun")
        skipped = [e for e in events.heal_events(run) if e["event"] == "heal_skipped"]
        unchanged.append({
            "rebuilt": events.rebuilt(run),
            "heal_start": events.heal_start(run) is not None,
            "skipped_reason": skipped[0].get("reason") if skipped else None,
            "hook_seconds": events.hook_seconds(run),
            "wall_seconds": round(run.wall_seconds, 3),
            "returncode": run.returncode,
        })  # fmt: skip
    seed_path.write_text(original)
    ok = all(all(code == 0 for code in r["returncodes"].values()) for r in rounds_out)
    heal_wall = median([r["heal_wall_seconds"] for r in rounds_out])
    dbt_wall = median([r["dbt_wall_seconds"] for r in rounds_out])
    heal_cpu = median([r["heal_cpu_seconds"] for r in rounds_out])
    dbt_cpu = median([r["dbt_cpu_seconds"] for r in rounds_out])
    same_wall = median([r["dbt_same_tests_wall_seconds"] for r in rounds_out])
    first = rounds_out[0]["rebuilt"] if rounds_out else []
    return {
        "seed": STALE_SEED,
        "edit": f"every merit_rate -> {STALE_VALUE} (rounds alternate edited / original content)",
        "expected": expected,
        "rebuilt": first,
        "exact": ok and bool(rounds_out) and all(r["rebuilt"] == expected for r in rounds_out),
        "heal_command": f"dbt build --select {TARGET_MODEL}",
        "dbt_command": "dbt " + " ".join(plain_args) + " --vars '{self_heal_enabled: false}'",
        "median_heal_wall_seconds": heal_wall,
        "dbt_same_tests_command": f"dbt build --selector {SAME_TESTS_SELECTOR} (the relations above without their "
        f"tests, plus {TARGET_MODEL} with its tests) --vars '{{self_heal_enabled: false}}'",
        "median_dbt_wall_seconds": dbt_wall,
        "median_dbt_same_tests_wall_seconds": same_wall,
        "ratio": round(heal_wall / dbt_wall, 3) if ok and heal_wall and dbt_wall else None,
        "same_tests_ratio": round(heal_wall / same_wall, 3) if ok and heal_wall and same_wall else None,
        "cpu_ratio": round(heal_cpu / dbt_cpu, 3) if ok and heal_cpu and dbt_cpu else None,
        "rounds": rounds_out,
        "unchanged_reruns": unchanged,
        "unchanged_rebuilt": max((len(u["rebuilt"]) for u in unchanged), default=None),
        "setup": {"wall_seconds": round(setup.wall_seconds, 3), "returncode": setup.returncode},
    }


# --- the wrapper: selfheal simulate ---


def _simulate(root: Path, year: int) -> dict[str, Any]:
    command = [str(SELFHEAL), "simulate", "--workspace", str(root), "--year", str(year),
               "--project-dir", str(PROJECT), "--json"]  # fmt: skip
    run = measure(command, cwd=REPO, env=Workspace(root).env)
    result: dict[str, Any] = {}
    for line in reversed(run.lines):
        if line.text.startswith("{"):
            try:
                result = json.loads(line.text)
                break
            except json.JSONDecodeError:
                continue
    _check(run, f"selfheal simulate --year {year}")
    created = list(result.get("created") or [])  # `--json` prints the InitializationResult: the hook's heal_complete
    return {
        "wall_seconds": round(run.wall_seconds, 3),
        "rebuilt": len(created),
        "relations": created,
        "heal_seconds": result.get("heal_duration_seconds"),
        "state": result.get("state"),
        "returncode": run.returncode,
    }


def simulate(rounds: int) -> dict[str, Any]:
    """`selfheal simulate --workspace W --year 2025` on a new workspace (cold: no database, no parse cache), then the
    same command unchanged, then with --year 2026 (new vars: dbt parses again); wall seconds and how many relations
    the hook rebuilt."""
    root = WORK / "ws" / "simulate"
    cases = {"first": 2025, "unchanged_rerun": 2025, "year_2026": 2026}
    found: dict[str, list[dict[str, Any]]] = {case: [] for case in cases}
    for round_no in range(rounds):
        if root.exists():
            shutil.rmtree(root)
        for case, year in cases.items():
            found[case].append(_simulate(root, year))
        log(f"selfheal simulate round {round_no + 1}: " + ", ".join(
            f"{case} {found[case][-1]['wall_seconds']:.2f} s ({found[case][-1]['rebuilt']} rebuilt)" for case in cases
        ))  # fmt: skip
    return {
        case: {
            "wall_seconds": median([s["wall_seconds"] for s in samples]),
            "rebuilt": max(s["rebuilt"] for s in samples),
            "relations": samples[0]["relations"],
            "returncode": max(s["returncode"] for s in samples),
            "samples": samples,
        }
        for case, samples in found.items()
    }
