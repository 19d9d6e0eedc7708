"""Missing nodes the heal does not build (here a snapshot) that a run needs only by declaration: `-- depends on:
{{ ref('snap') }}` in a selected model or in an ancestor the heal builds. Plain dbt builds such readers without the
snapshot, so the heal leaves it out instead of refusing the run; a reader that reads it after all (through a macro,
which only its compiled SQL shows) stops the heal when it is compiled, naming the snapshot and how to build it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.core.test_odd_projects import make_project
from tests.harness import catalog, run_dbt

FILES = {
    "seeds/s.csv": "id,v\n1,a\n2,b\n",
    "snapshots/snap.sql": """\
        {% snapshot snap %}
        {{ config(target_schema='main', unique_key='id', strategy='check', check_cols=['v']) }}
        select * from {{ ref('s') }}
        {% endsnapshot %}
        """,
    "models/leaf.sql": "-- depends on: {{ ref('snap') }}\nselect * from {{ ref('s') }}\n",
    "models/mid.sql": "{{ config(materialized='table') }}\n"
                      "-- depends on: {{ ref('snap') }}\nselect id from {{ ref('s') }}\n",
    "models/top.sql": "select id * 10 as id from {{ ref('mid') }}\n",
    "macros/snap_relation.sql": "{% macro snap_relation() %}{{ return(ref('snap')) }}{% endmacro %}\n",
    "models/via_macro.sql": "{{ config(materialized='table') }}\nselect id from {{ snap_relation() }}\n",
    "models/via_macro_leaf.sql": "select * from {{ ref('via_macro') }}\n",
}


def new_db(tmp_path: Path, name: str) -> Path:
    db = tmp_path / name / "w.duckdb"
    db.parent.mkdir()
    return db


def test_a_snapshot_only_declared_is_left_out_and_its_readers_are_built(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FILES)
    db = new_db(tmp_path, "fresh")
    run = run_dbt(["build", "--select", "top"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert run.events("heal_complete")[0]["relations"] == ["s", "mid"], run.messages
    (declared,) = run.events("declared_only")
    assert declared["relations"] == ["snap"]
    assert "only declared by mid" in declared["message"] and "dbt build --select <name>" in declared["message"]
    assert {"main.s", "main.mid", "main.top"} <= set(catalog(db)) and "main.snap" not in catalog(db)
    again = run_dbt(["build", "--select", "top"], db, project_dir=project)
    assert again.returncode == 0, again.messages
    assert not again.events("heal_start"), "nothing is left to build"

    # A workspace built by dbt whose snapshot was dropped: `dbt run --select leaf` passes, as it does without the heal.
    built = new_db(tmp_path, "built")
    assert run_dbt(["build", "--exclude", "via_macro", "via_macro_leaf"], built, project_dir=project).returncode == 0
    with duckdb.connect(str(built)) as con:
        con.execute("drop table snap")
    for healing in (False, True):
        rerun = run_dbt(["run", "--select", "leaf"], built, project_dir=project,
                        variables={"self_heal_enabled": healing})
        assert rerun.returncode == 0, rerun.messages


def test_a_snapshot_read_through_a_macro_stops_the_heal_naming_it(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FILES)
    db = new_db(tmp_path, "fresh")
    run = run_dbt(["build", "--select", "via_macro_leaf"], db, project_dir=project)
    assert run.returncode != 0, run.messages
    for words in ("via_macro reads snap", "it is a snapshot", "dbt build --select snap", "was kept"):
        assert words in run.messages, run.messages
    assert not catalog(db), "what the heal built before the failure must not be kept"
