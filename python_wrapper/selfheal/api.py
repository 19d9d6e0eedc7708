"""The Python API for the orchestrator: ensure_initialized, simulate, run_dbt, status."""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from selfheal.engine import GuardedRun, GuardOptions
from selfheal.health import DatabaseHealth, check_database, read_state
from selfheal.locking import read_owner
from selfheal.probe import STATUS_OPERATION, StatusCheck, ask_scratch, ask_workspace
from selfheal.project import (
    DEFAULT_YEAR,
    SIMULATE_SELECT,
    check_census,
    check_project,
    check_year,
    dbt_vars,
    resolve_project_dir,
)
from selfheal.results import InitializationResult, InitializationState, StepRecord
from selfheal.workspace import Workspace

__all__ = [
    "GuardOptions",
    "InitializationResult",
    "InitializationState",
    "StepRecord",
    "WorkspaceStatus",
    "ensure_initialized",
    "run_dbt",
    "simulate",
    "status",
]

# `selfheal simulate`: dbt builds (and tests) only what the simulation year produces. Everything those outputs read is
# the hook's: it builds what is missing and rebuilds what is stale (for a new year, every relation that reads
# simulation_year; after a seed edit, that seed and what depends on it), and leaves what is current alone.
# `selfheal init`: select only the project's `self_heal_init` test (tests/dbt/workspace_initialized.sql). It selects
# no model or seed, so the hook heals every required seed and model (plus their unselected ancestors), then dbt
# runs that one test, which fails if any required relation is empty.
INIT_ARGS = ["test", "--select", "tag:self_heal_init"]
# Why status does not ask dbt for stale relations: dbt-duckdb would create a missing file and open it read-write.
STALE_UNCHECKED = {
    "missing": "no database yet, nothing built",
    "locked": "another process holds the database",
    "corrupt": "the database is corrupt",
    "version_mismatch": "the database was written by another DuckDB version",
}


def _options(**kwargs: Any) -> GuardOptions:
    opts = GuardOptions(**{k: v for k, v in kwargs.items() if v is not None})
    if opts.project_dir is not None:
        opts.project_dir = Path(opts.project_dir)
    if opts.census is not None:
        opts.census = Path(opts.census)
    return opts


def _guarded(
    workspace: str | os.PathLike[str], dbt_args: list[str], opts: GuardOptions, year: int | None = None
) -> InitializationResult:
    project = resolve_project_dir(opts.project_dir)
    opts.project_dir = project
    check_project(project)
    if year is not None:
        check_year(project, year)
    census = check_census(project, opts.census)
    inputs = [census, project / "seeds"]
    return GuardedRun(Workspace.at(workspace), opts).execute(dbt_args, inputs)


def ensure_initialized(workspace: str | os.PathLike[str], **options: Any) -> InitializationResult:
    """Make sure every required relation exists (the hook heals what is missing); simulate nothing.

    Options are the fields of GuardOptions (project_dir, lock_timeout, min_free_mb, deep_check,
    recreate_corrupt, wait_for_db, census, reporter, confirm). Raises a SelfHealError subclass carrying a
    remediation.
    """
    opts = _options(**options)
    return _guarded(workspace, [*INIT_ARGS, *dbt_vars(None, opts.census)], opts)


def simulate(
    workspace: str | os.PathLike[str], year: int = DEFAULT_YEAR, **options: Any
) -> InitializationResult:
    """Run one simulation year: `dbt build` of its outputs and their tests; first the hook builds what they read
    that is missing and rebuilds what is stale (e.g. everything that reads simulation_year, for a new year)."""
    opts = _options(**options)
    args = ["build", "--select", *SIMULATE_SELECT, *dbt_vars(year, opts.census)]
    return _guarded(workspace, args, opts, year=year)


def run_dbt(workspace: str | os.PathLike[str], dbt_args: list[str], **options: Any) -> InitializationResult:
    """Any dbt command in the workspace, with the same guards."""
    opts = _options(**options)
    return _guarded(workspace, list(dbt_args), opts)


