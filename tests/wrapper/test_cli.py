"""The selfheal CLI end to end: real dbt on real DuckDB files in temp dirs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock
from selfheal.locking import LockOwner, write_owner

from tests.wrapper.selfheal_helpers import (
    PROJECT,
    SELFHEAL,
    Runner,
    cli_env,
    make_database,
    set_storage_version,
    start_until_dbt,
)


def records(workspace: Path) -> list[dict[str, object]]:
    lines = (workspace / "logs" / "selfheal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def completed_rows(database: Path) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        row = con.execute("select count(*) from main.self_heal_state where state = 'completed'").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def assert_catalogued(result: subprocess.CompletedProcess[str], code: str, exit_code: int) -> None:
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert f"error {code}:" in result.stderr
    assert "fix:" in result.stderr


# --- the main job


def test_fresh_workspace_simulates_logs_every_step_and_a_second_run_heals_nothing(
    selfheal: Runner, workspace: Path
) -> None:
    first = selfheal("simulate", "--workspace", workspace, "--year", "2025")
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines()[0] == f"selfheal: preparing workspace {workspace}..."
    assert "healed 16 relations" in first.stdout

    log = records(workspace)
    steps = {(r["step_name"], r["event"]) for r in log if "step_name" in r}
    wrapper_steps = ("check_disk", "acquire_lock", "check_database")
    for step in (*wrapper_steps, "check_tables", "load_seeds", "build_foundation", "verify"):
        assert (step, "initialization_step_start") in steps
        assert (step, "initialization_step_complete") in steps
    for r in log:
        if r["event"] == "initialization_step_complete":
            assert r["success"] is True and isinstance(r["duration_seconds"], float)
            assert r["started_at"] and r["completed_at"] and r["workspace"] == str(workspace)
    hook_steps = [r for r in log if r.get("source") == "hook"]
    assert hook_steps and all(r["invocation_id"] for r in hook_steps)
    assert log[-1]["event"] == "initialization_complete"

    second = selfheal("simulate", "--workspace", workspace, "--year", "2025")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "nothing to heal" in second.stdout and "already initialized" in second.stdout
    assert completed_rows(workspace / "simulation.duckdb") == 1

    state = json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)
    assert (state["state"], state["missing"], state["health"]) == ("completed", [], "ok")
    assert state["database"] == str(workspace / "simulation.duckdb")

    summary = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "year_summary.py"), str(workspace)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert summary.stdout.startswith("year 2025: 9,629 active at start")


def test_three_concurrent_simulations_initialize_exactly_once(workspace: Path) -> None:
    procs = [
        subprocess.Popen(
            [str(SELFHEAL), "simulate", "--workspace", str(workspace), "--year", "2025"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=cli_env(),
            cwd=PROJECT,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert completed_rows(workspace / "simulation.duckdb") == 1
    assert sum("workspace is locked by PID" in out for out in outputs) >= 1
    assert sum("healed 16 relations" in out for out in outputs) == 1


def test_first_line_appears_within_two_seconds(workspace: Path) -> None:
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(SELFHEAL), "simulate", "--workspace", str(workspace), "--min-free-mb", "1e12"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=PROJECT,
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()
    elapsed = time.monotonic() - started
    proc.communicate(timeout=60)
    assert first.startswith("selfheal: preparing workspace")
    assert elapsed < 2.0


def test_init_builds_every_required_relation_and_status_reports_it(selfheal: Runner, workspace: Path) -> None:
    before = json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)
    assert (before["health"], before["stale"]) == ("missing", None)
    assert not workspace.exists()  # status changes nothing
    result = selfheal("init", "--workspace", workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "healed 14 relations" in result.stdout and "int_employee_benefits" in result.stdout
    assert "expected to take about" in result.stdout
    state = json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)
    assert state["state"] == "completed" and state["missing"] == [] and len(state["required"]) == 12


# --- stale relations: status names them before anything runs, simulate rebuilds them through the hook

YEAR_DEPENDENT = {
    "stg_simulation_parameters", "int_baseline_workforce", "int_employee_compensation_by_year",
    "int_employee_benefits", "int_experienced_outcomes", "int_new_hires",
}  # fmt: skip


def last_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(json.loads(result.stdout.splitlines()[-1]))


def test_edited_seed_is_stale_in_status_and_the_next_simulate_reloads_it(
    selfheal: Runner, workspace: Path, project_copy: Path
) -> None:
    project = ("--workspace", workspace, "--project-dir", project_copy)
    assert selfheal("simulate", *project, "--year", "2025").returncode == 0
    seed = project_copy / "seeds" / "config_merit_rates.csv"
    header, *rows = seed.read_text().splitlines()
    seed.write_text("\n".join([header, *(row.split(",")[0] + ",0.5" for row in rows)]) + "\n")

    stale = {item["relation"]: item["reason"] for item in last_json(selfheal("status", *project, "--json"))["stale"]}
    assert "seeds/config_merit_rates.csv" in stale["config_merit_rates"]

    rerun = selfheal("simulate", *project, "--year", "2025")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "stale: config_merit_rates (seeds/config_merit_rates.csv changed" in rerun.stdout
    with duckdb.connect(str(workspace / "simulation.duckdb"), read_only=True) as con:
        assert con.execute("select distinct merit_rate from config_merit_rates").fetchall() == [(0.5,)]


def test_unchanged_rerun_of_simulate_rebuilds_nothing_but_its_outputs(selfheal: Runner, workspace: Path) -> None:
    assert selfheal("simulate", "--workspace", workspace).returncode == 0
    logged = len(records(workspace))
    rerun = selfheal("simulate", "--workspace", workspace, "--json")
    result = last_json(rerun)
    assert (result["healed"], result["stale"], result["created"]) == (False, [], [])
    assert result["counts"]["models"] == 2  # fct_workforce_snapshot and fct_yearly_events
    events = [r["event"] for r in records(workspace)[logged:]]
    assert "initialization_skipped" in events
    # The first healthy rerun walks the graph and records its plan for the next one.
    assert [r["plan"] for r in records(workspace)[logged:] if r["event"] == "initialization_skipped"] == ["computed"]
    assert "initialization_start" not in events and "heal_node" not in events
    assert "stale:" not in rerun.stdout


def test_next_year_rebuilds_the_models_reading_simulation_year_as_stale(selfheal: Runner, workspace: Path) -> None:
    assert selfheal("simulate", "--workspace", workspace, "--year", "2025").returncode == 0
    rerun = selfheal("simulate", "--workspace", workspace, "--year", "2026", "--json")
    result = last_json(rerun)
    stale = {item["relation"]: item["reason"] for item in result["stale"]}
    assert set(stale) == YEAR_DEPENDENT and set(result["created"]) == YEAR_DEPENDENT and result["missing"] == []
    assert "simulation_year" in stale["stg_simulation_parameters"]
    assert all("simulation_year" in why or "stg_simulation_parameters" in why for why in stale.values())
    for name in YEAR_DEPENDENT:
        assert f"stale: {name} (" in rerun.stdout
    with duckdb.connect(str(workspace / "simulation.duckdb"), read_only=True) as con:
        assert con.execute("select distinct simulation_year from fct_workforce_snapshot").fetchall() == [(2026,)]


def test_status_does_not_check_stale_while_another_selfheal_holds_the_workspace(
    selfheal: Runner, workspace: Path
) -> None:
    make_database(workspace / "simulation.duckdb")
    lock = FileLock(str(workspace / "simulation.duckdb.lock"))
    lock.acquire()
    write_owner(workspace / "simulation.duckdb.lock.owner.json", LockOwner.current())
    try:
        state = last_json(selfheal("status", "--workspace", workspace, "--json"))
    finally:
        lock.release()
    assert state["health"] == "ok" and state["stale"] is None
    assert f"locked by PID {os.getpid()}" in state["stale_detail"]


# --- guards and the error catalogue


def test_sh001_database_held_by_another_process_is_reported_with_its_pid(
    selfheal: Runner, workspace: Path
) -> None:
    make_database(workspace / "simulation.duckdb")
    holder = duckdb.connect(str(workspace / "simulation.duckdb"))
    try:
        result = selfheal("init", "--workspace", workspace)
    finally:
        holder.close()
    assert_catalogued(result, "SH001", 10)
    assert f"PID {os.getpid()}" in result.stderr


def test_wait_for_db_also_covers_a_lock_taken_while_dbt_starts(workspace: Path) -> None:
    """The file is free at the health check and taken while dbt starts (before dbt opens it): with
    --wait-for-db the wrapper waits for it and starts dbt again instead of failing with SH001."""
    proc = subprocess.Popen(
        [str(SELFHEAL), "init", "--workspace", str(workspace), "--plain", "--wait-for-db"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=cli_env(), cwd=PROJECT,
    )  # fmt: skip
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("selfheal: starting dbt"):
            break
    # Another process takes the file now (dbt needs seconds before it opens it) and frees it once the wrapper says
    # it waits for it (a fixed hold time raced dbt's start-up on a loaded machine). It is a process of its own: a
    # DuckDB connection in the test process would be inherited by nothing, but its signal state would be by every
    # wrapper the later tests start.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.readline(); c.close()", str(workspace / "simulation.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    with holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "held"
        for line in proc.stdout:  # ends early only if the wrapper never waits (then the assertion below says so)
            lines.append(line)
            if "waiting (--wait-for-db), then starting dbt again" in line:
                break
        holder.stdin.write("free\n")
        holder.stdin.flush()
        output, _ = proc.communicate(timeout=300)
        holder.wait(timeout=60)
    output = "".join(lines) + output
    assert proc.returncode == 0, output
    assert "waiting (--wait-for-db), then starting dbt again" in output, output


def test_sh002_lock_timeout_names_the_holder(selfheal: Runner, workspace: Path) -> None:
    workspace.mkdir()
    lock = FileLock(str(workspace / "simulation.duckdb.lock"))
    lock.acquire()
    write_owner(workspace / "simulation.duckdb.lock.owner.json", LockOwner.current())
    try:
        result = selfheal("init", "--workspace", workspace, "--lock-timeout", "1")
    finally:
        lock.release()
    assert_catalogued(result, "SH002", 11)
    assert f"workspace is locked by PID {os.getpid()}" in result.stdout


def test_sh003_disk_refusal_happens_before_anything_is_written(selfheal: Runner, workspace: Path) -> None:
    result = selfheal("simulate", "--workspace", workspace, "--min-free-mb", "100000000")
    assert_catalogued(result, "SH003", 12)
    assert "MB free" in result.stderr
    assert not workspace.exists()


def test_sh004_corrupt_database_is_refused_and_preserved_byte_for_byte(
    selfheal: Runner, workspace: Path
) -> None:
    workspace.mkdir()
    db = workspace / "simulation.duckdb"
    content = os.urandom(100) + b"\0" * 20000
    db.write_bytes(content)
    result = selfheal("simulate", "--workspace", workspace)
    assert_catalogued(result, "SH004", 13)
    assert "--recreate-corrupt" in result.stderr and str(db) in result.stderr
    assert db.read_bytes() == content
    assert not list(workspace.glob("*.corrupt-*"))


def test_sh004_truncated_database_is_recreated_only_with_consent(selfheal: Runner, workspace: Path) -> None:
    db = workspace / "simulation.duckdb"
    make_database(db)
    truncated = db.read_bytes()[:5000]
    db.write_bytes(truncated)
    result = selfheal("init", "--workspace", workspace, "--recreate-corrupt")
    assert result.returncode == 0, result.stdout + result.stderr
    (moved,) = workspace.glob("simulation.duckdb.corrupt-*")
    assert moved.read_bytes() == truncated
    assert completed_rows(db) == 1


def test_sh005_newer_storage_version_is_a_version_mismatch_left_alone(
    selfheal: Runner, workspace: Path
) -> None:
    db = workspace / "simulation.duckdb"
    make_database(db)
    set_storage_version(db, 2000)
    content = db.read_bytes()
    result = selfheal("simulate", "--workspace", workspace, "--recreate-corrupt")
    assert_catalogued(result, "SH005", 14)
    assert db.read_bytes() == content and not list(workspace.glob("*.corrupt-*"))
    assert (
        json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)["health"]
        == "version_mismatch"
    )


def test_sh006_interrupted_previous_attempt_is_a_warning_and_is_retried(
    selfheal: Runner, workspace: Path
) -> None:
    db = workspace / "simulation.duckdb"
    make_database(db)
    con = duckdb.connect(str(db))
    con.execute(
        "create table main.self_heal_state (invocation_id varchar primary key, dbt_command varchar,"
        " state varchar,"
        " started_at timestamp, completed_at timestamp, duration_seconds double, relations_missing varchar,"
        " relations_healed varchar, plan varchar, steps varchar, error varchar)"
    )
    con.execute("insert into main.self_heal_state (invocation_id, dbt_command, state, started_at)"
                " values ('dead-run', 'build', 'in_progress', now())")  # fmt: skip
    con.close()
    status = json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)
    assert status["interrupted"] is True
    result = selfheal("init", "--workspace", workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SH006" in result.stdout and "dead-run" in result.stdout
    assert any(r["event"] == "initialization_interrupted_previous" for r in records(workspace))


def test_sh007_malformed_seed_is_named(selfheal: Runner, workspace: Path, project_copy: Path) -> None:
    seed = project_copy / "seeds" / "config_age_bands.csv"
    seed.write_text(seed.read_text() + "not_a_number,oops,x,y,z\n")
    result = selfheal("init", "--workspace", workspace, "--project-dir", project_copy)
    assert_catalogued(result, "SH007", 16)
    assert "config_age_bands" in result.stderr


def test_sh008_missing_census_is_refused_before_dbt_starts(selfheal: Runner, workspace: Path) -> None:
    result = selfheal("simulate", "--workspace", workspace, "--census", "nowhere/census.csv")
    assert_catalogued(result, "SH008", 17)
    assert "nowhere/census.csv" in result.stderr


def test_sh015_census_missing_a_column_points_at_the_census(
    selfheal: Runner, workspace: Path, tmp_path: Path
) -> None:
    census = tmp_path / "census_without_department.csv"
    lines = (PROJECT / "data" / "census.csv").read_text().splitlines()
    census.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines[:200]) + "\n")
    result = selfheal("init", "--workspace", workspace, "--census", census)
    assert_catalogued(result, "SH015", 23)
    assert "census" in result.stderr


def test_sh015_census_with_columns_in_another_order_is_refused_before_dbt(
    selfheal: Runner, workspace: Path, tmp_path: Path
) -> None:
    """The census is read by position: swapped columns (header and data) would load silently wrong."""
    census = tmp_path / "census_swapped.csv"
    rows = [line.split(",") for line in (PROJECT / "data" / "census.csv").read_text().splitlines()[:50]]
    census.write_text("\n".join(",".join([r[0], r[2], r[1], *r[3:]]) for r in rows) + "\n")
    result = selfheal("simulate", "--workspace", workspace, "--census", census)
    assert_catalogued(result, "SH015", 23)
    assert "employee_id, hire_date, birth_date" in result.stderr and "in this order" in result.stderr
    assert not (workspace / "simulation.duckdb").exists(), "dbt ran on a census it reads wrongly"


def test_sh009_missing_profile_is_named(selfheal: Runner, workspace: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text((PROJECT / "dbt_project.yml").read_text())
    result = selfheal("init", "--workspace", workspace, "--project-dir", project)
    assert_catalogued(result, "SH009", 18)
    assert "profiles.yml" in result.stderr


def test_sh010_model_sql_error_during_healing_names_the_model(
    selfheal: Runner, workspace: Path, project_copy: Path
) -> None:
    model = project_copy / "models" / "foundation" / "int_employee_benefits.sql"
    model.write_text(model.read_text().replace("baseline.simulation_year", "baseline.no_such_column", 1))
    result = selfheal("init", "--workspace", workspace, "--project-dir", project_copy)
    assert_catalogued(result, "SH010", 19)
    assert "models/foundation/int_employee_benefits.sql" in result.stderr, "the remediation names the file"
    with duckdb.connect(str(workspace / "simulation.duckdb"), read_only=True) as con:
        state, error = con.execute("select state, error from main.self_heal_state").fetchone()  # type: ignore[misc]
    assert state == "failed" and error.startswith("SH010: initialization failed building model int_employee_benefits")


def test_sh011_workspace_that_is_a_file_is_refused(selfheal: Runner, tmp_path: Path) -> None:
    target = tmp_path / "a_file"
    target.write_text("x")
    result = selfheal("simulate", "--workspace", target)
    assert_catalogued(result, "SH011", 20)
    assert_catalogued(selfheal("status", "--workspace", target), "SH011", 20)


def test_sh012_year_out_of_range_is_refused(selfheal: Runner, workspace: Path) -> None:
    result = selfheal("simulate", "--workspace", workspace, "--year", "1999")
    assert_catalogued(result, "SH012", 21)
    assert "2025" in result.stderr and "2029" in result.stderr


def test_sh013_other_dbt_failures_carry_dbt_message(selfheal: Runner, workspace: Path) -> None:
    result = selfheal("run", "--workspace", workspace, "--", "frobnicate")
    assert_catalogued(result, "SH013", 22)


def test_sh014_ctrl_c_stops_dbt_and_exits_130(workspace: Path) -> None:
    proc = start_until_dbt("simulate", workspace, merge_stderr=False)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "error SH014:" in err


def test_sigterm_stops_dbt_like_ctrl_c_and_releases_the_lock(selfheal: Runner, workspace: Path) -> None:
    proc = start_until_dbt("simulate", workspace)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 130, output
    assert "SH014" in output
    state = json.loads(selfheal("status", "--workspace", workspace, "--json").stdout)
    assert state["lock_holder"] is None
    assert selfheal("simulate", "--workspace", workspace).returncode == 0


def test_killing_the_wrapper_takes_its_dbt_down_so_the_next_run_is_not_blocked(
    selfheal: Runner, workspace: Path
) -> None:
    import psutil

    proc = start_until_dbt("init", workspace)
    deadline = time.monotonic() + 10
    while not (children := psutil.Process(proc.pid).children()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children, "dbt should be running"
    proc.kill()
    proc.communicate(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], "dbt must not outlive a killed wrapper"
    result = selfheal("init", "--workspace", workspace)
    assert result.returncode == 0, result.stdout + result.stderr
