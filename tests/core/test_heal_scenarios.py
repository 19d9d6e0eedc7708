"""User story 1 and FR-001..FR-010: plain dbt heals a new, empty or partial workspace, and only what is missing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import FOUNDATION, REQUIRED_SEEDS
from tests.harness import relations, run_dbt, state_rows

SELECT_SNAPSHOT = ["build", "--select", "fct_workforce_snapshot"]


def test_no_database_file_heals_everything_and_the_selected_model_builds(db: Path) -> None:
    assert not db.exists()
    run = run_dbt(SELECT_SNAPSHOT, db)
    assert run.returncode == 0, run.messages
    present = relations(db)
    assert REQUIRED_SEEDS | FOUNDATION | {"stg_census", "fct_workforce_snapshot"} <= set(present)
    [start] = run.events("heal_start")
    assert set(start["missing"]) >= REQUIRED_SEEDS | FOUNDATION
    assert "fct_workforce_snapshot" not in start["missing"], "selected nodes are dbt's to build, not the hook's"
    [row] = state_rows(db)
    assert row["state"] == "completed" and row["error"] is None
    assert row["completed_at"] >= row["started_at"]


def test_empty_database_is_detected_and_initialized(db: Path) -> None:
    duckdb.connect(str(db)).close()
    assert db.exists() and relations(db) == {}
    run = run_dbt(["run", "--select", "int_employee_benefits"], db)
    assert run.returncode == 0, run.messages
    [start] = run.events("heal_start")
    assert set(start["missing"]) >= REQUIRED_SEEDS
    assert "int_employee_benefits" not in start["missing"]
    assert set(relations(db)) >= REQUIRED_SEEDS | FOUNDATION


def test_partial_workspace_builds_only_the_missing_relations_and_keeps_the_rest(db: Path) -> None:
    assert run_dbt(SELECT_SNAPSHOT, db).returncode == 0
    with duckdb.connect(str(db)) as con:
        con.execute("drop table int_employee_benefits")
        con.execute("drop table config_cola")
        kept_created = con.execute("select count(*) from int_baseline_workforce").fetchone()
        con.execute("create table marker_in_baseline as select 1 as x")
    run = run_dbt(SELECT_SNAPSHOT, db)
    assert run.returncode == 0, run.messages
    [start] = run.events("heal_start")
    assert sorted(start["missing"]) == ["config_cola", "int_employee_benefits"]
    [complete] = run.events("heal_complete")
    assert sorted(complete["relations"]) == ["config_cola", "int_employee_benefits"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from int_baseline_workforce").fetchone() == kept_created
        assert con.execute("select count(*) from marker_in_baseline").fetchone() == (1,)


def test_a_second_run_heals_nothing(db: Path) -> None:
    assert run_dbt(SELECT_SNAPSHOT, db).returncode == 0
    run = run_dbt(SELECT_SNAPSHOT, db)
    assert run.returncode == 0
    assert run.events("heal_start") == []
    [skipped] = run.events("heal_skipped")
    assert skipped["reason"] == "healthy" and skipped["needed_count"] >= len(REQUIRED_SEEDS | FOUNDATION)
    assert len(state_rows(db)) == 1


def test_dbt_test_on_a_fresh_database_passes(db: Path) -> None:
    run = run_dbt(["test"], db)
    assert run.returncode == 0, run.messages
    assert run.events("heal_complete"), "dbt test must heal the parents of the tests it runs"


def test_progress_is_reported_per_step_with_timings(db: Path) -> None:
    run = run_dbt(SELECT_SNAPSHOT, db)
    assert run.returncode == 0
    steps = [e for e in run.heal_events if e["event"] == "step"]
    completed = [e["step"] for e in steps if e["status"] == "completed"]
    assert completed == ["check_tables", "load_seeds", "build_foundation", "verify"]
    for event in steps:
        if event["status"] == "completed":
            assert event["duration_seconds"] >= 0 and event["completed_at"] >= event["started_at"]
    text = run.messages
    for line in ("Loading seed data (9)", "Building foundation models", "Verifying", "initialization complete"):
        assert line in text


def test_healing_can_be_switched_off(db: Path) -> None:
    run = run_dbt(SELECT_SNAPSHOT, db, variables={"self_heal_enabled": False})
    assert run.returncode == 1
    assert run.events("heal_skipped")[0]["reason"] == "disabled"
    assert "exist" in run.messages, "without healing the run must hit the missing tables"
    assert state_rows(db) == []


def test_seed_command_heals_nothing_it_is_about_to_build(db: Path) -> None:
    run = run_dbt(["seed"], db)
    assert run.returncode == 0, run.messages
    assert run.events("heal_start") == []
    assert set(relations(db)) >= REQUIRED_SEEDS
