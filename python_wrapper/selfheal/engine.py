"""The guarded run behind the API: the wrapper's guards in order (workspace, disk, lock, database health), then dbt
as a subprocess (started again while another process holds the file, with --wait-for-db). What dbt's events mean
for the result, the log and the progress lines is selfheal.interpret's."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from selfheal.diagnose import classify_failure
from selfheal.disk import check_disk
from selfheal.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    SelfHealError,
    UserInterruptedError,
    VersionMismatchError,
)
from selfheal.health import DatabaseHealth, check_database, move_aside, record_failed_attempt
from selfheal.interpret import EventInterpreter
from selfheal.locking import LockOwner, WorkspaceLock
from selfheal.logs import StructuredLog, utc_now
from selfheal.progress import STEP_LABELS, NullReporter, Reporter
from selfheal.project import resolve_project_dir
from selfheal.results import InitializationResult, StepRecord
from selfheal.workspace import Workspace

ConfirmCallback = Callable[[str], bool]


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
        self.events = EventInterpreter(self.result, self.log, self.rep, log_file=workspace.log_file)

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
        self.events.census_mb = inputs[0].stat().st_size / 2**20 if inputs and inputs[0].is_file() else 0.0
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
            self.events.finish(exc, self.started)
            raise
        self.events.finish(None, self.started)
        return self.result

    def _record_failed_heal(self, exc: SelfHealError) -> None:
        """A heal that dbt ended mid-build leaves its state row in_progress: give it the error (we hold the lock)."""
        table = self.events.state_table
        if self.result.state != "in_progress" or not self.result.invocation_id or table is None:
            return
        if record_failed_attempt(self.ws.database, self.result.invocation_id, f"{exc.code}: {exc.message}", table):
            self.log.emit("state_row_failed", invocation_id=self.result.invocation_id, error=exc.message,
                          state_table=str(table))  # fmt: skip

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
                    self.events.on_event(event)
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
        self.events.dbt_exited_ok()
