"""The Python API for the orchestrator: ensure_initialized, simulate, run_dbt, status."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from selfheal.diagnose import classify_failure
from selfheal.disk import check_disk
from selfheal.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    InterruptedInitializationWarning,
    MissingCensusError,
    ProfileError,
    SelfHealError,
    SimulationYearError,
    UserInterruptedError,
    VersionMismatchError,
)
from selfheal.health import DatabaseHealth, check_database, move_aside, read_state
from selfheal.locking import LockOwner, WorkspaceLock, read_owner
from selfheal.logs import StructuredLog, utc_now
from selfheal.progress import STEP_LABELS, NullReporter, Reporter
from selfheal.workspace import Workspace

InitializationState = Literal["not_started", "in_progress", "completed", "failed"]

DEFAULT_YEAR = (
    2025  # dbt_project.yml vars.simulation_year; --vars is passed only for other years (warm partial parse)
)
DEFAULT_CENSUS = "data/census.csv"  # dbt_project.yml vars.census_path, relative to the project dir
SIMULATE_SELECT = ["+fct_workforce_snapshot", "+fct_yearly_events", "+int_employee_benefits"]
# Seeds are year-independent and are what the hook loads; every model depends on simulation_year, so dbt
# rebuilds all of them for the requested year rather than the hook "healing" a table built for another year.
SIMULATE_EXCLUDE = ["resource_type:seed"]
# `selfheal init`: select only the project's `self_heal_init` test (tests/dbt/workspace_initialized.sql). It selects
# no model or seed, so the hook heals every required seed and model (plus their unselected ancestors), then dbt
# runs that one test, which fails if any required relation is empty.
INIT_ARGS = ["test", "--select", "tag:self_heal_init"]
ConfirmCallback = Callable[[str], bool]


@dataclass
class StepRecord:
    """One initialization step: a wrapper guard (acquire_lock, ...) or a hook step (check_tables, ...)."""

    name: str
    source: Literal["wrapper", "hook"]
    started_at: str | None = None
    completed_at: str | None = None
    duration_seconds: float | None = None
    success: bool | None = None
    error: str | None = None
    relations: list[str] = field(default_factory=list)


@dataclass
class InitializationResult:
    workspace: Path
    database: Path
    state: InitializationState
    healed: bool = False
    missing: list[str] = field(default_factory=list)  # relations found missing by the hook
    created: list[str] = field(default_factory=list)  # relations the hook built and verified
    steps: list[StepRecord] = field(default_factory=list)
    duration_seconds: float = 0.0
    heal_duration_seconds: float | None = None
    invocation_id: str | None = None
    dbt_args: list[str] = field(default_factory=list)
    exit_code: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # models / seeds / tests / failed run by dbt itself
    warnings: list[SelfHealError] = field(default_factory=list)
    moved_aside: list[tuple[str, str]] = field(default_factory=list)
    log_path: Path | None = None
    lock_waited_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["workspace"] = str(self.workspace)
        data["database"] = str(self.database)
        data["log_path"] = str(self.log_path) if self.log_path else None
        data["warnings"] = [w.to_dict() for w in self.warnings]
        return data


@dataclass
class GuardOptions:
    project_dir: Path | None = None
    lock_timeout: float = 600.0
    min_free_mb: float = 100.0
    deep_check: bool = False
    recreate_corrupt: bool = False
    wait_for_db: bool = False
    census: Path | None = None
    reporter: Reporter | None = None
    confirm: ConfirmCallback | None = (
        None  # asked before moving a corrupt database aside without --recreate-corrupt
    )
    poll_interval: float = 0.5


def resolve_project_dir(project_dir: str | os.PathLike[str] | None = None) -> Path:
    if project_dir is not None:
        return Path(project_dir).expanduser().absolute()
    env = os.environ.get("PLANALIGN_PROJECT_DIR")
    if env:
        return Path(env).expanduser().absolute()
    return Path(__file__).resolve().parents[2]


def check_project(project_dir: Path) -> None:
    if not (project_dir / "dbt_project.yml").is_file():
        raise ProfileError(
            f"no dbt_project.yml in project dir {project_dir}.",
            "pass --project-dir (or set PLANALIGN_PROJECT_DIR) to the dbt project holding dbt_project.yml.",
        )
    if not (project_dir / "profiles.yml").is_file():
        raise ProfileError(
            f"no profiles.yml in {project_dir}: dbt needs the profile 'planalign' (a duckdb target reading "
            "PLANALIGN_DB_PATH).",
            f"restore {project_dir / 'profiles.yml'} (e.g. `git checkout -- profiles.yml`), then rerun.",
        )


def configured_years(project_dir: Path) -> list[int]:
    """Years in seeds/config_simulation.csv (empty when the project has no such seed)."""
    path = project_dir / "seeds" / "config_simulation.csv"
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return sorted(
                int(row["simulation_year"]) for row in csv.DictReader(handle) if row.get("simulation_year")
            )
    except (OSError, KeyError, ValueError):
        return []


def check_year(project_dir: Path, year: int) -> None:
    years = configured_years(project_dir)
    if years and year not in years:
        raise SimulationYearError(
            f"simulation year {year} is outside the years configured in seeds/config_simulation.csv "
            f"({years[0]}..{years[-1]}).",
            f"pass --year between {years[0]} and {years[-1]}, or add a row for {year} to "
            "seeds/config_simulation.csv (and seeds/config_cola.csv).",
        )


def census_file(project_dir: Path, census: Path | None) -> Path:
    path = census if census is not None else Path(DEFAULT_CENSUS)
    return path if path.is_absolute() else project_dir / path


def check_census(project_dir: Path, census: Path | None) -> Path:
    path = census_file(project_dir, census)
    if not path.is_file():
        raise MissingCensusError(
            f"census file not found: {path} (var census_path"
            + (f", --census {census}" if census is not None else f", default {DEFAULT_CENSUS}")
            + ").",
            f"put the census CSV at {path}, or pass --census path/to/census.csv; then rerun.",
        )
    return path


def dbt_vars(year: int | None, census: Path | None) -> list[str]:
    values: dict[str, Any] = {}
    if year is not None and year != DEFAULT_YEAR:
        values["simulation_year"] = year
    if census is not None:
        values["census_path"] = str(census)
    return ["--vars", json.dumps(values)] if values else []


# From `make bench` (bench/results.json, init_seconds_by_employees): healing seeds alone takes about half a second;
# with the census-dependent models it grows by about 0.07 s per MB of census (10k employees are about 0.7 MB).
HEAL_BASE_SECONDS = 0.5
HEAL_SECONDS_PER_CENSUS_MB = 0.07


def estimate_heal_seconds(builds_models: bool, census_mb: float) -> float:
    """A rough duration for the hook's healing, so the user knows what to expect (spec user story 2)."""
    seconds = HEAL_BASE_SECONDS + (HEAL_SECONDS_PER_CENSUS_MB * census_mb if builds_models else 0.0)
    return round(seconds, 1)