@dataclass
class WorkspaceStatus:
    workspace: Path
    database: Path
    health: str
    detail: str
    state: str  # not_started | in_progress | completed | failed | unknown (database unreadable)
    missing: list[str]
    required: list[str]
    interrupted: bool = False
    last_attempt: dict[str, Any] | None = None
    attempts: int = 0
    free_mb: float | None = None
    lock_holder: dict[str, Any] | None = None
    required_source: str = ""
    stale: list[dict[str, str]] | None = None  # [{relation, reason}] a default run would rebuild; None: not checked
    stale_detail: str | None = None  # why stale is None
    state_table: str | None = None  # database.schema.table of the package's state table, as its settings resolve
    record_table: str | None = None  # ... and of its fingerprint records
    needed: list[str] | None = None  # what a default simulate needs built (required + ancestors); None: unknown

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["workspace"] = str(self.workspace)
        data["database"] = str(self.database)
        return data


def status(
    workspace: str | os.PathLike[str], project_dir: str | os.PathLike[str] | None = None
) -> WorkspaceStatus:
    """Initialization state, missing and stale relations, database health, free disk and lock holder.

    Builds and records nothing. What is required, and where the state table is, the package says (`dbt run-operation
    dbt_self_heal.self_heal_status`, a few seconds): about the workspace's database when it is healthy and the
    workspace lock is free (held meanwhile; stale relations are known only then), otherwise about an empty scratch
    database of the same name.
    """

    ws = Workspace.at(workspace)
    project = resolve_project_dir(project_dir)
    where = ws.check_directory()  # a workspace that is a file is an error (SH011), as for simulate
    check_project(project)
    free_mb = round(shutil.disk_usage(where).free / 2**20, 1)
    owner = read_owner(ws.owner_path) if ws.owner_path.exists() else None
    lock_holder: dict[str, Any] | None = None
    if owner is not None and owner.is_alive():
        lock_holder = {"source": "selfheal", **asdict(owner)}
    health = check_database(ws.database)
    if health.health == "locked":
        lock_holder = lock_holder or {"source": "duckdb", "pid": health.lock_pid, "command": health.holder}
    if health.health == "ok":
        live = ask_workspace(ws, project)
    else:
        live = StatusCheck(None, f"not checked: {STALE_UNCHECKED.get(health.health, 'database ' + health.health)}")
    asked = live if live.status is not None else ask_scratch(ws, project)
    package = asked.status
    required = package.required if package else []
    source = f"dbt run-operation {STATUS_OPERATION}" + (" (scratch database)" if package and package.scratch else "")
    if package is None:
        source = f"unknown: {asked.detail}"
    state_table = package.state_table if package else None
    state = "unknown"
    missing: list[str] = []
    last: dict[str, Any] | None = None
    attempts = 0
    interrupted = False
    if health.health == "missing":
        state, missing = "not_started", required
    elif health.health == "ok" and package is not None:
        try:
            rows, present = read_state(ws.database, state_table)
        except Exception as exc:  # a file damaged beyond what the health check read
            health = DatabaseHealth(ws.database, "corrupt", str(exc).strip().splitlines()[0])
        else:
            if package.scratch:  # the package could not look at this database: present anywhere in it counts
                present_lower = {name.lower() for name in present}
                missing = [name for name in required if name.lower() not in present_lower]
            else:
                missing = [name for name in required if name in set(package.missing)]
            attempts = len(rows)
            state = "not_started"
            if rows:
                last = asdict(rows[-1])
                state = rows[-1].state
                if state == "in_progress" and lock_holder is None:
                    state, interrupted = "failed", True  # nobody holds the file: that attempt's process is gone
    stale = live.status.stale if live.status is not None else None
    # Initialized: nothing required is missing, and a failed last attempt has left nothing stale behind it.
    if (health.health == "ok" and package is not None and not missing and state != "in_progress"
            and not (state == "failed" and stale)):  # fmt: skip
        state = "completed"
    return WorkspaceStatus(
        workspace=ws.root,
        database=ws.database,
        health=health.health,
        detail=health.detail,
        state=state,
        missing=missing,
        required=required,
        interrupted=interrupted,
        last_attempt=last,
        attempts=attempts,
        free_mb=free_mb,
        lock_holder=lock_holder,
        required_source=source,
        stale=stale,
        stale_detail=live.detail if live.status is None else None,
        state_table=str(state_table) if state_table else None,
        record_table=str(package.record_table) if package and package.record_table else None,
        needed=package.needed if package else None,
    )
