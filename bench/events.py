"""Read figures out of one measured dbt run's JSON log: heal events, the hook's own time, first feedback, phases."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
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


_GC_LINE = re.compile(r"^gc_trace: (\S+) full collection .*, ([0-9.]+) s$")


def full_collections(run: Measured) -> list[tuple[datetime, datetime]]:
    """When each full collection of Python's garbage collector ran, for a run under `bench.gc_trace`."""
    found = []
    for line in run.lines:
        match = _GC_LINE.match(line.text.strip())
        if match:
            end = _ts(match.group(1))
            found.append((end - timedelta(seconds=float(match.group(2))), end))
    return found


def hook_gc_seconds(run: Measured) -> float | None:
    """How much of the warm hook's window (hook_seconds) full garbage collections took: Python collects dbt's whole
    heap (about 0.07 to 0.1 s here) when allocations cross a threshold, wherever that falls in the run; a change
    anywhere (the manifest's size, one more macro) moves it in or out of the hook's 0.05 s. None when the run was
    not traced."""
    started = [e for e in heal_events(run) if e["event"] == "step" and e["step"] == "check_tables"]
    ends = [e for e in run.events() if _is_start_hook(e)]
    if not started or not ends or not any(line.text.startswith("gc_trace: ") for line in run.lines):
        return None
    window = (_ts(started[0]["emitted_at"]), _ts(ends[-1]["info"]["ts"]))
    inside = 0.0
    for begin, end in full_collections(run):
        inside += max(0.0, (min(end, window[1]) - max(begin, window[0])).total_seconds())
    return round(inside, 4)


def end_hook_seconds(run: Measured) -> float | None:
    """The on-run-end hook's window (self_heal_finalize records the fingerprints of the nodes dbt built): from the
    last node result before it (or the on-run-start end line when no node ran) to its end line."""
    found = run.events()
    ends = [
        i for i, e in enumerate(found) if _name(e) == "LogHookEndLine" and "on-run-end" in json.dumps(e.get("data", {}))
    ]
    if not ends:
        return None
    before = [e for e in found[: ends[-1]] if _name(e) in _RESULTS or _is_start_hook(e)]
    if not before:
        return None
    return (_ts(found[ends[-1]]["info"]["ts"]) - _ts(before[-1]["info"]["ts"])).total_seconds()


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


def heal_start(run: Measured) -> dict[str, Any] | None:
    started = [e for e in heal_events(run) if e["event"] == "heal_start"]
    return started[-1] if started else None


def rebuilt(run: Measured) -> list[str]:
    """The relations the hook rebuilt in this run (heal_start.relations); [] when it built nothing."""
    started = heal_start(run)
    return list(started["relations"]) if started else []


def heal_node_seconds(run: Measured) -> dict[str, float]:
    """Per node the hook built: seconds from its `node` started to completed event (compile + materialize)."""
    return {
        e["name"]: e["duration_seconds"]
        for e in heal_events(run)
        if e["event"] == "node" and e["status"] == "completed"
    }


_RESULTS = {"LogSeedResult": "seed", "LogModelResult": "model", "LogTestResult": "test"}


def dbt_node_seconds(run: Measured) -> dict[str, dict[str, float]]:
    """Per resource type, per node dbt itself ran: its `execution_time` (dbt's own per-node time)."""
    found: dict[str, dict[str, float]] = {kind: {} for kind in _RESULTS.values()}
    for event in run.events():
        kind = _RESULTS.get(_name(event))
        if kind is None:
            continue
        data = event.get("data", {})
        name = str(data.get("node_info", {}).get("node_name") or data.get("node_info", {}).get("unique_id"))
        found[kind][name] = float(data.get("execution_time") or 0.0)
    return found


def heal_breakdown(run: Measured) -> dict[str, float | None]:
    """Where the heal's own time goes, from its events: the check (check_tables started -> completed), preparing
    (heal_start -> first build step: buildability, inputs, sources, seed SQL, state row), loading seeds and building
    models (each step's duration, and the part of it spent outside the per-node events), verify + fingerprint
    records, and commit (verify completed -> heal_complete)."""
    events = heal_events(run)

    def at(predicate: Any) -> datetime | None:
        found = next((e for e in events if predicate(e)), None)
        return _ts(found["emitted_at"]) if found else None

    def step(name: str, status: str) -> datetime | None:
        return at(lambda e: e["event"] == "step" and e.get("step") == name and e.get("status") == status)

    def span(a: datetime | None, b: datetime | None) -> float | None:
        return round((b - a).total_seconds(), 3) if a and b else None

    done = at(lambda e: e["event"] == "heal_complete")
    start = at(lambda e: e["event"] == "heal_start")
    first_build = step("load_seeds", "started") or step("build_foundation", "started")
    nodes = heal_node_seconds(run)
    kinds = {e["name"]: e.get("resource_type") for e in events if e["event"] == "node" and e["status"] == "started"}
    seeds = step("load_seeds", "completed")
    models = step("build_foundation", "completed")
    seed_nodes = sum(v for k, v in nodes.items() if kinds.get(k) == "seed")
    model_nodes = sum(v for k, v in nodes.items() if kinds.get(k) != "seed")
    seeds_step = span(step("load_seeds", "started"), seeds)
    models_step = span(step("build_foundation", "started"), models)
    return {
        "check": span(step("check_tables", "started"), step("check_tables", "completed")),
        "prepare": span(start, first_build),
        "seeds": seeds_step,
        "seed_nodes": round(seed_nodes, 3),
        "models": models_step,
        "model_nodes": round(model_nodes, 3),
        "outside_nodes": round((seeds_step or 0) + (models_step or 0) - seed_nodes - model_nodes, 3),
        "verify": span(step("verify", "started"), step("verify", "completed")),
        "commit": span(step("verify", "completed"), done),
        "total": span(step("check_tables", "started"), done),
    }