class _Run:
    """One guarded command: guards, lock, dbt subprocess, live events, structured log, result."""

    def __init__(self, workspace: Workspace, opts: GuardOptions) -> None:
        self.ws = workspace
        self.opts = opts
        self.rep: Reporter = opts.reporter or NullReporter()
        self.log = StructuredLog(workspace.root)
        self.started = time.monotonic()
        self.result = InitializationResult(
            workspace.root, workspace.database, "not_started", log_path=workspace.log_file
        )
        self.hook_steps: dict[str, StepRecord] = {}
        self.census_mb = 0.0

    @contextmanager
    def step(self, name: str, detail: Callable[[], str] | None = None) -> Iterator[StepRecord]:
        record = StepRecord(name, "wrapper", started_at=utc_now())
        self.result.steps.append(record)
        self.log.step_start(name, record.started_at or "")
        self.rep.step_started(name, STEP_LABELS.get(name, name))
        began = time.monotonic()
        try:
            yield record
        except SelfHealError as exc:
            self._close_step(record, began, False, exc.message)
            raise
        self._close_step(record, began, True, None, detail() if detail else "")

    def _close_step(
        self, record: StepRecord, began: float, ok: bool, error: str | None, detail: str = ""
    ) -> None:
        record.completed_at = utc_now()
        record.duration_seconds = round(time.monotonic() - began, 3)
        record.success = ok
        record.error = error
        self.log.step_complete(
            record.name,
            record.started_at,
            record.completed_at,
            record.duration_seconds,
            ok,
            error,
            source="wrapper",
        )
        self.rep.step_finished(record.name, ok, record.duration_seconds, detail)

    def execute(self, dbt_args: list[str], inputs: list[Path]) -> InitializationResult:
        self.result.dbt_args = dbt_args
        self.census_mb = inputs[0].stat().st_size / 2**20 if inputs and inputs[0].is_file() else 0.0
        project = resolve_project_dir(self.opts.project_dir)
        try:
            with self.step("check_workspace"):
                self.ws.check_writable()
            disk_detail = ""
            with self.step("check_disk", lambda: disk_detail):
                disk = check_disk(self.ws.root, self.opts.min_free_mb, inputs)
                disk_detail = (
                    f"{disk.free_bytes / 2**20:.0f} MB free, {disk.required_bytes / 2**20:.0f} MB needed"
                )
            self.ws.create()
            self.log.open(self.ws.log_file)
            lock = WorkspaceLock(
                self.ws.lock_path,
                self.ws.owner_path,
                self.opts.lock_timeout,
                self.opts.poll_interval,
                self._waiting,
            )
            with self.step("acquire_lock"):
                self.result.lock_waited_seconds = round(lock.acquire(), 3)
            try:
                self._check_database()
                self._run_dbt(dbt_args, project)
            finally:
                lock.release()
        except SelfHealError as exc:
            self.result.state = "failed" if self.result.state != "completed" else self.result.state
            self._finish(exc)
            raise
        self._finish(None)
        return self.result

    def _waiting(self, holder: LockOwner | None, elapsed: float) -> None:
        who = holder.describe() if holder else "another process (owner not recorded yet)"
        message = f"workspace is locked by {who}; waiting up to {self.opts.lock_timeout:g}s"
        self.rep.line(message)
        self.log.emit(
            "lock_wait", holder=asdict(holder) if holder else None, waited_seconds=round(elapsed, 3)
        )

    def _check_database(self) -> None:
        health: DatabaseHealth | None = None
        detail = ""
        with self.step("check_database", lambda: detail):
            deadline = time.monotonic() + self.opts.lock_timeout
            while True:
                health = check_database(self.ws.database, deep=self.opts.deep_check)
                if health.health != "locked":
                    break
                message = f"database {self.ws.database} locked by another process ({health.holder})"
                if not self.opts.wait_for_db or time.monotonic() >= deadline:
                    raise DatabaseLockedError(message + ".")
                self.rep.line(message + "; waiting (--wait-for-db)")
                time.sleep(self.opts.poll_interval)
            detail = f"{health.health}: {health.detail}"
            if health.health == "version_mismatch":
                raise VersionMismatchError(
                    f"database {self.ws.database} was written by an incompatible DuckDB version: "
                    f"{health.detail}"
                )
            if health.health == "corrupt":
                found = f"database {self.ws.database} is corrupt: {health.detail}"
                consent = self.opts.recreate_corrupt or (
                    self.opts.confirm is not None
                    and self.opts.confirm(
                        f"{found}. Move it aside (kept, renamed) and recreate the workspace?"
                    )
                )
                if not consent:
                    raise CorruptDatabaseError(
                        f"{found}. It was left untouched.",
                        f"rerun with --recreate-corrupt to move {self.ws.database.name} aside as "
                        f"{self.ws.database.name}.corrupt-<UTC timestamp> (never deleted) and rebuild it.",
                    )
                moved = move_aside(self.ws.database)
                self.result.moved_aside = [(str(a), str(b)) for a, b in moved]
                for source, target in moved:
                    self.rep.warn(f"moved corrupt {source.name} aside to {target}")
                self.log.emit("database_moved_aside", moved=self.result.moved_aside, reason=health.detail)
                detail = f"corrupt ({health.detail}); moved aside, will be recreated"

    def _run_dbt(self, dbt_args: list[str], project: Path) -> None:
        from selfheal.dbt import DbtInvocation, dbt_env, find_dbt
        from selfheal.packages import ensure_packages

        installed = ensure_packages(project, find_dbt(), dbt_env(self.ws))
        if installed:
            self.rep.line("installed dbt packages: " + ", ".join(installed))
            self.log.emit("packages_installed", packages=installed)
        self.rep.line("starting dbt " + " ".join(dbt_args))
        invocation = DbtInvocation.start(dbt_args, project, self.ws)
        self.log.emit("dbt_started", dbt_args=dbt_args, pid=invocation.pid)
        try:
            for event in invocation.stream():
                self._on_event(event)
            exit_code = invocation.wait()
        except KeyboardInterrupt:
            self.rep.warn("interrupted: stopping dbt (SIGINT forwarded)...")
            code = invocation.interrupt()
            self.result.exit_code = 130
            raise UserInterruptedError(
                f"interrupted by the user; dbt (PID {invocation.pid}) stopped with exit code {code}."
            ) from None
        self.result.exit_code = exit_code
        if exit_code != 0:
            raise classify_failure(invocation.events, exit_code, self.ws.target_dir, project)
        if self.result.state == "not_started":
            # The hook said nothing (healing disabled, or a command the hook ignores).
            self.result.state = "completed"

    def _on_event(self, event: Any) -> None:
        if event.invocation_id and self.log.invocation_id is None:
            self.log.invocation_id = event.invocation_id
            self.result.invocation_id = event.invocation_id
        heal = event.heal
        if heal is not None:
            self._on_heal(heal.kind, heal.payload)
            return
        name = event.name
        if name in ("LogModelResult", "LogSeedResult", "LogTestResult", "LogSnapshotResult"):
            status = str(event.data.get("status", "")).lower()
            kind = {"LogModelResult": "models", "LogSeedResult": "seeds", "LogTestResult": "tests"}.get(
                name, "other"
            )
            self.result.counts[kind] = self.result.counts.get(kind, 0) + 1
            ok = status in ("ok", "pass", "success", "skipped", "skip", "warn", "no-op")
            if not ok:
                self.result.counts["failed"] = self.result.counts.get("failed", 0) + 1
            self.rep.node(event.message, ok)
        elif name == "LogStartLine":
            self.rep.node(event.message, True)
        elif name in ("RunResultError", "MainEncounteredError") or (event.level == "error" and event.message):
            self.rep.node(event.message, False)

    def _on_heal(self, kind: str, p: dict[str, Any]) -> None:
        if kind == "step":
            step = str(p.get("step"))
            status = p.get("status")
            if status == "started":
                record = StepRecord(
                    step, "hook", started_at=p.get("started_at"), relations=list(p.get("relations", []))
                )
                self.hook_steps[step] = record
                self.result.steps.append(record)
                self.log.step_start(step, str(p.get("started_at")), relations=record.relations, source="hook")
                self.rep.step_started(step, str(p.get("message") or STEP_LABELS.get(step, step)))
            else:
                record = self.hook_steps.get(step) or StepRecord(step, "hook", started_at=p.get("started_at"))
                if step not in self.hook_steps:
                    self.hook_steps[step] = record
                    self.result.steps.append(record)
                record.completed_at = p.get("completed_at")
                record.duration_seconds = p.get("duration_seconds")
                record.success = status == "completed"
                record.error = p.get("error")
                record.relations = list(p.get("relations", record.relations))
                self.log.step_complete(
                    step, record.started_at, record.completed_at, record.duration_seconds, record.success,
                    record.error, relations=record.relations, source="hook",
                )  # fmt: skip
                detail = f"{len(record.relations)} relations" if record.relations else ""
                self.rep.step_finished(step, record.success, record.duration_seconds, record.error or detail)
        elif kind == "heal_start":
            self.result.state = "in_progress"
            self.result.missing = list(p.get("missing", []))
            self.result.healed = True
            estimate = estimate_heal_seconds(bool(p.get("models")), self.census_mb)
            self.log.emit("initialization_start", missing=self.result.missing, plan={"seeds": p.get("seeds"),
                          "models": p.get("models")}, deferred=p.get("deferred"),
                          estimated_seconds=estimate)  # fmt: skip
            self.rep.line(
                f"initializing: {len(self.result.missing)} of {p.get('needed_count')} required relations "
                f"are missing ({', '.join(self.result.missing)}); expected to take about {estimate:g}s"
            )
        elif kind == "heal_skipped":
            self.result.state = "completed"
            reason = p.get("reason")
            self.log.emit("initialization_skipped", reason=reason, needed_count=p.get("needed_count"))
            if reason == "healthy":
                self.rep.line(
                    f"workspace already initialized: all {p.get('needed_count', 0)} needed relations present"
                )
            else:
                self.rep.warn("self-healing is disabled (var self_heal_enabled)")
        elif kind == "heal_complete":
            self.result.state = "completed"
            self.result.created = list(p.get("relations", []))
            self.result.heal_duration_seconds = p.get("duration_seconds")
        elif kind == "heal_failed":
            self.result.state = "failed"
            self.result.heal_duration_seconds = p.get("duration_seconds")
        elif kind == "previous_interrupted":
            warning = InterruptedInitializationWarning(
                f"a previous initialization (invocation {p.get('previous_invocation_id')}, started "
                f"{p.get('previous_started_at')} UTC) was interrupted; it was rolled back and is retried now."
            )
            self.result.warnings.append(warning)
            self.log.emit("initialization_interrupted_previous", level=30, code=warning.code,
                          previous_invocation_id=p.get("previous_invocation_id"),
                          previous_started_at=p.get("previous_started_at"))  # fmt: skip
            self.rep.warn(f"{warning.code} {warning.message}")

    def _finish(self, error: SelfHealError | None) -> None:
        self.result.duration_seconds = round(time.monotonic() - self.started, 3)
        common: dict[str, Any] = {
            "state": self.result.state,
            "healed": self.result.healed,
            "relations_missing": self.result.missing,
            "relations_created": self.result.created,
            "duration_seconds": self.result.duration_seconds,
            "heal_duration_seconds": self.result.heal_duration_seconds,
            "dbt_args": self.result.dbt_args,
            "exit_code": error.exit_code if error else 0,
            "counts": self.result.counts,
        }
        if error is None:
            self.log.emit("initialization_complete", success=True, error=None, **common)
        else:
            self.log.emit(
                "initialization_failed",
                level=40,
                success=False,
                error=error.message,
                code=error.code,
                remediation=error.remediation,
                **common,
            )


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
    return _Run(Workspace.at(workspace), opts).execute(dbt_args, inputs)


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
    """Run one simulation year (`dbt build` of every model for it); the hook initializes first if needed."""
    opts = _options(**options)
    args = [
        "build",
        "--select",
        *SIMULATE_SELECT,
        "--exclude",
        *SIMULATE_EXCLUDE,
        *dbt_vars(year, opts.census),
    ]
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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["workspace"] = str(self.workspace)
        data["database"] = str(self.database)
        return data


