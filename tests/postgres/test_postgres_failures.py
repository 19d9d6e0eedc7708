"""On PostgreSQL a heal is all or nothing: a model failing mid-heal or a `kill -9` mid-heal leaves nothing built and
no relation changed, and concurrent runs on one database take turns, so exactly one of them heals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.harness import DBT, dbt_env, install_packages
from tests.postgres.conftest import PgDatabase, copy_fixture


def test_a_model_failing_mid_heal_leaves_nothing(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    (project / "models" / "staging" / "stg_payments.sql").write_text(
        "select id as payment_id, order_id, no_such_column as amount from {{ ref('raw_payments') }}\n"
    )
    run = pg.dbt(["run", "--select", "customers"], project)
    assert run.returncode == 2, run.messages
    assert "building model stg_payments" in run.messages
    assert pg.catalog() == {}, "the seeds and views built before the failing model were rolled back"
    assert pg.state_rows() == [], "the attempt's row was in the rolled-back transaction"
    assert pg.query("select count(*) from pg_locks where locktype = 'advisory'") == [(0,)]


def test_a_failing_stale_rebuild_changes_no_relation(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    first = pg.dbt(["run", "--select", "customers"], project)
    assert first.returncode == 0, first.messages
    before = pg.catalog()
    seed = project / "seeds" / "raw_customers.csv"
    seed.write_text(seed.read_text() + "101,Zed,Z.\n")
    (project / "models" / "staging" / "stg_customers.sql").write_text(
        "select id as customer_id, first_name, no_such_column as last_name from {{ ref('raw_customers') }}\n"
    )
    run = pg.dbt(["run", "--select", "customers"], project)
    assert run.returncode == 2, run.messages
    assert pg.catalog() == before, "the reloaded seed and every other relation are as they were"


def start_dbt(
    db: PgDatabase, project: Path, args: list[str], name: str, out: Any = subprocess.PIPE
) -> subprocess.Popen[str]:
    install_packages(project)
    work = db.work / name
    work.mkdir(parents=True, exist_ok=True)
    cmd = [str(DBT), "--log-format", "json", *args, "--project-dir", str(project), "--profiles-dir",
           str(db.profiles), "--target-path", str(work / "target"), "--log-path", str(work / "logs")]  # fmt: skip
    return subprocess.Popen(cmd, cwd=project, env=dbt_env(work / "unused.duckdb"), stdout=out, text=True)


def events(stdout: str) -> list[dict[str, Any]]:
    found = []
    for line in stdout.splitlines():
        try:
            msg = json.loads(line).get("data", {}).get("msg", "")
        except json.JSONDecodeError:
            continue
        if msg.startswith("self_heal "):
            found.append(json.loads(msg[len("self_heal ") :]))
    return found


def test_kill_9_mid_heal_leaves_nothing_and_the_next_run_heals(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    (project / "models" / "staging" / "stg_payments.sql").write_text(
        "{{ config(materialized='table') }}\n"
        "select id as payment_id, order_id, payment_method, amount / 100.0 as amount\n"
        "from {{ ref('raw_payments') }}, (select pg_sleep({{ var('pause', 0) }})) as pause\n"
    )
    proc = start_dbt(pg, project, ["run", "--select", "customers", "--vars", "{pause: 30}"], "killed")
    assert proc.stdout is not None
    deadline = time.monotonic() + 180
    for line in proc.stdout:
        if "building model stg_payments" in line or time.monotonic() > deadline:
            break
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    # The server notices the dropped connection and rolls its transaction back.
    for _ in range(50):
        if pg.query("select count(*) from pg_stat_activity where datname = current_database() "
                    "and pid <> pg_backend_pid()") == [(0,)]:  # fmt: skip
            break
        time.sleep(0.1)
    assert pg.catalog() == {}
    assert pg.state_rows() == []
    again = pg.dbt(["run", "--select", "customers"], project)
    assert again.returncode == 0, again.messages
    assert len(again.events("heal_complete")[0]["relations"]) == 6


def test_four_concurrent_builds_on_an_empty_schema_all_succeed_and_one_heals(tmp_path: Path, pg: PgDatabase) -> None:
    """Each run selects its own leaf (dbt itself does not make two runs building one node safe); all four need the
    same six missing ancestors. The schema exists: dbt creates a selected node's schema before any hook runs."""
    project = copy_fixture("jaffle_shop", tmp_path)
    for i in range(4):
        (project / "models" / "marts" / f"leaf_{i}.sql").write_text(
            f"select {i} as leaf, count(*) as n from {{{{ ref('stg_orders') }}}} o\n"
            "join {{ ref('stg_customers') }} c on c.customer_id = o.customer_id\n"
            "join {{ ref('stg_payments') }} p on p.order_id = o.order_id\n"
        )
    pg.query("create schema main")
    logs = [tmp_path / f"leaf_{i}.jsonl" for i in range(4)]
    handles = [log.open("w") for log in logs]
    procs = [start_dbt(pg, project, ["build", "--select", f"leaf_{i}"], f"leaf_{i}", out=handles[i]) for i in range(4)]
    for proc, handle in zip(procs, handles, strict=True):
        proc.wait(timeout=600)
        handle.close()
    outputs = [log.read_text() for log in logs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], "\n".join(outputs)
    healed = [e for out in outputs for e in events(out) if e["event"] == "heal_complete"]
    assert len(healed) == 1
    assert len(healed[0]["relations"]) == 6
    skipped = [e["reason"] for out in outputs for e in events(out) if e["event"] == "heal_skipped"]
    assert skipped == ["healthy"] * 3
    assert [row["state"] for row in pg.state_rows()] == ["completed"]
    assert {f"main.leaf_{i}" for i in range(4)} <= set(pg.catalog())


