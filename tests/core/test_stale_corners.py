"""Staleness in the corners of real projects: what a record says must be what the relation holds, whatever
happened to the run that built it, and only what shapes a relation may make it stale. Small projects written by
the tests, real dbt, real DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.core.test_odd_projects import make_project, query
from tests.harness import run_dbt


def stale_names(run: object) -> dict[str, str]:
    return {item["relation"]: item["reason"]
            for event in run.events("heal_start") for item in event["stale"]}  # type: ignore[attr-defined]


def ok(run: object) -> object:
    assert run.returncode == 0, run.messages  # type: ignore[attr-defined]
    return run


def test_a_node_between_selected_ones_is_recorded_as_built_from_the_old_parent(tmp_path: Path, db: Path) -> None:
    """`--select a d` with b between: the hook rebuilds b from a as it is before dbt rebuilds a, and d is built
    from that b. Their records must say so, so a later run rebuilds both from the new a."""
    project = make_project(tmp_path / "p", {
        "models/a.sql": "select 1 as v\n",
        "models/b.sql": "select v from {{ ref('a') }}\n",
        "models/d.sql": "select v from {{ ref('b') }}\n",
        "models/e.sql": "select v from {{ ref('d') }}\n",
    }, "models:\n  odd:\n    +materialized: table\n")
    ok(run_dbt(["build"], db, project_dir=project))
    (project / "models" / "a.sql").write_text("select 2 as v\n", encoding="utf-8")
    between = ok(run_dbt(["run", "--select", "a", "d"], db, project_dir=project))
    assert "b" in stale_names(between)
    assert query(db, "select (select v from a), (select v from b), (select v from d)") == [(2, 1, 1)]
    later = ok(run_dbt(["run", "--select", "e"], db, project_dir=project))
    assert set(stale_names(later)) == {"b", "d"}, later.messages
    assert query(db, "select (select v from b), (select v from d), (select v from e)") == [(2, 2, 2)]
    again = ok(run_dbt(["run", "--select", "e"], db, project_dir=project))
    assert not again.events("heal_start"), "an unchanged rerun rebuilt something"
    # b's own code changes under the same selection: rebuilt once, then its record (made while this run had marked
    # a unfinished) must match, or every identical run would rebuild it again.
    (project / "models" / "b.sql").write_text("select v + 0 as v from {{ ref('a') }}\n", encoding="utf-8")
    edited = ok(run_dbt(["run", "--select", "a", "d"], db, project_dir=project))
    assert "code of b changed" in stale_names(edited)["b"], edited.messages
    steady = ok(run_dbt(["run", "--select", "a", "d"], db, project_dir=project))
    assert not steady.events("heal_start"), steady.messages


def test_a_run_that_never_records_what_it_built_leaves_it_unfinished(tmp_path: Path, db: Path) -> None:
    """dbt rebuilds `a` with new code, then the project's own on-run-end hook fails and dbt skips this package's,
    so nothing records the new `a`. Reverting the code must not make the old record true again."""
    project = make_project(tmp_path / "p", {
        "models/a.sql": "select 1 as v\n",
        "models/b.sql": "select v from {{ ref('a') }}\n",
    }, "models:\n  odd:\n    +materialized: table\n"
       "on-run-end:\n  - \"{% if var('fail_end', false) %}select error('boom'){% else %}select 1{% endif %}\"\n")
    ok(run_dbt(["build"], db, project_dir=project))
    (project / "models" / "a.sql").write_text("select 500 as v\n", encoding="utf-8")
    failing = run_dbt(["run", "--select", "a"], db, project_dir=project, variables={"fail_end": True})
    assert failing.returncode != 0
    assert query(db, "select v from a") == [(500,)]
    (project / "models" / "a.sql").write_text("select 1 as v\n", encoding="utf-8")
    after = ok(run_dbt(["run", "--select", "b"], db, project_dir=project))
    assert "stopped before recording what it built" in stale_names(after)["a"]
    assert query(db, "select (select v from a), (select v from b)") == [(1, 1)]


def test_macros_called_only_at_execution_time_count(tmp_path: Path, db: Path) -> None:
    """dbt lists a model's macros while parsing, when `execute` is false: a macro called only inside
    `{% if execute %}` (the run_query pattern), and the vars it reads, are found by name in the code."""
    project = make_project(tmp_path / "p", {
        "macros/m.sql": "{% macro pick() %}{{ return(var('pick_v', 7)) }}{% endmacro %}\n"
                        "{% macro k() %}{{ return(1) }}{% endmacro %}\n",
        "models/a.sql": "{% if execute %}{% set v = pick() + k() %}{% else %}{% set v = 0 %}{% endif %}\n"
                        "select {{ v }} as v\n",
        "models/b.sql": "select v from {{ ref('a') }}\n",
    }, "models:\n  odd:\n    +materialized: table\n")
    ok(run_dbt(["build"], db, project_dir=project))
    macros = project / "macros" / "m.sql"
    macros.write_text(macros.read_text(encoding="utf-8").replace("return(1)", "return(100)"), encoding="utf-8")
    edited = ok(run_dbt(["run", "--select", "b"], db, project_dir=project))
    assert stale_names(edited)["a"] == "a macro it calls changed"
    assert query(db, "select v from a") == [(107,)]
    var = ok(run_dbt(["run", "--select", "b"], db, project_dir=project, variables={"pick_v": 50}))
    assert stale_names(var)["a"] == "var pick_v (unset) → 50"
    assert query(db, "select v from a") == [(150,)]


def test_vars_read_by_a_project_materialization_and_target_values_count(tmp_path: Path, db: Path) -> None:
    project = make_project(tmp_path / "p", {
        "macros/mat.sql": """\
            {% materialization stamped, adapter='duckdb' %}
              {%- set target_relation = this.incorporate(type='table') -%}
              {% call statement('main') -%}
                create or replace table {{ target_relation }} as {{ stamp(sql) }}
              {%- endcall %}
              {{ adapter.commit() }}
              {{ return({'relations': [target_relation]}) }}
            {% endmaterialization %}
            {% macro stamp(sql) %}select *, {{ var('tag', 1) }} as tag from ({{ sql }}){% endmacro %}
            """,
        "models/a.sql": "{{ config(materialized='stamped') }} select '{{ target.name }}' as t\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
    })
    (project / "profiles.yml").write_text(
        "planalign:\n  target: dev\n  outputs:\n"
        + "".join(f"    {name}:\n      type: duckdb\n      path: \"{{{{ env_var('PLANALIGN_DB_PATH') }}}}\"\n"
                  for name in ("dev", "dev_too")), encoding="utf-8")
    ok(run_dbt(["build"], db, project_dir=project, profiles_dir=project))
    tagged = ok(run_dbt(["run", "--select", "b"], db, project_dir=project, variables={"tag": 5},
                        profiles_dir=project))
    assert stale_names(tagged)["a"] == "var tag (unset) → 5"
    assert query(db, "select t, tag from a") == [("dev", 5)]
    retargeted = ok(run_dbt(["run", "--select", "b", "--target", "dev_too"], db, project_dir=project,
                            variables={"tag": 5}, profiles_dir=project))  # fmt: skip
    assert stale_names(retargeted)["a"] == "target.name dev → dev_too"
    assert query(db, "select t from a") == [("dev_too",)]


def test_docs_and_test_macros_never_make_a_relation_stale(tmp_path: Path, db: Path) -> None:
    """A contracted model's column description (persist_docs off) and a project's own generic test macro shape no
    relation: editing them rebuilds nothing."""
    project = make_project(tmp_path / "p", {
        "macros/tests.sql": "{% test not_null(model, column_name) %}"
                            "select * from {{ model }} where {{ column_name }} is null{% endtest %}\n",
        "seeds/s.csv": "id\n1\n",
        "models/a.sql": "select id from {{ ref('s') }}\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
        "models/a.yml": """\
            version: 2
            models:
              - name: a
                config: {contract: {enforced: true}, materialized: table}
                columns:
                  - name: id
                    data_type: integer
                    description: one
                    data_tests: [not_null]
            """,
    })
    ok(run_dbt(["build"], db, project_dir=project))
    for name, old, new in [("models/a.yml", "description: one", "description: two"),
                           ("macros/tests.sql", "is null", "is null and true")]:
        path = project / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    run = ok(run_dbt(["build", "--select", "b"], db, project_dir=project))
    assert not run.events("heal_start"), stale_names(run)


def test_what_dbt_skips_after_a_failure_keeps_its_record(tmp_path: Path, db: Path) -> None:
    """A selected model dbt skips (a test upstream failed) is untouched: its record is restored at the end of the
    run, so the next run does not rebuild it; one the run never finished is rebuilt."""
    project = make_project(tmp_path / "p", {
        "seeds/s.csv": "id\n1\n",
        "models/a.sql": "select id from {{ ref('s') }}\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
        "tests/s_checked.sql": "select * from {{ ref('s') }} where {{ var('fail', false) }}\n",
    }, "models:\n  odd:\n    +materialized: table\n")
    ok(run_dbt(["build"], db, project_dir=project))
    failing = run_dbt(["build", "--select", "s+"], db, project_dir=project, variables={"fail": True})
    assert failing.returncode != 0
    skipped = [line for line in failing.lines if line.get("info", {}).get("name") == "SkippingDetails"]
    assert skipped, "the test's failure skipped nothing"
    after = ok(run_dbt(["run", "--select", "b"], db, project_dir=project))
    assert not after.events("heal_start"), stale_names(after)


def test_vars_holding_dates_are_fingerprinted(tmp_path: Path, db: Path) -> None:
    """YAML reads `2025-01-01` as a date, which JSON cannot hold: the check must neither crash on it (in
    dbt_project.yml or --vars) nor miss a change of it."""
    project = make_project(tmp_path / "p", {
        "models/a.sql": "select cast('{{ var('as_of') }}' as date) as as_of, '{{ var('plan_start') }}' as start\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
    }, "models:\n  odd:\n    +materialized: table\nvars:\n  plan_start: 2024-07-01\n")
    ok(run_dbt(["build"], db, project_dir=project, variables={"as_of": "2025-01-01"}))
    (project / "models" / "b.sql").write_text("select * from {{ ref('a') }} where true\n", encoding="utf-8")
    cmd = ["run", "--select", "b", "--vars", "{as_of: 2025-01-01}"]
    same = ok(run_dbt(cmd, db, project_dir=project))
    assert not same.events("heal_start"), stale_names(same)
    moved = ok(run_dbt(["run", "--select", "b", "--vars", "{as_of: 2026-01-01}"], db, project_dir=project))
    assert stale_names(moved)["a"] == "var as_of 2025-01-01 → 2026-01-01"
    assert query(db, "select cast(as_of as varchar), start from b") == [("2026-01-01", "2024-07-01")]


def test_views_left_by_dbt_clone_follow_the_unrecorded_policy(tmp_path: Path, db: Path) -> None:
    """`dbt clone` on DuckDB leaves views where the nodes are tables, and no records. An incremental (or snapshot)
    view is kept as it is, as unrecorded incrementals are, and stays kept; a seed view is reloaded (the default
    policy for unrecorded relations)."""
    project = make_project(tmp_path / "p", {
        "seeds/s.csv": "id\n1\n",
        "models/events.sql": "{{ config(materialized='incremental') }} select 1 as batch\n",
        "models/leaf.sql": "select * from {{ ref('s') }}, {{ ref('events') }}\n",
    })
    with duckdb.connect(str(db)) as con:
        con.execute("create view main.events as select * from (values (2024), (2026)) t(batch)")
        con.execute("create view main.s as select 1 as id")
    first = ok(run_dbt(["run", "--select", "leaf"], db, project_dir=project))
    assert query(db, "select relation, built_by from self_heal_fingerprints order by 1") == [
        ("main.events", "adopted"), ("main.leaf", "dbt"), ("main.s", "self_heal")]
    assert "it is a view but s is materialized as seed" in stale_names(first)["s"]
    assert query(db, "select batch from leaf order by 1") == [(2024,), (2026,)]
    again = ok(run_dbt(["run", "--select", "leaf"], db, project_dir=project))
    assert not again.events("heal_start") and not again.events("adopted"), again.messages
    # The recorded plan vouches for the adopted view too: its record keeps the kind it was adopted as.
    third = ok(run_dbt(["run", "--select", "leaf"], db, project_dir=project))
    assert [e["plan"] for e in third.events("heal_skipped")] == ["recorded"], third.messages


def test_incremental_history_is_never_doubled_or_silently_dropped(tmp_path: Path, db: Path) -> None:
    """A stale incremental that appends (no unique_key) is held as it is, with a warning, since running it here
    and again when its own run comes would add its rows twice; a keyed one runs incrementally. A lost incremental
    that was built here before is refused: rebuilding it from one run would drop the years it held."""
    project = make_project(tmp_path / "p", {
        "models/log.sql": "{{ config(materialized='incremental') }} select {{ var('year') }} as year\n",
        "models/keyed.sql": "{{ config(materialized='incremental', unique_key='year') }}\n"
                            "select {{ var('year') }} as year\n",
        "models/report.sql": "select (select count(*) from {{ ref('log') }}) as logged, "
                             "(select count(*) from {{ ref('keyed') }}) as keyed\n",
    })
    ok(run_dbt(["run"], db, project_dir=project, variables={"year": 2025}))
    report = ok(run_dbt(["run", "--select", "report"], db, project_dir=project, variables={"year": 2026}))
    [held] = report.events("stale_kept")
    assert [item["relation"] for item in held["stale"]] == ["log"]
    assert "var year 2025 → 2026" in held["stale"][0]["reason"]
    assert set(stale_names(report)) == {"keyed"}
    ok(run_dbt(["run", "--select", "log"], db, project_dir=project, variables={"year": 2026}))
    assert query(db, "select year from log order by 1") == [(2025,), (2026,)], "a year was appended twice"
    assert query(db, "select year from keyed order by 1") == [(2025,), (2026,)]

    with duckdb.connect(str(db)) as con:
        con.execute("drop table keyed")
    lost = run_dbt(["run", "--select", "report"], db, project_dir=project, variables={"year": 2026})
    assert lost.returncode == 1
    error = lost.events("heal_failed")[0]["error"]
    assert "keyed (incremental) is missing, but it was built here before" in error, error
    assert "`dbt run --select keyed`" in error


def test_a_keyed_incremental_whose_columns_changed_is_kept_with_one_way_to_rebuild_it(tmp_path: Path, db: Path) -> None:
    """A stale incremental with a unique_key whose compiled columns changed is not run incrementally over what it
    holds (old and new columns would mix): it is kept as it is, and the warning names the one command that rebuilds
    it (`--full-refresh`), not also a plain run, which would keep the old columns."""
    project = make_project(tmp_path / "p", {
        "models/keyed.sql": "{{ config(materialized='incremental', unique_key='id') }} select 1 as id\n",
        "models/report.sql": "select count(*) as n from {{ ref('keyed') }}\n",
    })
    ok(run_dbt(["run"], db, project_dir=project))
    (project / "models" / "keyed.sql").write_text(
        "{{ config(materialized='incremental', unique_key='id') }} select 1 as id, 2 as extra\n")
    run = ok(run_dbt(["run", "--select", "report"], db, project_dir=project))
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["keyed"]
    [line] = [m for m in run.messages.splitlines() if "Self-heal: WARNING: kept as they are" in m]
    assert "`dbt build --select keyed --full-refresh` rebuilds it" in line, line
    assert "brings it up to date" not in line, line
    assert query(db, "select column_name from information_schema.columns where table_name = 'keyed'") == [("id",)]


def test_a_failed_after_commit_hook_is_run_again_with_its_node(tmp_path: Path, db: Path) -> None:
    """A post-hook that runs after the commit (an export) fails after the heal committed: the run names the model,
    and the next run rebuilds the node and runs the hook again rather than trusting its record."""
    export = tmp_path / "exports" / "a.csv"
    project = make_project(tmp_path / "p", {
        "models/a.sql": "{{ config(materialized='table', post_hook={'sql': \"copy (select * from {{ this }}) to '"
                        + str(export) + "'\", 'transaction': false}) }}\nselect 1 as id\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
    })
    failed = run_dbt(["run", "--select", "b"], db, project_dir=project)
    assert failed.returncode != 0
    assert "running the hooks of model a that run after the commit" in failed.messages
    export.parent.mkdir()
    retried = ok(run_dbt(["run", "--select", "b"], db, project_dir=project))
    assert "stopped before recording what it built" in stale_names(retried)["a"], retried.messages
    assert export.read_text(encoding="utf-8").splitlines() == ["id", "1"]
    again = ok(run_dbt(["run", "--select", "b"], db, project_dir=project))
    assert not again.events("heal_start"), stale_names(again)


def test_a_stale_versioned_model_is_named_with_its_version(tmp_path: Path, db: Path) -> None:
    """Two versions of one model are two relations: the stale list and the progress lines say which (m.v2), as
    dbt names them, not `m` twice."""
    project = make_project(tmp_path / "p", {
        "models/m_v1.sql": "select 1 as v\n",
        "models/m_v2.sql": "select 2 as v\n",
        "models/m.yml": """\
            version: 2
            models:
              - name: m
                latest_version: 2
                versions: [{v: 1}, {v: 2}]
            """,
        "models/leaf.sql": "select (select v from {{ ref('m', v=1) }}) + (select v from {{ ref('m') }}) as v\n",
    }, "models:\n  odd:\n    +materialized: table\n")
    ok(run_dbt(["build"], db, project_dir=project))
    (project / "models" / "m_v2.sql").write_text("select 20 as v\n", encoding="utf-8")
    run = ok(run_dbt(["run", "--select", "leaf"], db, project_dir=project))
    assert list(stale_names(run)) == ["m.v2"], run.messages
    assert "building model m.v2 (table)" in run.messages
    assert query(db, "select v from leaf") == [(21,)]
