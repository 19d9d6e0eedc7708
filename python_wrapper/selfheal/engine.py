"""The guarded-run engine behind the API: the wrapper's guards in order (workspace, disk, lock, database health),
then dbt as a subprocess whose JSON events are followed live, logged (logs/selfheal.jsonl) and shown (progress)."""

from __future__ import annotations

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
    SelfHealError,
    UserInterruptedError,
    VersionMismatchError,
)
from selfheal.events import stale_entries
from selfheal.health import DatabaseHealth, check_database, move_aside, record_failed_attempt
from selfheal.locking import LockOwner, WorkspaceLock
from selfheal.logs import StructuredLog, utc_now
from selfheal.progress import STALE_LINES, STEP_LABELS, NullReporter, Reporter, describe_stale, name_list
from selfheal.project import resolve_project_dir
from selfheal.workspace import Workspace

InitializationState = Literal["not_started", "in_progress", "completed", "failed"]
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
    stale: list[dict[str, str]] = field(default_factory=list)  # [{relation, reason}] the hook found out of date
    created: list[str] = field(default_factory=list)  # relations the hook built and verified (missing + stale)
    adopted: list[str] = field(default_factory=list)  # relations recorded as they are, without a rebuild
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


# From `make bench` (bench/results.json, heal itself: 1.40 s at 10k, 1.82 s at 100k, 6.13 s at 1M employees): about
# 1.3 s of fixed work (checks, node-by-node materializations), then about 0.07 s per MB of census (10k is 0.7 MB).
HEAL_BASE_SECONDS = 1.3
HEAL_SECONDS_PER_CENSUS_MB = 0.07


def estimate_heal_seconds(builds_models: bool, census_mb: float) -> float:
    """A rough duration for the hook's healing, so the user knows what to expect (spec user story 2)."""
    seconds = HEAL_BASE_SECONDS + (HEAL_SECONDS_PER_CENSUS_MB * census_mb if builds_models else 0.0)
    return round(seconds, 1)