def test_a_relation_another_live_run_is_building_is_kept_not_rebuilt_concurrently(
    tmp_path: Path, pg: PgDatabase
) -> None:
    """Run A selects stg_payments and marks its record unfinished before dbt builds it (slowly). Run B, started
    meanwhile, needs stg_payments as an unselected ancestor: it must not take A's mark for an interrupted run and
    rebuild the relation A is building (two creations of one table collide); it keeps it, as plain dbt does."""
    project = copy_fixture("jaffle_shop", tmp_path)
    (project / "models" / "staging" / "stg_payments.sql").write_text(
        "{{ config(materialized='table') }}\n"
        "select id as payment_id, order_id, payment_method, amount / 100.0 as amount\n"
        "from {{ ref('raw_payments') }}, (select pg_sleep({{ var('pause', 0) }})) as pause\n"
    )
    pause = ["--vars", "{pause: 12}"]
    first = pg.dbt(["run", "--select", "customers", *pause], project)
    assert first.returncode == 0, first.messages
    log_a = (tmp_path / "a.jsonl").open("w")
    run_a = start_dbt(pg, project, ["run", "--select", "stg_payments", *pause], "a", out=log_a)
    deadline = time.monotonic() + 120
    while "stg_payments" not in str(pg.query("select string_agg(query, ' ') from pg_stat_activity "
                                             "where query like '%pg_sleep%' and pid <> pg_backend_pid()")):  # fmt: skip
        assert time.monotonic() < deadline and run_a.poll() is None, "run A never started building stg_payments"
        time.sleep(0.2)
    assert pg.query("select count(*) from main.self_heal_fingerprints where fingerprint like 'unfinished:%'") == [(1,)]
    run_b = pg.dbt(["run", "--select", "customers", *pause], project, run_name="b")
    still_building = run_a.poll() is None
    run_a.wait(timeout=300)
    log_a.close()
    assert run_b.returncode == 0, run_b.messages
    assert "building model stg_payments" not in run_b.messages, "run B rebuilt what run A was building"
    kept = run_b.events("stale_kept")
    assert [item["relation"] for e in kept for item in e["stale"]] == ["stg_payments"], run_b.messages
    assert "another run was building it and is still connected" in run_b.messages
    assert still_building, "run B ended after run A: the test did not overlap them"
    assert run_a.returncode == 0, (tmp_path / "a.jsonl").read_text()[-3000:]
    # Run A recorded what it built: the next run finds everything fresh.
    again = pg.dbt(["run", "--select", "customers", *pause], project, run_name="c")
    assert again.returncode == 0, again.messages
    assert again.events("heal_skipped")[0]["reason"] == "healthy", again.messages
    # A run killed while building leaves its mark and no session: the next run rebuilds what it marked.
    killed = start_dbt(pg, project, ["run", "--select", "stg_payments", *pause], "killed")
    while "stg_payments" not in str(pg.query("select string_agg(query, ' ') from pg_stat_activity "
                                             "where query like '%pg_sleep%' and pid <> pg_backend_pid()")):  # fmt: skip
        assert killed.poll() is None, "the run to kill ended first"
        time.sleep(0.2)
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate()
    for _ in range(100):
        if pg.query("select count(*) from pg_stat_activity where datname = current_database() "
                    "and pid <> pg_backend_pid()") == [(0,)]:  # fmt: skip
            break
        time.sleep(0.1)
    after = pg.dbt(["run", "--select", "customers", *pause], project, run_name="d")
    assert after.returncode == 0, after.messages
    [healed] = after.events("heal_complete")
    assert healed["relations"] == ["stg_payments"], after.messages
    assert "stopped before recording what it built" in after.messages
