"""The event-to-result unit (selfheal.interpret, selfheal.diagnose, selfheal.probe.read_status) on event streams
recorded from real dbt runs of the reference workspace (tests/wrapper/data/, re-recorded by
`python -m tests.wrapper.record_events`): a heal, a healthy rerun, a stale seed, a heal dbt ended mid-build, a
heal refused before building, and the package's status operation."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from selfheal.diagnose import classify_failure, unfinished_node
from selfheal.errors import MissingCensusError, ModelError
from selfheal.events import DbtEvent, TableRef, parse_line
from selfheal.interpret import EventInterpreter
from selfheal.logs import StructuredLog
from selfheal.probe import read_status
from selfheal.results import InitializationResult

DATA = Path(__file__).parent / "data"
STREAMS = json.loads((DATA / "streams.json").read_text(encoding="utf-8"))
SEEDS = 9
DEFAULT_STATE = TableRef("simulation", "main", "self_heal_state")


@dataclass
class Lines:
    """A reporter that keeps what a terminal would be shown, as (kind, text)."""

    shown: list[tuple[str, str]] = field(default_factory=list)

    def line(self, text: str) -> None:
        self.shown.append(("line", text))

    def warn(self, text: str) -> None:
        self.shown.append(("warn", text))

    def step_started(self, step: str, label: str) -> None:
        self.shown.append(("step_started", step))

    def step_finished(self, step: str, ok: bool, duration: float | None, detail: str = "") -> None:
        self.shown.append(("step_done" if ok else "step_failed", step))

    def node(self, text: str, ok: bool) -> None:
        self.shown.append(("node" if ok else "node_failed", text))

    def heal_node(self, index: int, total: int, text: str) -> None:
        self.shown.append(("heal_node", text))

    def close(self) -> None: ...

    def texts(self, kind: str) -> list[str]:
        return [text for k, text in self.shown if k == kind]


@dataclass
class Replay:
    events: list[DbtEvent]
    exit_code: int
    result: InitializationResult
    interpreter: EventInterpreter
    log: StructuredLog
    lines: Lines

    def records(self, event: str) -> list[dict[str, object]]:
        return [record for record in self.log.records if record["event"] == event]


def replay(name: str, tmp_path: Path) -> Replay:
    """Feed a recorded stream to the unit exactly as GuardedRun does with a live dbt."""
    lines = [line for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    events = [parse_line(line) for line in lines]
    result = InitializationResult(tmp_path, tmp_path / "simulation.duckdb", "not_started")
    log = StructuredLog(tmp_path)
    reporter = Lines()
    interpreter = EventInterpreter(result, log, reporter, census_mb=0.7)
    for event in events:
        interpreter.on_event(event)
    exit_code = int(STREAMS[name]["exit_code"])
    if exit_code == 0:
        interpreter.dbt_exited_ok()
    return Replay(events, exit_code, result, interpreter, log, reporter)


def test_the_recorded_streams_are_dbt_json_logs_from_the_wrapper_command() -> None:
    for name in ("heal", "healthy", "stale", "status", "failed_heal", "refused"):
        events = [parse_line(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert events and not any(event.is_raw for event in events), name
        assert len({event.invocation_id for event in events}) == 1, name


def test_a_heal_is_the_missing_relations_built_with_every_step_and_node_logged(tmp_path: Path) -> None:
    run = replay("heal", tmp_path)
    result = run.result
    assert run.exit_code == 0
    assert (result.state, result.healed, result.stale) == ("completed", True, [])
    assert len(result.missing) == 16 and sorted(result.created) == sorted(result.missing)
    assert result.invocation_id == run.events[0].invocation_id
    assert [(s.name, s.source, s.success) for s in result.steps] == [
        ("check_tables", "hook", True), ("load_seeds", "hook", True), ("build_foundation", "hook", True),
        ("verify", "hook", True),
    ]  # fmt: skip
    assert result.counts == {"models": 2, "tests": result.counts["tests"]} and result.counts["tests"] > 0
    assert result.heal_duration_seconds is not None and result.heal_duration_seconds > 0
    assert run.interpreter.state_table == DEFAULT_STATE
    start = run.records("initialization_start")
    assert len(start) == 1 and start[0]["state_table"] == "simulation.main.self_heal_state"
    assert start[0]["plan"]["seeds"] and len(start[0]["plan"]["seeds"]) == SEEDS  # type: ignore[index]
    nodes = run.records("heal_node")
    assert len(nodes) == 16 and all(n["completed_at"] and n["resource_type"] in ("seed", "model") for n in nodes)
    assert [n["index"] for n in nodes] == list(range(1, 17))
    assert run.lines.texts("line")[0].startswith("initializing: 16 of 16 needed relations are missing")
    assert len(run.lines.texts("heal_node")) == 16 and not run.lines.texts("node_failed")
    run.interpreter.finish(None, time.monotonic())
    (final,) = run.records("initialization_complete")
    assert (final["state"], final["healed"], final["exit_code"]) == ("completed", True, 0)
    assert final["relations_created"] == result.created and final["counts"] == result.counts


def test_a_healthy_rerun_heals_nothing_and_says_so(tmp_path: Path) -> None:
    run = replay("healthy", tmp_path)
    assert (run.result.state, run.result.healed, run.result.missing, run.result.created) == ("completed", False, [], [])
    skipped = run.records("initialization_skipped")
    assert len(skipped) == 1 and skipped[0]["reason"] == "healthy"
    assert any(text.startswith("workspace already initialized: all") for text in run.lines.texts("line"))
    assert run.result.counts["models"] == 2 and "failed" not in run.result.counts
    assert not run.records("heal_node") and run.interpreter.state_table is None


def test_an_edited_seed_is_rebuilt_as_stale_with_its_reason(tmp_path: Path) -> None:
    run = replay("stale", tmp_path)
    stale = {item["relation"]: item["reason"] for item in run.result.stale}
    assert "config_merit_rates" in stale and "seeds/config_merit_rates.csv changed" in stale["config_merit_rates"]
    assert run.result.missing == [] and set(stale) <= set(run.result.created)
    shown = run.lines.texts("line")
    assert shown[0].startswith(f"bringing the workspace up to date: rebuilding {len(run.result.created)} of")
    assert any(text.startswith("stale: config_merit_rates (seeds/config_merit_rates.csv changed") for text in shown)


def test_a_heal_dbt_ended_mid_build_is_in_progress_and_names_the_model(tmp_path: Path) -> None:
    run = replay("failed_heal", tmp_path)
    assert run.exit_code == 2
    assert run.result.state == "in_progress"  # dbt ended the run before the hook could say more
    assert run.interpreter.state_table == DEFAULT_STATE  # where GuardedRun marks the attempt failed
    building = unfinished_node(run.events)
    assert building is not None and building["name"] == "int_employee_benefits"
    failure = classify_failure(run.events, run.exit_code)
    assert isinstance(failure, ModelError)
    assert "initialization failed building model int_employee_benefits" in failure.message
    assert "no_such_column" in failure.message and "int_employee_benefits" in failure.remediation
    run.interpreter.finish(failure, time.monotonic())
    (final,) = run.records("initialization_failed")
    assert (final["code"], final["exit_code"], final["state"]) == ("SH010", 19, "in_progress")


def test_a_heal_refused_before_building_fails_with_the_hook_error(tmp_path: Path) -> None:
    run = replay("refused", tmp_path)
    assert run.exit_code == 1
    assert run.result.state == "failed" and run.result.created == []
    assert not run.records("heal_node")
    (refusal,) = [event.heal for event in run.events if event.heal is not None and event.heal.kind == "heal_failed"]
    assert refusal.step == "check_tables" and "no_such_census.csv" in str(refusal.payload["error"])
    assert any("no_such_census.csv" in text for text in run.lines.texts("node_failed"))  # dbt's error is shown
    failure = classify_failure(run.events, run.exit_code)
    assert isinstance(failure, MissingCensusError)
    assert failure.message.startswith("input file not found: data/no_such_census.csv")


def test_the_status_operation_names_required_nodes_and_the_tables(tmp_path: Path) -> None:
    events = [parse_line(line) for line in (DATA / "status.jsonl").read_text(encoding="utf-8").splitlines()]
    check = read_status(events, int(STREAMS["status"]["exit_code"]))
    assert check.status is not None, check.detail
    status = check.status
    assert len(status.required) == 12 and {"config_age_bands", "int_employee_benefits"} <= set(status.required)
    assert status.state_table == DEFAULT_STATE
    assert status.record_table == TableRef("simulation", "main", "self_heal_fingerprints")
    assert status.stale == []  # recorded right after a heal: nothing out of date
    assert status.missing == [] and len(status.needed) >= len(status.required)


@pytest.mark.parametrize("returncode", [1, 2])
def test_a_status_operation_without_its_event_says_why(returncode: int) -> None:
    check = read_status([parse_line("Encountered an error: something broke")], returncode)
    assert check.status is None and check.detail is not None and "something broke" in check.detail
