"""Workspaces that plain dbt (or a run that failed) left behind, where plain `dbt build --select <downstream>`
succeeds by reading what is there: the heal must succeed too, and keep what it cannot compile, describe or build in
this run as it is instead of failing on it or replacing it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.core.test_odd_projects import make_project, query
from tests.harness import DbtRun, run_dbt

OFF = {"self_heal_enabled": False}

SOURCES = """\
    version: 2
    sources:
      - name: raw
        schema: raw
        tables: [{name: vals}, {name: batch}]
    """


def workspace(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    project = make_project(tmp_path / "p", {"models/sources.yml": SOURCES, **files})
    db = tmp_path / "db" / "w.duckdb"
    db.parent.mkdir()
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.vals as select '1' as v")
        con.execute("create table raw.batch as select 1 as id")
    return project, db


def sql(db: Path, statement: str) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(statement)


def ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.messages
    return run


def test_a_var_this_run_does_not_set_never_stops_a_run_that_does_not_select_its_reader(tmp_path: Path) -> None:
    project, db = workspace(tmp_path, {
        "models/daily_load.sql": "select cast('{{ var(\"run_date\") }}' as date) as run_date\n",
        "models/rpt.sql": "select * from {{ ref('daily_load') }}\n",
    })
    ok(run_dbt(["build"], db, project_dir=project, variables={"run_date": "2024-05-01", **OFF}))
    adopted = ok(run_dbt(["build", "--select", "rpt"], db, project_dir=project))
    assert adopted.events("adopted")[0]["relations"] == ["daily_load"], "adopted by kind, not compiled"
    ok(run_dbt(["build"], db, project_dir=project, variables={"run_date": "2024-06-01"}))
    run = ok(run_dbt(["build", "--select", "rpt"], db, project_dir=project))
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["daily_load"]
    assert "var 'run_date', which this run does not set" in kept["message"]
    assert query(db, "select cast(run_date as varchar) from daily_load") == [("2024-06-01",)]


def test_adoption_keeps_what_reads_a_missing_table_or_adds_columns_in_a_post_hook(tmp_path: Path) -> None:
    """Nothing here can be compared with what its node builds now: a view over a source its loader dropped, a table
    over that view, a table whose post-hook adds a column (its landing table emptied since, as batches are), and a
    table whose selected parent is missing. Each is adopted as it is, with its rows."""
    project, db = workspace(tmp_path, {
        "models/stg_vals.sql": "select * from {{ source('raw', 'vals') }}\n",
        "models/vals_t.sql": "{{ config(materialized='table') }}\nselect * from {{ ref('stg_vals') }}\n",
        "models/vals_rpt.sql": "select count(*) as n from {{ ref('vals_t') }}\n",
        "models/ph.sql": "{{ config(materialized='table', post_hook=\"alter table {{ this }}"
                         " add column loaded_by varchar default 'hook'\") }}\n"
                         "select id from {{ source('raw', 'batch') }}\n",
        "models/ph_rpt.sql": "select * from {{ ref('ph') }}\n",
        "models/a.sql": "{{ config(materialized='table') }}\nselect 1 as id\n",
        "models/b.sql": "{{ config(materialized='table') }}\nselect * from {{ ref('a') }}\n",
        "models/d.sql": "select * from {{ ref('b') }}\n",
    })
    ok(run_dbt(["build"], db, project_dir=project, variables=OFF))
    sql(db, "drop table raw.vals")
    sql(db, "delete from raw.batch")
    sql(db, "drop table main.a")
    run = ok(run_dbt(["build", "--select", "vals_rpt", "ph_rpt", "a", "d"], db, project_dir=project))
    assert sorted(run.events("adopted")[0]["relations"]) == ["b", "ph", "stg_vals", "vals_t"]
    assert not run.events("heal_start"), run.messages
    assert query(db, "select id, loaded_by from ph") == [(1, "hook")], "the post-hook's table keeps its row"
    assert query(db, "select n from vals_rpt") == [(1,)]


def test_a_model_that_failed_inside_its_transaction_is_not_taken_for_an_interrupted_one(tmp_path: Path) -> None:
    """dbt rolls a failed table back: the relation is as it was, so a later run that only reads it needs nothing
    rebuilt (rebuilding would fail on the same bad row, where plain dbt succeeds)."""
    project, db = workspace(tmp_path, {
        "models/castm.sql": "{{ config(materialized='table') }}\n"
                            "select cast(v as int) as v from {{ source('raw', 'vals') }}\n",
        "models/child.sql": "select sum(v) as s from {{ ref('castm') }}\n",
    })
    ok(run_dbt(["build"], db, project_dir=project))
    sql(db, "insert into raw.vals values ('x')")
    failed = run_dbt(["run"], db, project_dir=project)
    assert failed.returncode == 1, failed.messages
    run = ok(run_dbt(["build", "--select", "child"], db, project_dir=project))
    assert not run.events("heal_start"), run.messages
    assert query(db, "select s from child") == [(1,)]


def test_a_table_function_is_used_as_dbt_duckdb_leaves_it(tmp_path: Path) -> None:
    project, db = workspace(tmp_path, {
        "models/tf.sql": "{{ config(materialized='table_function', parameters='lim') }}\n"
                         "select * from range(10) t(i) where i < lim\n",
        "models/tf_child.sql": "select count(*) as n from {{ ref('tf') }}(3)\n",
    })
    ok(run_dbt(["build"], db, project_dir=project))
    for _ in range(2):
        run = ok(run_dbt(["build", "--select", "tf_child"], db, project_dir=project))
        assert not run.events("heal_start"), run.messages
    assert query(db, "select n from tf_child") == [(3,)]


def test_a_stale_incremental_whose_columns_changed_is_kept_not_run_over_its_old_table(tmp_path: Path) -> None:
    """Its unique_key column was renamed: running it incrementally would fail on the old table (plain dbt, not
    selecting it, reads it as it is). A stale incremental whose columns are unchanged still runs incrementally."""
    project, db = workspace(tmp_path, {
        "seeds/ev.csv": "id,v\n1,a\n2,b\n",
        "models/inc.sql": "{{ config(materialized='incremental', unique_key='id',"
                          " incremental_strategy='delete+insert') }}\nselect id, v from {{ ref('ev') }}\n",
        "models/leaf.sql": "select count(*) as n from {{ ref('inc') }}\n",
    })
    ok(run_dbt(["build"], db, project_dir=project))
    model = project / "models" / "inc.sql"
    model.write_text(model.read_text().replace("unique_key='id'", "unique_key='key_id'")
                     .replace("select id, v", "select id as key_id, v"))
    run = ok(run_dbt(["build", "--select", "leaf"], db, project_dir=project))
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["inc"] and "--full-refresh" in kept["message"]
    assert query(db, "select count(*) from inc") == [(2,)]
    model.write_text(model.read_text().replace("unique_key='key_id'", "unique_key='id'")
                     .replace("select id as key_id, v", "select id, v") + "-- only a comment changed\n")
    again = ok(run_dbt(["build", "--select", "leaf"], db, project_dir=project))
    assert not again.events("stale_kept"), again.messages
    assert again.events("heal_complete")[0]["relations"] == ["inc"]
