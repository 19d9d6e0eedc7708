"""Record real dbt event streams (`--log-format json`, the wrapper's own command line) from the reference workspace
into tests/wrapper/data/, for the event-to-result unit tests (tests/wrapper/test_interpret.py).

    .venv/bin/python -m tests.wrapper.record_events      # about 3 minutes; rewrites tests/wrapper/data/

Each stream is the stdout of one dbt run, one JSON event per line, as the wrapper reads it; streams.json says how
each was made (dbt arguments, exit code, dbt version). Re-record after changing what the package emits.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from selfheal.dbt import dbt_command, dbt_env, find_dbt
from selfheal.probe import STATUS_OPERATION
from selfheal.project import SIMULATE_SELECT
from selfheal.workspace import Workspace

from tests.harness import copy_project

DATA = Path(__file__).parent / "data"
SIMULATE = ["build", "--select", *SIMULATE_SELECT]
INIT = ["test", "--select", "tag:self_heal_init"]


def record(name: str, args: list[str], project: Path, workspace: Workspace, index: dict[str, object]) -> None:
    workspace.create()
    done = subprocess.run(
        dbt_command(find_dbt(), args, project, workspace), cwd=project, env=dbt_env(workspace),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    (DATA / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index[name] = {"dbt_args": args, "exit_code": done.returncode, "lines": len(lines)}
    print(f"{name}: exit {done.returncode}, {len(lines)} lines")


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def main() -> None:
    DATA.mkdir(exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    index: dict[str, object] = {"dbt_core": version("dbt-core"), "dbt_duckdb": version("dbt-duckdb"), "commit": commit}
    with tempfile.TemporaryDirectory(prefix="selfheal-record-") as tmp:
        root = Path(tmp)
        project = copy_project(root / "project")
        ws = Workspace.at(root / "ws")
        record("heal", SIMULATE, project, ws, index)  # a new workspace: everything missing, healed, then built
        record("healthy", SIMULATE, project, ws, index)  # the same run again: nothing to heal
        seed = project / "seeds" / "config_merit_rates.csv"
        edit(seed, lambda text: text.replace("0.03", "0.031", 1))
        record("stale", SIMULATE, project, ws, index)  # an edited seed: it and its dependents rebuilt
        record("status", ["run-operation", STATUS_OPERATION, "--args", json.dumps({"select": SIMULATE_SELECT})],
               project, ws, index)  # fmt: skip

        broken = copy_project(root / "broken")
        model = broken / "models" / "foundation" / "int_employee_benefits.sql"
        edit(model, lambda text: text.replace("baseline.simulation_year", "baseline.no_such_column", 1))
        # dbt ends the run at the failing statement inside the heal: the heal's last unfinished node names it
        record("failed_heal", INIT, broken, Workspace.at(root / "ws_failed"), index)
        # refused before anything is built: the census the heal needs does not exist
        record("refused", [*INIT, "--vars", json.dumps({"census_path": "data/no_such_census.csv"})], project,
               Workspace.at(root / "ws_refused"), index)  # fmt: skip
    (DATA / "streams.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
