"""Read figures out of one measured dbt run's JSON log: heal events, the hook's own time, first feedback, phases."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bench.proc import Measured

HEAL_PREFIX = "self_heal "
PROGRESS_PREFIX = "Self-heal:"


def _name(event: dict[str, Any]) -> str:
    return str(event.get("info", {}).get("name", ""))


def _msg(event: dict[str, Any]) -> str:
    return str(event.get("data", {}).get("msg") or event.get("info", {}).get("msg") or "")


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def heal_events(run: Measured) -> list[dict[str, Any]]:
    """The hook's `self_heal {json}` payloads, in order."""
    found = []
    for event in run.events():
        msg = _msg(event)
        if _name(event) == "JinjaLogInfo" and msg.startswith(HEAL_PREFIX):
            found.append(json.loads(msg[len(HEAL_PREFIX) :]))
    return found


def heal_complete(run: Measured) -> dict[str, Any] | None:
    done = [e for e in heal_events(run) if e["event"] == "heal_complete"]
    return done[-1] if done else None


def step_seconds(run: Measured) -> dict[str, float]:
    """Duration of each completed healing step (check_tables, load_seeds, build_foundation, verify)."""
    return {
        e["step"]: e["duration_seconds"]
        for e in heal_events(run)
        if e["event"] == "step" and e["status"] == "completed"
    }


def _is_start_hook(event: dict[str, Any]) -> bool:
    return _name(event) == "LogHookEndLine" and "on-run-start" in json.dumps(event.get("data", {}))


def hook_seconds(run: Measured) -> float | None:
    """The on-run-start hooks' own time: from the hook's first event (`check_tables` started, emitted while dbt
    compiles hook 1) to dbt's end line of the last on-run-start hook. dbt compiles each hook right before running
    it and the hook's Jinja runs at compile time, so dbt's per-hook `execution_time` would miss most of it."""
    started = [e for e in heal_events(run) if e["event"] == "step" and e["step"] == "check_tables"]
    ends = [e for e in run.events() if _is_start_hook(e)]
    if not started or not ends:
        return None
    return (_ts(ends[-1]["info"]["ts"]) - _ts(started[0]["emitted_at"])).total_seconds()


def hook_phase_seconds(run: Measured) -> float | None:
    """Wider window, for the breakdown: from dbt's last line before the hooks (`ConcurrencyLine`) to the end line
    of the last on-run-start hook. Includes dbt's own pre-hook work (schemas, relation cache) and hook compiling."""
    ready = [e for e in run.events() if _name(e) == "ConcurrencyLine"]
    ends = [e for e in run.events() if _is_start_hook(e)]
    if not ready or not ends:
        return None
    return (_ts(ends[-1]["info"]["ts"]) - _ts(ready[0]["info"]["ts"])).total_seconds()


def first_progress_seconds(run: Measured) -> float | None:
    """Process start to the first `Self-heal: ...` progress line on dbt's stdout (as it arrived at our pipe)."""
    for line in run.lines:
        if line.event is not None and _msg(line.event).startswith(PROGRESS_PREFIX):
            return line.seconds
    return None


def first_line_seconds(run: Measured) -> float | None:
    """Process start to the first non-empty line of output."""
    for line in run.lines:
        if line.text.strip():
            return line.seconds
    return None


def phases(run: Measured) -> dict[str, float | None]:
    """Where a dbt run's wall time goes, by arrival time of marker lines at our pipe:
    startup (process start -> `ConcurrencyLine`: imports, profile, parse), hooks (-> last on-run-start hook end),
    nodes (-> `FinishedRunningStats`), tail (-> process exit)."""
    marks: dict[str, float] = {}
    for line in run.lines:
        if line.event is None:
            continue
        name = _name(line.event)
        if name == "ConcurrencyLine" and "ready" not in marks:
            marks["ready"] = line.seconds
        elif _is_start_hook(line.event):
            marks["hooks_done"] = line.seconds
        elif name == "FinishedRunningStats":
            marks["finished"] = line.seconds
    ready = marks.get("ready")
    hooks_done = marks.get("hooks_done", ready)
    finished = marks.get("finished")
    return {
        "startup": ready,
        "hooks": None if ready is None or hooks_done is None else hooks_done - ready,
        "nodes": None if hooks_done is None or finished is None else finished - hooks_done,
        "tail": None if finished is None else run.wall_seconds - finished,
    }


def node_counts(run: Measured) -> dict[str, int]:
    counts = {"seeds": 0, "models": 0, "tests": 0}
    for event in run.events():
        name = _name(event)
        if name == "LogSeedResult":
            counts["seeds"] += 1
        elif name == "LogModelResult":
            counts["models"] += 1
        elif name == "LogTestResult":
            counts["tests"] += 1
    return counts


def reparsed(run: Measured) -> bool:
    """True when dbt could not use its partial-parse cache (the run paid a full parse)."""
    return any("Unable to do partial parsing" in _msg(e) for e in run.events())