def required_relations(workspace: Workspace, project_dir: Path) -> tuple[list[str], str]:
    """Names of nodes with meta.self_heal.required, from a manifest (workspace, project) or `dbt ls`."""
    for candidate in (workspace.manifest, project_dir / "target" / "manifest.json"):
        if not candidate.is_file():
            continue
        try:
            manifest = json.loads(candidate.read_text(encoding="utf-8"))
            names = sorted(
                str(node.get("alias") or node["name"])
                for node in manifest.get("nodes", {}).values()
                if node.get("resource_type") in ("seed", "model")
                and ((node.get("config", {}).get("meta") or {}).get("self_heal") or {}).get("required")
                is True
                and node.get("config", {}).get("enabled", True)
            )
            return names, str(candidate)
        except (OSError, ValueError, KeyError):
            continue
    from selfheal.dbt import dbt_env, find_dbt
    from selfheal.packages import ensure_packages

    # A throwaway target/log path and database path: status never writes into the workspace.
    with tempfile.TemporaryDirectory(prefix="selfheal-status-") as tmp:
        scratch = Workspace.at(tmp)
        ensure_packages(project_dir, find_dbt(), dbt_env(scratch))
        command = [
            find_dbt(), "ls", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(scratch.target_dir), "--log-path", str(scratch.logs_dir),
            "--resource-type", "seed", "model", "--select", "config.meta.self_heal.required:true",
            "--output", "json", "--output-keys", "name", "alias", "--quiet",
        ]  # fmt: skip
        done = subprocess.run(
            command,
            cwd=project_dir,
            env=dbt_env(scratch),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        names = []
        for line in done.stdout.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and "name" in obj:
                names.append(str(obj.get("alias") or obj["name"]))
        return sorted(names), "dbt ls"


def status(
    workspace: str | os.PathLike[str], project_dir: str | os.PathLike[str] | None = None
) -> WorkspaceStatus:
    """Read-only: initialization state, missing relations, database health, free disk and lock holder."""
    ws = Workspace.at(workspace)
    project = resolve_project_dir(project_dir)
    where = ws.root
    while not where.exists() and where != where.parent:
        where = where.parent
    free_mb = round(shutil.disk_usage(where).free / 2**20, 1)
    owner = read_owner(ws.owner_path) if ws.owner_path.exists() else None
    lock_holder: dict[str, Any] | None = None
    if owner is not None and owner.is_alive():
        lock_holder = {"source": "selfheal", **asdict(owner)}
    health = check_database(ws.database)
    if health.health == "locked":
        lock_holder = lock_holder or {"source": "duckdb", "pid": health.lock_pid, "command": health.holder}
    required, source = required_relations(ws, project)
    state = "unknown"
    missing: list[str] = []
    last: dict[str, Any] | None = None
    attempts = 0
    interrupted = False
    if health.health == "missing":
        state, missing = "not_started", required
    elif health.health == "ok":
        try:
            rows, present = read_state(ws.database)
        except Exception as exc:  # a file damaged beyond what the health check read
            health = DatabaseHealth(ws.database, "corrupt", str(exc).strip().splitlines()[0])
        else:
            present_lower = {name.lower() for name in present}
            missing = [name for name in required if name.lower() not in present_lower]
            attempts = len(rows)
            state = "not_started"
            if rows:
                last = asdict(rows[-1])
                state = rows[-1].state
                if state == "in_progress" and lock_holder is None:
                    state, interrupted = "failed", True  # nobody holds the file: that attempt's process is gone
            if not missing and state != "in_progress":
                state = "completed"
    return WorkspaceStatus(
        ws.root,
        ws.database,
        health.health,
        health.detail,
        state,
        missing,
        required,
        interrupted,
        last,
        attempts,
        free_mb,
        lock_holder,
        source,
    )
