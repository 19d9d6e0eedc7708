"""Benchmarks on PostgreSQL (part of `make bench`; alone: `python bench/run.py --postgres-only`).

A private PostgreSQL 15 server (tests/postgres_server.py) and the jaffle_shop-shaped fixture. Per round, on a fresh
database each: `heal` is `dbt run --select customers` with the hooks on (the heal builds the six missing ancestors,
dbt builds customers); `same_nodes` is plain dbt building the same seven nodes (`dbt seed` of the three seeds, then
`dbt run --select +customers`, hooks off). Strategies alternate each round; medians of wall time. The warm check is
the on-run-start hook's own time on healthy reruns (dbt's hook start/end lines), after one unmeasured rerun.
Then the large generated fixture (bench/large_fixture.py, 226 nodes) the same way, one dbt invocation each side:
`dbt build --select mart_00` healing its 34 ancestors against plain dbt building the same nodes (its selector).
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path
from typing import Any

from bench import events, large_fixture
from bench.proc import Measured, measure
from tests.harness import DBT, dbt_env, install_packages
from tests.postgres_server import running_server

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "jaffle_shop"
OFF = '{"self_heal_enabled": false}'


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def run(work: Path, rounds: int = 3, warm_runs: int = 3) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    project = work / "jaffle_shop"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs"))
    (project / "packages.yml").write_text(f"packages:\n  - local: {FIXTURE.parents[2] / 'dbt_self_heal'}\n")
    install_packages(project)
    with running_server() as server:
        profiles = server.profiles_dir(work / "profiles", "bench")
        env = dbt_env(work / "unused.duckdb")

        def dbt(target: str, *args: str) -> list[str]:
            return [str(DBT), "--log-format", "json", *args, "--project-dir", str(project), "--profiles-dir",
                    str(profiles), "--target-path", str(work / target), "--log-path", str(work / "logs")]  # fmt: skip

        # Warm each side's partial-parse cache once with exactly the vars its runs use.
        server.create_database("bench")
        measure(dbt("target-heal", "parse"), cwd=project, env=env)
        measure(dbt("target-plain", "parse", "--vars", OFF), cwd=project, env=env)

        walls: dict[str, list[float | None]] = {"heal": [], "same_nodes": []}
        failures: list[str] = []
        for index in range(rounds):
            order = ["heal", "same_nodes"] if index % 2 == 0 else ["same_nodes", "heal"]
            for name in order:
                server.create_database("bench")
                if name == "heal":
                    runs = [measure(dbt("target-heal", "run", "--select", "customers"), cwd=project, env=env)]
                    built = (events.heal_complete(runs[0]) or {}).get("relations", [])
                    if len(built) != 6:
                        failures.append(f"heal built {built}")
                else:
                    runs = [measure(dbt("target-plain", "seed", "--vars", OFF), cwd=project, env=env),
                            measure(dbt("target-plain", "run", "--select", "+customers", "--vars", OFF), cwd=project,
                                    env=env)]  # fmt: skip
                failures += [f"{name}: {r.tail()}" for r in runs if r.returncode != 0]
                walls[name].append(round(sum(r.wall_seconds for r in runs), 3))

        warm: list[Measured] = []
        measure(dbt("target-heal", "run", "--select", "customers"), cwd=project, env=env)
        for _ in range(warm_runs):
            warm.append(measure(dbt("target-heal", "run", "--select", "customers"), cwd=project, env=env))
        healthy = all(not events.rebuilt(r) and r.returncode == 0 for r in warm)
        large = _large(server, work, rounds, env)
        heal, same = _median(walls["heal"]), _median(walls["same_nodes"])
        return {
            "fixture": "tests/fixtures/jaffle_shop",
            "rounds": rounds,
            "wall_seconds": walls,
            "median_heal_seconds": heal,
            "median_same_nodes_seconds": same,
            "heal_vs_same_nodes_ratio": round(heal / same, 3) if heal and same else None,
            "warm_hook_seconds": _median([events.hook_seconds(r) for r in warm]),
            "warm_runs_healthy": healthy,
            "failures": failures + large.pop("failures"),
            "large_fixture": large,
        }


def _large(server: Any, work: Path, rounds: int, env: dict[str, str]) -> dict[str, Any]:
    """The large generated fixture on PostgreSQL: heal of mart_00's ancestors against plain dbt building the same
    nodes, one invocation each, on a fresh database per run, alternated; medians of wall time."""
    project, selected = large_fixture.generate(work / "large", FIXTURE.parents[2] / "dbt_self_heal", postgres=True)
    install_packages(project)
    profiles = server.profiles_dir(work / "profiles-large", "bench_large")
    commands = {
        "heal": ["build", "--select", selected],
        "same_nodes": ["build", "--selector", large_fixture.SAME_NODES_SELECTOR, "--vars", OFF],
    }

    def dbt(name: str, *args: str) -> list[str]:
        return [str(DBT), "--log-format", "json", *args, "--project-dir", str(project), "--profiles-dir",
                str(profiles), "--target-path", str(work / f"large-target-{name}"), "--log-path",
                str(work / "large-logs")]  # fmt: skip

    for name in commands:  # each side's partial-parse cache, warmed with its own vars
        measure(dbt(name, "parse", *(["--vars", OFF] if name == "same_nodes" else [])), cwd=project, env=env)
    walls: dict[str, list[float | None]] = {name: [] for name in commands}
    failures: list[str] = []
    for index in range(rounds):
        for name in (list(commands) if index % 2 == 0 else list(reversed(commands))):
            server.create_database("bench_large")
            result = measure(dbt(name, *commands[name]), cwd=project, env=env)
            if result.returncode != 0:
                failures.append(f"large fixture {name}: {result.tail()}")
            elif name == "heal" and len((events.heal_complete(result) or {}).get("relations", [])) != 34:
                failures.append(f"large fixture heal built {(events.heal_complete(result) or {}).get('relations')}")
            walls[name].append(round(result.wall_seconds, 3))
    heal, same = _median(walls["heal"]), _median(walls["same_nodes"])
    return {
        "wall_seconds": walls,
        "median_heal_seconds": heal,
        "median_same_nodes_seconds": same,
        "heal_vs_same_nodes_ratio": round(heal / same, 3) if heal and same and not failures else None,
        "failures": failures,
    }
