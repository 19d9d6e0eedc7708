"""From dbt's events to the run's result: one guarded run's parsed dbt events become its InitializationResult, its
structured-log records (logs/selfheal.jsonl) and its progress lines. No process, lock or database here: the unit
is fed events (live from dbt, or recorded ones in tests) and says what they mean."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selfheal.errors import InterruptedInitializationWarning, SelfHealError
from selfheal.events import DbtEvent, HealEvent, TableRef, stale_entries
from selfheal.logs import StructuredLog
from selfheal.progress import STALE_LINES, STEP_LABELS, Reporter, describe_stale, name_list
from selfheal.results import InitializationResult, StepRecord

# From `make bench` (bench/results.json, heal itself: 1.40 s at 10k, 1.82 s at 100k, 6.13 s at 1M employees): about
# 1.3 s of fixed work (checks, node-by-node materializations), then about 0.07 s per MB of census (10k is 0.7 MB).
HEAL_BASE_SECONDS = 1.3
HEAL_SECONDS_PER_CENSUS_MB = 0.07

# dbt's node result events and the count each adds to; statuses that are not a failure.
RESULT_EVENTS = {"LogModelResult": "models", "LogSeedResult": "seeds", "LogTestResult": "tests",
                 "LogSnapshotResult": "other"}  # fmt: skip
OK_STATUSES = frozenset({"ok", "pass", "success", "skipped", "skip", "warn", "no-op"})
ERROR_EVENTS = frozenset({"RunResultError", "MainEncounteredError"})


def estimate_heal_seconds(builds_models: bool, census_mb: float) -> float:
    """A rough duration for the hook's healing, so the user knows what to expect (spec user story 2)."""
    seconds = HEAL_BASE_SECONDS + (HEAL_SECONDS_PER_CENSUS_MB * census_mb if builds_models else 0.0)
    return round(seconds, 1)


class EventInterpreter:
    """Reads one run's dbt events in order (`on_event`), keeping `result` up to date, logging and reporting."""

    def __init__(
        self,
        result: InitializationResult,
        log: StructuredLog,
        reporter: Reporter,
        census_mb: float = 0.0,
        log_file: Path | None = None,
    ) -> None:
        self.result = result
        self.log = log
        self.rep = reporter
        self.census_mb = census_mb
        self.log_file = log_file or result.log_path
        self.hook_steps: dict[str, StepRecord] = {}
        self.building: dict[str, dict[str, Any]] = {}  # the hook's `node` started events by unique_id
        self.state_table: TableRef | None = None  # where the heal records its attempt (its heal_start event)

    def on_event(self, event: DbtEvent) -> None:
        if event.invocation_id and self.log.invocation_id is None:
            self.log.invocation_id = event.invocation_id
            self.result.invocation_id = event.invocation_id
        if event.heal is not None:
            self.on_heal(event.heal)
            return
        name = event.name
        if name in RESULT_EVENTS:
            kind = RESULT_EVENTS[name]
            self.result.counts[kind] = self.result.counts.get(kind, 0) + 1
            ok = str(event.data.get("status", "")).lower() in OK_STATUSES
            if not ok:
                self.result.counts["failed"] = self.result.counts.get("failed", 0) + 1
            self.rep.node(event.message, ok)
        elif name == "LogStartLine":
            self.rep.node(event.message, True)
        elif name in ERROR_EVENTS or (event.level == "error" and event.message):
            self.rep.node(event.message, False)

    def dbt_exited_ok(self) -> None:
        """dbt ended with exit code 0: a run in which the hook said nothing (healing disabled, or a command the hook
        ignores) initialized nothing and needed nothing."""
        if self.result.state == "not_started":
            self.result.state = "completed"

    def on_heal(self, heal: HealEvent) -> None:
        kind, p = heal.kind, heal.payload
        if kind == "step":
            self._on_step(p)
        elif kind == "heal_start":
            self.state_table = heal.table("state_relation")
            self._on_heal_start(p)
        elif kind == "node":
            self._on_node(p)
        elif kind == "adopted":
            self.result.adopted = heal.names("relations")
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
            self.log.emit(
                "initialization_skipped", reason=reason, needed_count=p.get("needed_count"), plan=p.get("plan")
            )
            if reason == "healthy":
                self.rep.line(
                    f"workspace already initialized: all {p.get('needed_count', 0)} needed relations present "
                    "and up to date"
                )
            else:
                self.rep.warn("self-healing is disabled (var self_heal_enabled)")
        elif kind == "heal_complete":
            self.result.state = "completed"
            self.result.created = heal.names("relations")
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

    def _on_step(self, p: dict[str, Any]) -> None:
        step = str(p.get("step"))
        if p.get("status") == "started":
            record = StepRecord(step, "hook", started_at=p.get("started_at"), relations=list(p.get("relations", [])))
            self.hook_steps[step] = record
            self.result.steps.append(record)
            self.log.step_start(step, str(p.get("started_at")), relations=record.relations, source="hook")
            self.rep.step_started(step, str(p.get("message") or STEP_LABELS.get(step, step)))
            return
        record = self.hook_steps.get(step) or StepRecord(step, "hook", started_at=p.get("started_at"))
        if step not in self.hook_steps:
            self.hook_steps[step] = record
            self.result.steps.append(record)
        record.completed_at = p.get("completed_at")
        record.duration_seconds = p.get("duration_seconds")
        record.success = p.get("status") == "completed"
        record.error = p.get("error")
        record.relations = list(p.get("relations", record.relations))
        self.log.step_complete(
            step, record.started_at, record.completed_at, record.duration_seconds, record.success,
            record.error, relations=record.relations, source="hook",
        )  # fmt: skip
        detail = f"{len(record.relations)} relations" if record.relations else ""
        self.rep.step_finished(step, record.success, record.duration_seconds, record.error or detail)

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
                      remediation=p.get("remediation"), estimated_seconds=estimate,
                      state_table=str(self.state_table) if self.state_table else None)  # fmt: skip
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
            self.rep.line(f"stale: ... and {len(stale) - STALE_LINES} more (every reason is in {self.log_file})")

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

    def finish(self, error: SelfHealError | None, started: float) -> None:
        """The run's last record: initialization_complete, or initialization_failed with the catalogued error."""
        self.result.duration_seconds = round(time.monotonic() - started, 3)
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
            self.log.emit("initialization_failed", level=40, success=False, error=error.message, code=error.code,
                          remediation=error.remediation, **common)  # fmt: skip