class GuardedRun:
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
        self.building: dict[str, dict[str, Any]] = {}  # the hook's `node` started events by unique_id
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
                try:
                    self._run_dbt(dbt_args, project)
                except SelfHealError as exc:
                    self._record_failed_heal(exc)
                    raise
            finally:
                lock.release()
        except SelfHealError as exc:
            self.result.state = "failed" if self.result.state != "completed" else self.result.state
            self._finish(exc)
            raise
        self._finish(None)
        return self.result

    def _record_failed_heal(self, exc: SelfHealError) -> None:
        """A heal that dbt ended mid-build leaves its state row in_progress: give it the error (we hold the lock)."""
        if self.result.state != "in_progress" or not self.result.invocation_id:
            return
        if record_failed_attempt(self.ws.database, self.result.invocation_id, f"{exc.code}: {exc.message}"):
            self.log.emit("state_row_failed", invocation_id=self.result.invocation_id, error=exc.message)

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
        deadline = time.monotonic() + self.opts.lock_timeout
        while True:
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
            if exit_code == 0:
                break
            failure = classify_failure(invocation.events, exit_code, self.ws.target_dir, project)
            # Another process took the file after the health check, while dbt was starting: dbt opened nothing,
            # so with --wait-for-db it is started again once the file is free (within --lock-timeout).
            if not (isinstance(failure, DatabaseLockedError) and self.opts.wait_for_db
                    and self.result.state == "not_started" and time.monotonic() < deadline):
                raise failure
            self.rep.line(f"{failure.message.rstrip('.')}; waiting (--wait-for-db), then starting dbt again")
            self.log.emit("lock_wait", holder=None, waited_seconds=0.0, retry=True)
            while time.monotonic() < deadline and check_database(self.ws.database).health == "locked":
                time.sleep(self.opts.poll_interval)
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
            self._on_heal_start(p)
        elif kind == "node":
            self._on_node(p)
        elif kind == "adopted":
            self.result.adopted = [str(name) for name in p.get("relations") or []]
            self.log.emit("relations_adopted", relations=self.result.adopted)
            self.rep.line(
                f"recorded {len(self.result.adopted)} relations built outside the heal as they are, without "
                f"rebuilding them ({name_list(self.result.adopted)})"
            )
        elif kind == "stale_kept":
            held = [item for item in p.get("stale") or [] if isinstance(item, dict)]
            self.log.emit("stale_kept", stale=held)
            names = name_list([str(item.get("relation")) for item in held])
            self.rep.warn(str(p.get("message") or f"kept stale incremental models: {names}").removeprefix("WARNING: "))
        elif kind == "heal_skipped":
            self.result.state = "completed"
            reason = p.get("reason")
            self.log.emit("initialization_skipped", reason=reason, needed_count=p.get("needed_count"))
            if reason == "healthy":
                self.rep.line(
                    f"workspace already initialized: all {p.get('needed_count', 0)} needed relations present "
                    "and up to date"
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

    def _on_heal_start(self, p: dict[str, Any]) -> None:
        self.result.state = "in_progress"
        self.result.healed = True
        missing = [str(name) for name in p.get("missing") or []]
        stale = stale_entries(p.get("stale"))
        building = [str(name) for name in p.get("relations") or []] or missing
        self.result.missing, self.result.stale = missing, stale
        estimate = estimate_heal_seconds(bool(p.get("models")), self.census_mb)
        self.log.emit("initialization_start", missing=missing, stale=p.get("stale") or [], relations=building,
                      plan={"seeds": p.get("seeds"), "models": p.get("models")}, deferred=p.get("deferred"),
                      remediation=p.get("remediation"), estimated_seconds=estimate)  # fmt: skip
        needed = p.get("needed_count")
        if not stale:
            self.rep.line(
                f"initializing: {len(missing)} of {needed} needed relations are missing ({name_list(missing)}); "
                f"expected to take about {estimate:g}s"
            )
            return
        also = f" and {len(missing)} missing ({name_list(missing)})" if missing else ""
        self.rep.line(
            f"bringing the workspace up to date: rebuilding {len(building)} of {needed} needed relations "
            f"({len(stale)} stale{also}); expected to take about {estimate:g}s"
        )
        for item in stale[:STALE_LINES]:
            self.rep.line(f"stale: {describe_stale(item)}")
        if len(stale) > STALE_LINES:
            self.rep.line(f"stale: ... and {len(stale) - STALE_LINES} more (every reason is in {self.ws.log_file})")

    def _on_node(self, p: dict[str, Any]) -> None:
        """The hook's per-node progress: shown as each node starts, logged once it is built."""
        uid = str(p.get("unique_id"))
        if p.get("status") == "started":
            self.building[uid] = p
            kind, materialized = p.get("resource_type"), p.get("materialized")
            text = p.get("message") or f"[{p.get('index')}/{p.get('total')}] building {kind} {p.get('name')}" + (
                f" ({materialized})" if kind != "seed" and materialized else ""
            )
            self.rep.heal_node(int(p.get("index") or 0), int(p.get("total") or 0), str(text))
            return
        started = self.building.pop(uid, {})
        self.log.emit("heal_node", unique_id=uid, name=p.get("name") or started.get("name"),
                      resource_type=started.get("resource_type"), materialized=started.get("materialized"),
                      index=started.get("index"), total=started.get("total"), started_at=p.get("started_at"),
                      completed_at=p.get("completed_at"), duration_seconds=p.get("duration_seconds"))  # fmt: skip

    def _finish(self, error: SelfHealError | None) -> None:
        self.result.duration_seconds = round(time.monotonic() - self.started, 3)
        common: dict[str, Any] = {
            "state": self.result.state,
            "healed": self.result.healed,
            "relations_missing": self.result.missing,
            "relations_stale": self.result.stale,
            "relations_created": self.result.created,
            "relations_adopted": self.result.adopted,
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
