"""Fast unit tests of the pure parts: events, error classification, disk estimate, health, owner file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from selfheal import errors
from selfheal.dbt import dbt_command
from selfheal.diagnose import classify_failure
from selfheal.disk import INPUT_SIZE_FACTOR, check_disk, estimate_required_bytes
from selfheal.events import DbtEvent, parse_line
from selfheal.health import check_database, classify_open_error, move_aside, parse_lock_holder
from selfheal.locking import LockOwner, WorkspaceLock, read_owner, write_owner
from selfheal.project import dbt_vars
from selfheal.workspace import Workspace


def jinja(payload: dict[str, object]) -> str:
    msg = "self_heal " + json.dumps(payload)
    info = {"name": "JinjaLogInfo", "level": "info", "msg": msg, "invocation_id": "inv-1"}
    return json.dumps({"info": info, "data": {"msg": msg}})


def event(name: str, msg: str, level: str = "error") -> DbtEvent:
    return parse_line(json.dumps({"info": {"name": name, "level": level, "msg": msg}, "data": {"msg": msg}}))


def test_hook_step_event_is_parsed_with_step_and_status() -> None:
    line = jinja({"event": "step", "step": "load_seeds", "status": "started", "relations": ["a", "b"]})
    parsed = parse_line(line)
    assert parsed.name == "JinjaLogInfo" and parsed.invocation_id == "inv-1"
    assert parsed.heal is not None
    assert (parsed.heal.kind, parsed.heal.step, parsed.heal.status) == ("step", "load_seeds", "started")
    assert parsed.heal.relations() == ["a", "b"]


def test_human_jinja_log_lines_carry_no_heal_event() -> None:
    line = json.dumps(
        {"info": {"name": "JinjaLogInfo", "msg": "Self-heal: Loading"}, "data": {"msg": "Self-heal: x"}}
    )
    assert parse_line(line).heal is None


def test_malformed_self_heal_payload_is_ignored() -> None:
    line = json.dumps({"info": {"name": "JinjaLogInfo"}, "data": {"msg": "self_heal {not json"}})
    assert parse_line(line).heal is None


def test_non_json_line_falls_back_to_raw_text() -> None:
    parsed = parse_line("Traceback (most recent call last):\n")
    assert parsed.is_raw and parsed.message == "Traceback (most recent call last):"


def test_ansi_colours_are_stripped_from_messages() -> None:
    parsed = parse_line(
        json.dumps({"info": {"name": "LogModelResult", "msg": "[\u001b[32mOK\u001b[0m in 0.2s]"}})
    )
    assert parsed.message == "[OK in 0.2s]"


def test_node_unique_id_comes_from_node_info() -> None:
    line = json.dumps({"info": {"name": "LogModelResult"}, "data": {"node_info": {"unique_id": "model.p.m"}}})
    assert parse_line(line).unique_id == "model.p.m"


@pytest.mark.parametrize(
    ("message", "health"),
    [
        ('IO Error: The file "x" exists, but it is not a valid DuckDB database file!', "corrupt"),
        ("IO Error: Could not read enough bytes from file", "corrupt"),
        ("Corrupt database file: computed checksum 1 does not match stored checksum 2", "corrupt"),
        ("IO Error: WAL does not match database file", "corrupt"),
        (
            "IO Error: Trying to read a database file with storage version number 2000, but ...",
            "version_mismatch",
        ),
        ('IO Error: Could not set lock on file "x": Conflicting lock is held in /bin/dbt (PID 42)', "locked"),
    ],
)
def test_open_errors_are_classified(message: str, health: str) -> None:
    assert classify_open_error(message) == health


def test_lock_holder_pid_and_program_are_parsed() -> None:
    msg = 'Could not set lock on file "/w/s.duckdb": Conflicting lock is held in /usr/bin/python3 (PID 4242).'
    assert parse_lock_holder(msg) == ("/usr/bin/python3", 4242)


def test_zeroed_file_is_corrupt_and_left_in_place(tmp_path: Path) -> None:
    db = tmp_path / "simulation.duckdb"
    db.write_bytes(b"\0" * 8192)
    assert check_database(db).health == "corrupt"
    assert db.read_bytes() == b"\0" * 8192


def test_missing_database_is_reported_missing_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "simulation.duckdb"
    assert check_database(db).health == "missing"
    assert not db.exists()


def test_move_aside_renames_database_and_wal_with_one_timestamp(tmp_path: Path) -> None:
    db = tmp_path / "simulation.duckdb"
    db.write_bytes(b"db")
    (tmp_path / "simulation.duckdb.wal").write_bytes(b"wal")
    moved = move_aside(db)
    names = sorted(target.name for _, target in moved)
    stamp = names[0].split(".corrupt-")[1]
    assert names == [f"simulation.duckdb.corrupt-{stamp}", f"simulation.duckdb.wal.corrupt-{stamp}"]
    assert len(stamp) == 16 and stamp.endswith("Z")
    assert (tmp_path / names[0]).read_bytes() == b"db"


def test_disk_estimate_is_three_times_the_inputs(tmp_path: Path) -> None:
    census = tmp_path / "census.csv"
    census.write_bytes(b"x" * 1000)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.csv").write_bytes(b"y" * 500)
    assert estimate_required_bytes([census, seeds, tmp_path / "absent"]) == INPUT_SIZE_FACTOR * 1500


def test_disk_check_refuses_with_the_numbers_and_creates_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "a" / "b"
    with pytest.raises(errors.InsufficientDiskError) as caught:
        check_disk(ws, 10**12, [])
    assert "MB free" in caught.value.message and "--min-free-mb" in caught.value.message
    assert not (tmp_path / "a").exists()


def test_owner_file_round_trips_and_garbage_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "owner.json"
    owner = LockOwner.current()
    write_owner(path, owner)
    assert read_owner(path) == owner
    path.write_text("{half")
    assert read_owner(path) is None


def test_owner_of_a_dead_process_is_stale() -> None:
    dead = LockOwner(
        pid=2**22 + 12345,
        command="x",
        since="2020-01-01T00:00:00+00:00",
        hostname=LockOwner.current().hostname,
    )
    assert not dead.is_alive()
    assert LockOwner.current().is_alive()


def test_stale_owner_file_never_blocks_and_is_overwritten(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path)
    write_owner(
        ws.owner_path, LockOwner(2**22 + 1, "dead", "2020-01-01T00:00:00+00:00", LockOwner.current().hostname)
    )
    lock = WorkspaceLock(ws.lock_path, ws.owner_path, timeout=1)
    assert lock.acquire() < 1
    owner = read_owner(ws.owner_path)
    assert owner is not None and owner.pid == os.getpid()
    lock.release()
    assert not ws.owner_path.exists()


def test_the_node_the_heal_was_building_when_dbt_stopped_is_named() -> None:
    events = [
        parse_line(jinja({"event": "node", "status": "started", "unique_id": "model.p.int_a", "name": "int_a"})),
        parse_line(jinja({"event": "node", "status": "completed", "unique_id": "model.p.int_a", "name": "int_a"})),
        parse_line(jinja({"event": "node", "status": "started", "unique_id": "model.p.int_b", "name": "int_b",
                          "resource_type": "model"})),
        parse_line('{"info": {"name": "MainEncounteredError", "level": "error", "msg": "Runtime Error\\n  '
                   'Binder Error: Referenced column nope not found"}, "data": {}}'),
    ]
    error = classify_failure(events, 2)
    assert isinstance(error, errors.ModelError)
    assert "model int_b" in error.message and "Binder Error" in error.message
    assert "int_b" in error.remediation


def test_hook_failure_in_build_foundation_is_a_model_error() -> None:
    failed = parse_line(jinja({"event": "heal_failed", "step": "build_foundation", "error": "Binder Error: x",
                               "remediation": "fix it"}))  # fmt: skip
    error = classify_failure([failed], 1)
    assert isinstance(error, errors.ModelError) and error.exit_code == 19


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            'IO Error: Could not set lock on file "x": Conflicting lock is held in dbt (PID 7)',
            errors.DatabaseLockedError,
        ),
        ("Seed file seeds/a.csv (seed a) is malformed: line 3: could not convert", errors.SeedFileError),
        (
            "input file not found: nope.csv (var 'census_path', read by model stg_census)",
            errors.MissingCensusError,
        ),
        ("Runtime Error\n  Could not find profile named 'planalign'", errors.ProfileError),
        ("Catalog Error: No space left on device", errors.InsufficientDiskError),
        ("simulation_year 1999 is outside the configured range 2025..2029", errors.SimulationYearError),
        ("Database Error in model int_x (models/int_x.sql)\n  Parser Error", errors.ModelError),
        ("No such command 'frobnicate'.", errors.DbtFailedError),
    ],
)
def test_dbt_failures_are_classified(message: str, expected: type[errors.SelfHealError]) -> None:
    assert type(classify_failure([event("RunResultError", message)], 1)) is expected


def test_catalogue_codes_and_exit_codes_are_distinct_and_have_remediations() -> None:
    codes = [cls.code for cls in errors.CATALOGUE]
    exits = [cls.default_exit_code for cls in errors.CATALOGUE]
    assert len(set(codes)) == len(codes) and len(set(exits)) == len(exits)
    assert all(cls.default_remediation and cls.trigger for cls in errors.CATALOGUE)


def test_vars_are_passed_only_when_they_differ_from_the_defaults() -> None:
    assert dbt_vars(2025, None) == []
    assert dbt_vars(2026, Path("c.csv")) == ["--vars", '{"simulation_year": 2026, "census_path": "c.csv"}']


def test_workspace_flags_follow_the_dbt_subcommand(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path / "w")
    cmd = dbt_command("dbt", ["build", "--select", "m"], tmp_path, ws)
    assert cmd[:2] == ["dbt", "build"] and cmd[-2:] == ["--select", "m"]
    assert "--log-format" in cmd and str(ws.target_dir) in cmd


def test_heal_estimate_grows_with_the_census_only_when_models_are_built() -> None:
    from selfheal.interpret import estimate_heal_seconds

    assert estimate_heal_seconds(False, 70.0) == estimate_heal_seconds(False, 0.7)
    assert estimate_heal_seconds(True, 70.0) > estimate_heal_seconds(True, 7.0) > estimate_heal_seconds(False, 7.0)


def test_heal_start_stale_list_is_read_as_relation_and_reason() -> None:
    stale = [{"relation": "config_merit_rates", "unique_id": "seed.p.config_merit_rates", "reason": "csv changed"},
             {"unique_id": "no relation: skipped"}, "junk"]  # fmt: skip
    parsed = parse_line(jinja({"event": "heal_start", "missing": [], "stale": stale}))
    assert parsed.heal is not None
    assert parsed.heal.stale() == [{"relation": "config_merit_rates", "reason": "csv changed"}]


def test_plain_progress_shows_every_node_of_a_small_heal_and_about_twenty_of_a_large_one() -> None:
    from selfheal.progress import NODE_LINES, shows_node

    assert all(shows_node(index, NODE_LINES) for index in range(1, NODE_LINES + 1))
    shown = [index for index in range(1, 501) if shows_node(index, 500)]
    assert shown[0] == 1 and shown[-1] == 500 and len(shown) <= NODE_LINES + 2


def test_a_long_stale_reason_is_cut_for_the_terminal() -> None:
    from selfheal.progress import describe_stale

    text = describe_stale({"relation": "m", "reason": "parent x is rebuilt; " * 50}, limit=60)
    assert text.startswith("m (parent x is rebuilt;") and text.endswith("...)") and len(text) <= 64


def test_a_structured_log_that_cannot_be_written_never_stops_the_run(tmp_path: Path) -> None:
    from selfheal.logs import StructuredLog

    log = StructuredLog(tmp_path)
    log.open(tmp_path)  # a directory: every write fails, as on a full disk
    log.emit("initialization_start", missing=["config_cola"])
    log.emit("initialization_complete")
    assert log.write_error is not None and str(tmp_path) in log.write_error
    assert [r["event"] for r in log.records] == ["initialization_start", "initialization_complete"]
