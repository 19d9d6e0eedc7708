"""Workspaces built before these hooks (or with healing off): relations whose kind and columns are what their nodes
build now are adopted, the others rebuilt; and a table the heal replaces that a foreign key references from outside
the plan never fails the run halfway: the referencing table is rebuilt with it, or the run is refused before
anything is built, naming both."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.core.test_odd_projects import make_project, query
from tests.harness import copy_project, run_dbt

LEAF = ["run", "--select", "fct_workforce_snapshot"]
OFF = {"self_heal_enabled": False}


def built_names(run: object) -> list[str]:
    return sorted(name for event in run.events("heal_complete") for name in event["relations"])  # type: ignore[attr-defined]


def adopted_names(run: object) -> set[str]:
    return {name for event in run.events("adopted") for name in event["relations"]}  # type: ignore[attr-defined]


def test_a_plainly_built_workspace_rebuilds_only_what_is_missing_or_of_the_wrong_kind(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    plain = run_dbt(["build"], db, project_dir=project, variables=OFF)
    assert plain.returncode == 0, plain.messages
    with duckdb.connect(str(db)) as con:
        con.execute("drop table int_employee_compensation_by_year")
        con.execute("create table cola_copy as select * from config_cola")
        con.execute("drop table config_cola")
        con.execute("create view config_cola as select * from cola_copy")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert built_names(run) == ["config_cola", "int_employee_compensation_by_year"]
    adopted = adopted_names(run)
    assert {"stg_census", "int_baseline_workforce", "config_merit_rates"} <= adopted, adopted
    assert not adopted & {"config_cola", "int_employee_compensation_by_year"}
    assert "adopted" in run.messages and "kept as they are" in run.messages
    assert query(db, "select table_type from information_schema.tables where table_name = 'config_cola'") == [
        ("BASE TABLE",)]
    again = run_dbt(LEAF, db, project_dir=project)
    assert again.returncode == 0, again.messages
    assert not again.events("heal_start") and not again.events("adopted"), again.messages


def test_an_unrecorded_relation_with_other_columns_is_rebuilt_and_rebuild_stays_an_option(
    tmp_path: Path, db: Path
) -> None:
    project = copy_project(tmp_path / "project")
    plain = run_dbt(["build"], db, project_dir=project, variables=OFF)
    assert plain.returncode == 0, plain.messages
    with duckdb.connect(str(db)) as con:
        con.execute("alter table config_merit_rates add column note varchar")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert built_names(run) == ["config_merit_rates"]
    [reason] = [i["reason"] for e in run.events("heal_start") for i in e["stale"]
                if i["relation"] == "config_merit_rates"]
    assert "its columns" in reason and "note" in reason, reason
    assert "note" not in [c for (c,) in query(db, "select column_name from duckdb_columns() "
                                                  "where table_name = 'config_merit_rates'")]

    with duckdb.connect(str(db)) as con:
        con.execute("drop table self_heal_fingerprints")
    everything = run_dbt(LEAF, db, project_dir=project, variables={"self_heal_unrecorded": "rebuild"})
    assert everything.returncode == 0, everything.messages
    assert "int_baseline_workforce" in built_names(everything) and not adopted_names(everything)


FK_FILES = {
    "models/parent.sql": "select 1 as id, {{ var('v', 1) }} as v\n",
    "models/leaf.sql": "select * from {{ ref('parent') }}\n",
    "models/schema.yml": """\
        version: 2
        models:
          - name: parent
            config: {materialized: table, contract: {enforced: true}}
            columns:
              - {name: id, data_type: integer, constraints: [{type: primary_key}]}
              - {name: v, data_type: integer}
          - name: child
            config:
              materialized: "{{ var('child_kind', 'table') }}"
              on_schema_change: fail
              contract: {enforced: true}
            columns:
              - name: id
                data_type: integer
                constraints: [{type: foreign_key, to: "ref('parent')", to_columns: [id]}]
              - {name: w, data_type: integer}
        """,
}


def fk_project(tmp_path: Path, child: str) -> Path:
    return make_project(tmp_path / "p", {**FK_FILES, "models/child.sql": child})


def child_constraints(db: Path) -> list[tuple[object, ...]]:
    return query(db, "select constraint_type from duckdb_constraints() where table_name = 'child' "
                     "and constraint_type = 'FOREIGN KEY'")


def test_a_table_referenced_by_a_foreign_key_from_outside_the_plan_is_rebuilt_with_its_referencing_table(
    tmp_path: Path, db: Path
) -> None:
    project = fk_project(tmp_path, "select id, 10 as w from {{ ref('parent') }}\n")
    first = run_dbt(["run"], db, project_dir=project)
    assert first.returncode == 0, first.messages
    run = run_dbt(["run", "--select", "leaf", "--vars", "{v: 2}"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    stale = {i["relation"]: i["reason"] for e in run.events("heal_start") for i in e["stale"]}
    assert set(stale) == {"parent", "child"}, stale
    assert "references parent through a foreign key" in stale["child"]
    assert query(db, "select v from parent") == [(2,)]
    assert query(db, "select id, w from child") == [(1, 10)]
    assert child_constraints(db) == [("FOREIGN KEY",)], "the rebuilt child keeps its foreign key"


def test_a_referencing_table_the_heal_cannot_rebuild_refuses_the_run_before_anything_is_built(
    tmp_path: Path, db: Path
) -> None:
    project = fk_project(tmp_path, "{{ config(unique_key='id') }} select id, 10 as w from {{ ref('parent') }}\n")
    first = run_dbt(["run", "--vars", "{child_kind: incremental}"], db, project_dir=project)
    assert first.returncode == 0, first.messages
    run = run_dbt(["run", "--select", "leaf", "--vars", "{v: 2, child_kind: incremental}"], db, project_dir=project)
    assert run.returncode == 1, run.messages
    [failed] = run.events("heal_failed")
    assert failed["step"] == "check_tables"
    for words in ("parent must be rebuilt", "table child references it", "incremental",
                  "dbt build --select parent child"):
        assert words in failed["error"], failed["error"]
    assert query(db, "select v from parent") == [(1,)], "nothing may be built"
    assert child_constraints(db) == [("FOREIGN KEY",)]


# Models whose columns cannot be read from their compiled SQL alone, the kinds the heal does not build, and a model
# whose compile runs an adapter statement (which opens a transaction on dbt's connection).
UNCOMPARABLE_FILES = {
    "seeds/base.csv": "id,name\n1,a\n2,b\n3,c\n",
    "models/py_src.py": """\
        def model(dbt, session):
            dbt.config(materialized="table")
            return dbt.ref("base").filter("id > 1")
        """,
    "models/hdr.sql": """\
        {% call set_sql_header(config) %}create or replace temp macro add1(x) as x + 1;{% endcall %}
        select add1(id) as id2 from {{ ref('base') }}
        """,
    "models/pre_tmp.sql": """\
        {{ config(pre_hook="create or replace temp table scratch_ids as select 100 as k") }}
        select k from scratch_ids
        """,
    "models/introspect.sql": """\
        {%- set cols = adapter.get_columns_in_relation(ref('base')) -%}
        select {% for c in cols %}{{ c.quoted }}{% if not loop.last %}, {% endif %}{% endfor %} from {{ ref('base') }}
        """,
    "models/leaf.sql": """\
        select (select count(*) from {{ ref('py_src') }}) as py, (select max(id2) from {{ ref('hdr') }}) as hdr,
               (select max(k) from {{ ref('pre_tmp') }}) as pre, (select count(*) from {{ ref('introspect') }}) as cols
        """,
}
UNCOMPARABLE_YML = "models:\n  odd:\n    +materialized: table\n"


def test_models_whose_columns_need_their_hooks_and_python_models_are_adopted_as_plain_dbt_reads_them(
    tmp_path: Path, db: Path
) -> None:
    """A Python model, a model that needs its sql_header or its pre-hook to run, and one whose compile queries the
    database: built with healing off, the next run adopts them all (describing the first three alone would fail)
    and keeps the records it wrote (the introspecting compile opened a transaction dbt would roll back)."""
    project = make_project(tmp_path / "p", UNCOMPARABLE_FILES, UNCOMPARABLE_YML)
    plain = run_dbt(["build"], db, project_dir=project, variables=OFF)
    assert plain.returncode == 0, plain.messages
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert not run.events("heal_start"), run.messages
    assert adopted_names(run) == {"base", "py_src", "hdr", "pre_tmp", "introspect"}
    assert query(db, "select py, hdr, pre, cols from leaf") == [(2, 4, 100, 3)]
    recorded = {name for (name,) in query(db, "select relation from self_heal_fingerprints")}
    assert {"main.py_src", "main.hdr", "main.pre_tmp", "main.introspect", "main.base"} <= recorded, recorded
    again = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert again.returncode == 0, again.messages
    assert not again.events("heal_start") and not again.events("adopted"), again.messages


def test_a_stale_ancestor_the_heal_cannot_build_is_kept_with_a_warning_until_dbt_builds_it(
    tmp_path: Path, db: Path
) -> None:
    """Plain dbt reads a stale Python model as it is; so does the run, saying so every time, while the heal rebuilds
    the seed under it and the models it can build."""
    project = make_project(tmp_path / "p", UNCOMPARABLE_FILES, UNCOMPARABLE_YML)
    assert run_dbt(["build"], db, project_dir=project).returncode == 0
    with (project / "seeds" / "base.csv").open("a", encoding="utf-8") as f:
        f.write("4,d\n")
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert built_names(run) == ["base", "hdr", "introspect"]
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["py_src"]
    assert "it is a python model; `dbt build --select py_src` brings it up to date" in run.messages
    assert query(db, "select py, hdr from leaf") == [(2, 5)], "py_src is read as it was"
    assert run_dbt(["build", "--select", "py_src"], db, project_dir=project).returncode == 0
    after = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert after.returncode == 0, after.messages
    assert not after.events("stale_kept") and not after.events("heal_start"), after.messages
    assert query(db, "select py from leaf") == [(3,)]


def test_a_stale_incremental_that_must_fail_on_new_columns_is_kept_as_plain_dbt_keeps_it(
    tmp_path: Path, db: Path
) -> None:
    """An incremental model with on_schema_change='fail' whose code gained a column: running it would fail, and plain
    dbt, which does not select it, never runs it. The run keeps it as it is, saying how to bring it up to date."""
    files = {
        "seeds/base.csv": "id,name\n1,a\n2,b\n",
        "models/inc_fail.sql": """\
            {{ config(materialized='incremental', unique_key='id', on_schema_change='fail') }}
            select id, name from {{ ref('base') }}
            """,
        "models/leaf.sql": "select count(*) as n from {{ ref('inc_fail') }}\n",
    }
    project = make_project(tmp_path / "p", files, UNCOMPARABLE_YML)
    assert run_dbt(["build"], db, project_dir=project).returncode == 0
    model = project / "models" / "inc_fail.sql"
    model.write_text(model.read_text().replace("select id, name", "select id, name, upper(name) as shout"))
    plain = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables=OFF)
    assert plain.returncode == 0, plain.messages
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert not run.events("heal_start"), run.messages
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["inc_fail"]
    assert "on_schema_change='fail'" in run.messages and "`dbt build --select inc_fail`" in run.messages
    assert [name for (name,) in query(db, "select column_name from information_schema.columns"
                                          " where table_name = 'inc_fail' order by ordinal_position")] == ["id", "name"]


def test_incremental_models_the_heal_built_under_empty_are_built_from_scratch_by_the_next_run(
    tmp_path: Path, db: Path
) -> None:
    """`--empty` builds the ancestors empty; the next run must not run them incrementally over their empty tables
    (the usual `max(ts)` filter would add nothing, for good): it builds them again from scratch, appending or not."""
    files = {
        "seeds/ev.csv": "id,ts,val\n1,2024-01-01,a\n2,2024-01-02,b\n",
        "models/inc_di.sql": """\
            {{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}
            select id, ts, val from {{ ref('ev') }}
            {% if is_incremental() %} where ts >= (select max(ts) from {{ this }}) {% endif %}
            """,
        "models/inc_app.sql": """\
            {{ config(materialized='incremental') }}
            select id, ts, val from {{ ref('ev') }}
            {% if is_incremental() %} where ts > (select max(ts) from {{ this }}) {% endif %}
            """,
        "models/leaf.sql": "select (select count(*) from {{ ref('inc_di') }}) as n_di,"
                           " (select count(*) from {{ ref('inc_app') }}) as n_app\n",
    }
    project = make_project(tmp_path / "p", files, UNCOMPARABLE_YML)
    empty = run_dbt(["build", "--empty", "--select", "leaf"], db, project_dir=project)
    assert empty.returncode == 0, empty.messages
    assert query(db, "select count(*) from inc_di") == [(0,)]
    full = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert full.returncode == 0, full.messages
    assert not full.events("stale_kept"), full.messages
    assert sorted(full.events("heal_complete")[0]["relations"]) == ["ev", "inc_app", "inc_di"]
    assert query(db, "select n_di, n_app from leaf") == [(2, 2)]
    # An incremental that exists when `--empty` selects it runs incrementally over no rows (plain dbt keeps its
    # rows): it is not "built empty", so the next run neither rebuilds it from scratch nor loses its history.
    with duckdb.connect(str(db)) as con:
        con.execute("delete from ev where id = 1")
    again = run_dbt(["run", "--empty", "--select", "inc_di"], db, project_dir=project)
    assert again.returncode == 0, again.messages
    assert query(db, "select count(*) from inc_di") == [(2,)]
    after = run_dbt(["run", "--select", "leaf"], db, project_dir=project)
    assert after.returncode == 0, after.messages
    assert not after.events("heal_start"), after.messages
    assert query(db, "select n_di from leaf") == [(2,)]
