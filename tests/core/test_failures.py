"""User story 3, FR-007, FR-009, FR-010: failures are named, nothing half-built remains, and a retry starts clean."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.harness import copy_project, kill_dbt_when, relations, run_dbt, state_rows

SELECT_SNAPSHOT = ["build", "--select", "fct_workforce_snapshot"]


def test_missing_census_names_the_var_and_the_path_and_builds_nothing(db: Path) -> None:
    run = run_dbt(SELECT_SNAPSHOT, db, variables={"census_path": "no/such/census.csv"})
    assert run.returncode == 1
    assert "input file not found: no/such/census.csv (var 'census_path', read by model stg_census)" in run.messages
    assert relations(db) == {}
    [row] = state_rows(db)
    assert row["state"] == "failed" and "census_path" in row["error"]
    [failed] = run.events("heal_failed")
    assert failed["step"] == "check_tables" and failed["remediation"]


def test_ragged_seed_names_the_file_and_line_and_builds_nothing(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "config_age_bands.csv"
    seed.write_text(seed.read_text() + "99,broken\n")
    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert run.returncode == 1
    assert "Seed file seeds/config_age_bands.csv (seed config_age_bands) is malformed: line 8" in run.messages
    assert relations(db) == {}
    assert state_rows(db)[0]["state"] == "failed"


def test_wrongly_typed_seed_value_names_the_column(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "config_merit_rates.csv"
    lines = seed.read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("merit_rate")] = "three percent"
    seed.write_text("\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\n")
    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert run.returncode == 1
    assert "seeds/config_merit_rates.csv" in run.messages and '"three percent"' in run.messages
    assert relations(db) == {}


def test_empty_seed_file_is_reported_with_how_to_restore_it(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "config_cola.csv").write_text("")
    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert run.returncode != 0
    assert "config_cola.csv" in run.messages
    assert relations(db) == {}


def test_every_broken_seed_is_named_in_one_refusal(tmp_path: Path, db: Path) -> None:
    """The planned seeds are checked together before anything is built (on DuckDB in three round trips), so one
    refusal names each broken seed with what is wrong with it, not only the first."""
    project = copy_project(tmp_path / "project")
    ragged = project / "seeds" / "config_age_bands.csv"
    ragged.write_text(ragged.read_text() + "99,broken\n")
    typed = project / "seeds" / "config_merit_rates.csv"
    lines = typed.read_text().splitlines()
    header, bad = lines[0].split(","), lines[1].split(",")
    bad[header.index("merit_rate")] = "three percent"
    typed.write_text("\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\n")
    (project / "seeds" / "config_cola.csv").write_text("")
    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert run.returncode == 1
    error = run.events("heal_failed")[0]["error"]
    assert "seeds/config_age_bands.csv (seed config_age_bands) is malformed: line 8" in error, error
    assert "seeds/config_merit_rates.csv (seed config_merit_rates) is malformed: line 2: column merit_rate" in error
    assert '"three percent"' in error
    assert "seeds/config_cola.csv (seed config_cola) is empty" in error
    assert relations(db) == {}


def test_failure_mid_heal_leaves_nothing_partial_and_a_retry_succeeds(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    injected = project / "models" / "foundation" / "int_injected_failure.sql"
    injected.write_text(
        "select case when (select count(*) from {{ ref('int_employee_benefits') }}) > 0\n"
        "  then error('injected failure mid-heal') end as boom\n"
    )
    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert run.returncode != 0
    assert "injected failure mid-heal" in run.messages
    assert "building model int_injected_failure" in run.messages, "the output must name the model that failed"
    [unfinished] = [e for e in run.events("node") if e["name"] == "int_injected_failure"]
    assert unfinished["status"] == "started"
    assert relations(db) == {}, "seeds and models built before the failure must be rolled back"
    [row] = state_rows(db)
    assert row["state"] == "in_progress", "dbt stops at the failing statement; the next run closes the attempt"
    assert not any(e["event"] == "step" and e["step"] == "verify" for e in run.heal_events)

    injected.unlink()
    retry = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert retry.returncode == 0, retry.messages
    assert [r["state"] for r in state_rows(db)] == ["failed", "completed"]
    assert retry.events("previous_interrupted"), "the retry must say the previous attempt did not finish"
    assert "fct_workforce_snapshot" in relations(db)


def test_a_failure_mid_heal_leaves_its_state_row_in_a_state_schema_of_the_projects_choosing(
    tmp_path: Path, db: Path
) -> None:
    """With var self_heal_state_schema, dbt's relation cache lists that new schema in a transaction of its own
    before the heal: the in_progress row must still be committed before the build, not rolled back with it."""
    project = copy_project(tmp_path / "project")
    model = project / "models" / "foundation" / "int_employee_benefits.sql"
    model.write_text(model.read_text().replace("baseline.simulation_year", "baseline.no_such_column", 1))
    settings = {"self_heal_state_schema": "heal_meta"}

    def rows() -> list[tuple[str, str | None]]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("select state, error from heal_meta.self_heal_state order by started_at").fetchall()

    run = run_dbt(SELECT_SNAPSHOT, db, project_dir=project, variables=settings)
    assert run.returncode != 0 and "no_such_column" in run.messages
    assert relations(db) == {}, "nothing the heal built may remain"
    assert rows() == [("in_progress", None)]

    model.write_text(model.read_text().replace("baseline.no_such_column", "baseline.simulation_year", 1))
    retry = run_dbt(SELECT_SNAPSHOT, db, project_dir=project, variables=settings)
    assert retry.returncode == 0, retry.messages
    assert retry.events("previous_interrupted")
    assert [state for state, _ in rows()] == ["failed", "completed"]


def test_an_interrupted_initialization_is_reported_and_retried_from_a_clean_state(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    slow = project / "models" / "foundation" / "int_slow_to_build.sql"
    slow.write_text("select sum(a.range * b.range) as total from range(200000) a, range(100000) b\n")
    kill_dbt_when(SELECT_SNAPSHOT, db, "building model int_slow_to_build", project_dir=project,
                  target_path=db.parent / "target")

    assert relations(db) == {}, "a killed heal must leave no relation behind"
    [row] = state_rows(db)
    assert row["state"] == "in_progress"

    slow.unlink()
    retry = run_dbt(SELECT_SNAPSHOT, db, project_dir=project)
    assert retry.returncode == 0, retry.messages
    [interrupted] = retry.events("previous_interrupted")
    assert interrupted["previous_invocation_id"] == row["invocation_id"]
    assert "was interrupted" in retry.messages
    states = state_rows(db)
    assert [r["state"] for r in states] == ["failed", "completed"]
    assert states[0]["error"].startswith("interrupted")


def test_missing_census_stops_a_full_build_before_any_node_runs(db: Path) -> None:
    run = run_dbt(["build"], db, variables={"census_path": "no/such/census.csv"})
    assert run.returncode == 1
    assert "input file not found: no/such/census.csv (var 'census_path'" in run.messages
    assert relations(db) == {}, "no seed or model may run when an input is missing"
    assert run.events("heal_failed")[0]["step"] == "check_tables"
