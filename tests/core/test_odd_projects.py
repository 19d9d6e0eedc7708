"""Odd corners of real dbt projects, each in a small project written by the test: the heal builds what plain
`dbt build` builds (compared with DuckDB's own catalog), or refuses before building anything, naming what to do."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.harness import REPO, catalog, run_dbt

HEADER = """\
name: odd
version: "1.0.0"
config-version: 2
profile: planalign
flags:
  skip_nodes_if_on_run_start_fails: true
"""


def make_project(root: Path, files: dict[str, str], project_yml: str = "") -> Path:
    """A dbt project at `root` installing dbt_self_heal, with the given files (dedented)."""
    root.mkdir(parents=True)
    (root / "dbt_project.yml").write_text(HEADER + textwrap.dedent(project_yml), encoding="utf-8")
    (root / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")
    return root


def heal_and_build(project: Path, tmp_path: Path, select: str, *extra: str) -> tuple[Path, Path]:
    """Heal `select` on an empty database and build the whole project plainly on another; both must succeed."""
    healed, built = tmp_path / "healed" / "h.duckdb", tmp_path / "built" / "b.duckdb"
    healed.parent.mkdir()
    built.parent.mkdir()
    heal = run_dbt(["build", "--select", select, *extra], healed, project_dir=project)
    assert heal.returncode == 0, heal.messages
    assert heal.events("heal_complete"), "nothing was healed"
    plain = run_dbt(["build", *extra], built, project_dir=project, variables={"self_heal_enabled": False})
    assert plain.returncode == 0, plain.messages
    return healed, built


def assert_healed_like_built(healed: Path, built: Path) -> None:
    mine, theirs = catalog(healed), catalog(built)
    assert mine, "nothing in the healed database"
    for name, entry in mine.items():
        assert entry == theirs.get(name), f"{name} differs from plain dbt build's"


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_projects_own_ref_and_source_macros_apply_to_healed_nodes(tmp_path: Path) -> None:
    """A root `ref`/`source` macro replaces dbt's in every context (dbt's stays as builtins.ref): the hook must
    still find dbt's resolver, and the nodes it builds must go through the project's macros, as dbt's do."""
    project = make_project(tmp_path / "p", {
        "macros/overrides.sql": """\
            {% macro ref(model_name) %}{{ return(builtins.ref(model_name)) }}{% endmacro %}
            {% macro source(source_name, table_name) %}
              {%- set rel = builtins.source(source_name, table_name) -%}
              {{ return("(select * from " ~ rel ~ " where id > 1)") }}
            {% endmacro %}
            """,
        "models/sources.yml": """\
            version: 2
            sources:
              - name: raw
                schema: main
                tables: [{name: events}]
            """,
        "models/stg.sql": "select * from {{ source('raw', 'events') }} as e\n",
        "models/mid.sql": "select id, id * 10 as v from {{ ref('stg') }}\n",
        "models/leaf.sql": "select count(*) as n from {{ ref('mid') }}\n",
    }, "on-run-start:\n  - \"create table if not exists main.events as select range as id from range(5)\"\n")
    healed, built = heal_and_build(project, tmp_path, "leaf")
    assert_healed_like_built(healed, built)
    assert query(healed, "select n from leaf") == [(3,)], "the project's source() filter was bypassed"


def test_full_refresh_never_rebuilds_an_unselected_incremental(tmp_path: Path, db: Path) -> None:
    """dbt's --full-refresh applies to the selected nodes; an incremental ancestor the hook rebuilds because its
    code changed keeps its history (plain dbt would not even touch it)."""
    project = make_project(tmp_path / "p", {
        "models/events.sql": """\
            {{ config(materialized='incremental', unique_key='batch') }}
            select {{ var('batch') }} as batch
            """,
        "models/leaf.sql": "select count(*) as n from {{ ref('events') }}\n",
    })
    first = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables={"batch": 1})
    assert first.returncode == 0, first.messages
    with (project / "models" / "events.sql").open("a", encoding="utf-8") as f:
        f.write("-- edited\n")
    second = run_dbt(["build", "--select", "leaf", "--full-refresh"], db, project_dir=project, variables={"batch": 2})
    assert second.returncode == 0, second.messages
    assert [s["relation"] for s in second.events("heal_start")[0]["stale"]] == ["events"]
    assert query(db, "select batch from events order by 1") == [(1,), (2,)]
    assert query(db, "select n from leaf") == [(2,)]


def test_an_unselected_node_between_selected_ones_needs_its_selected_parent(tmp_path: Path, db: Path) -> None:
    """`--select a c` with b (unselected) between them: dbt builds a only after the hook, so on an empty database
    the hook cannot build b. It says so before building anything; selecting b too works."""
    project = make_project(tmp_path / "p", {
        "models/a.sql": "select 1 as id\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
        "models/c.sql": "select * from {{ ref('b') }}\n",
        "seeds/s.csv": "id\n1\n",
        "models/d.sql": "select * from {{ ref('s') }}, {{ ref('c') }}\n",
    })
    run = run_dbt(["build", "--select", "a", "d"], db, project_dir=project)
    assert run.returncode != 0
    failed = run.events("heal_failed")[0]["error"]
    assert "b (not selected, needed by this run) reads a, which this run selects" in failed, failed
    assert "--select a+" in failed
    assert not [name for name in catalog(db) if not name.startswith("main.self_heal")], "something was built"
    fixed = run_dbt(["build", "--select", "a+", "d"], db, project_dir=project)
    assert fixed.returncode == 0, fixed.messages
    assert fixed.events("heal_complete")[0]["relations"] == ["s"]


REBUILD = {"self_heal_unrecorded": "rebuild"}


def test_a_run_with_healing_off_leaves_no_record_to_trust(tmp_path: Path, db: Path) -> None:
    project = make_project(tmp_path / "p", {
        "models/ctx.sql": "select {{ var('year', 2025) }} as year\n",
        "models/leaf.sql": "select * from {{ ref('ctx') }}\n",
    })
    assert run_dbt(["build", "--select", "leaf"], db, project_dir=project).returncode == 0
    off = run_dbt(["run", "--select", "ctx"], db, project_dir=project,
                  variables={"year": 2030, "self_heal_enabled": False})  # fmt: skip
    assert off.returncode == 0, off.messages
    # Unrecorded, so judged by the unrecorded policy: adopted by default (its kind and columns are what ctx builds;
    # adoption trusts what it holds, as the README says), rebuilt under `rebuild`.
    adopted = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert adopted.returncode == 0, adopted.messages
    assert not adopted.events("heal_start") and [e["relations"] for e in adopted.events("adopted")] == [["ctx"]]
    assert query(db, "select year from leaf") == [(2030,)]
    off = run_dbt(["run", "--select", "ctx"], db, project_dir=project,
                  variables={"year": 2030, "self_heal_enabled": False})  # fmt: skip
    assert off.returncode == 0, off.messages
    again = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables=REBUILD)
    assert again.returncode == 0, again.messages
    stale = again.events("heal_start")[0]["stale"]
    assert [(s["relation"], "no fingerprint record" in s["reason"]) for s in stale] == [("ctx", True)]
    assert query(db, "select year from leaf") == [(2025,)]
    # The package's own wiring switched off with nothing wired in its place: nobody records, so records go too.
    off = run_dbt(["run", "--select", "ctx"], db, project_dir=project,
                  variables={"year": 2031, "self_heal_package_hooks": False})  # fmt: skip
    assert off.returncode == 0, off.messages
    again = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables=REBUILD)
    assert [s["relation"] for s in again.events("heal_start")[0]["stale"]] == ["ctx"]
    assert query(db, "select year from leaf") == [(2025,)]


def test_seeds_are_typed_and_named_as_agate_reads_them(tmp_path: Path) -> None:
    """agate keeps one format per column and Python's four-digit %Y; headers are split like Python's csv module
    (quoted delimiters), a byte order mark is dropped."""
    project = make_project(tmp_path / "p", {
        "seeds/mixed_ts.csv": "ts\n2024-11-01 09:00:00\n2025-11-01T09:00:00\n",
        "seeds/short_year.csv": "d\n24-01-05\n",
        "seeds/bom.csv": "\ufeffid,name\n1,a\n",
        "seeds/quoted_header.csv": '"a,b",c\n1,2\n',
        "seeds/iso.csv": "ts\n2025-11-01T09:00:00Z\n",
        "seeds/blank_name.csv": "x,y,\n1,2,a\n",
        "seeds/twice.csv": "x,x,y,x\n1,2,3,4\n",
        "models/leaf.sql": """\
            select 1 as x from {{ ref('mixed_ts') }}, {{ ref('short_year') }}, {{ ref('bom') }},
              {{ ref('quoted_header') }}, {{ ref('iso') }}, {{ ref('blank_name') }}, {{ ref('twice') }}
            """,
    })
    healed, built = heal_and_build(project, tmp_path, "leaf")
    assert_healed_like_built(healed, built)
    columns = {name: [c[:2] for c in entry["columns"]] for name, entry in catalog(healed).items()}
    assert columns["main.mixed_ts"] == [("ts", "VARCHAR")]
    assert columns["main.short_year"] == [("d", "VARCHAR")]
    assert columns["main.bom"] == [("id", "INTEGER"), ("name", "VARCHAR")]
    assert columns["main.quoted_header"] == [("a,b", "INTEGER"), ("c", "INTEGER")]
    assert columns["main.blank_name"] == [("x", "INTEGER"), ("y", "INTEGER"), ("c", "VARCHAR")]
    assert columns["main.twice"] == [("x", "INTEGER"), ("x_2", "INTEGER"), ("y", "INTEGER"), ("x_3", "INTEGER")]


def test_seeds_of_every_shape_are_checked_and_loaded_together(tmp_path: Path) -> None:
    """The heal checks all its seeds in one batch (headers, inferred types, typed reads): a header-only file, another
    delimiter, column_types for some columns only, quote_columns off and a 60-column file load in the same heal as
    plain dbt loads them."""
    project = make_project(tmp_path / "p", {
        "seeds/header_only.csv": "a,b\n",
        "seeds/semi.csv": "x;y\n1;hello\n2;world\n",
        "seeds/partial.csv": "id,amount,label\n1,2.5,a\n2,3,b\n",
        "seeds/noquote.csv": "k,v\n1,2\n",
        "seeds/wide.csv": ",".join(f"c{i}" for i in range(60)) + "\n" + ",".join(str(i) for i in range(60)) + "\n",
        "seeds/_seeds.yml": """\
            version: 2
            seeds:
              - name: semi
                config: {delimiter: ';'}
              - name: partial
                config: {column_types: {amount: 'decimal(10,2)'}}
              - name: noquote
                config: {quote_columns: false}
            """,
        "models/leaf.sql": """\
            select 1 as x from {{ ref('header_only') }}, {{ ref('semi') }}, {{ ref('partial') }},
              {{ ref('noquote') }}, {{ ref('wide') }}
            """,
    })
    healed, built = heal_and_build(project, tmp_path, "leaf")
    assert_healed_like_built(healed, built)
    columns = {name: [c[:2] for c in entry["columns"]] for name, entry in catalog(healed).items()}
    assert columns["main.partial"] == [("id", "INTEGER"), ("amount", "DECIMAL(10,2)"), ("label", "VARCHAR")]
    assert columns["main.semi"] == [("x", "INTEGER"), ("y", "VARCHAR")]
    assert len(columns["main.wide"]) == 60


def test_a_seed_dbt_cannot_load_is_refused_naming_line_and_value(tmp_path: Path, db: Path) -> None:
    """agate reads '$5' as a number, so `dbt seed` types the column INTEGER and then fails to load it; the heal
    fails too, before building anything, and says where."""
    project = make_project(tmp_path / "p", {
        "seeds/prices.csv": "price\n$5\n$6\n",
        "models/leaf.sql": "select * from {{ ref('prices') }}\n",
    })
    plain = run_dbt(["seed"], tmp_path / "plain.duckdb", project_dir=project, variables={"self_heal_enabled": False})
    assert plain.returncode != 0
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode != 0
    error = run.events("heal_failed")[0]["error"]
    assert "seeds/prices.csv" in error and 'line 2: column price (integer) cannot hold the value "$5"' in error, error

    (project / "seeds" / "prices.csv").write_text('"pr""ice"\n5\n', encoding="utf-8")
    quoted = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert quoted.returncode == 1, quoted.messages
    assert 'holds a double quote (pr"ice)' in quoted.events("heal_failed")[0]["error"]


def test_hooks_outside_the_transaction_and_seed_hooks_and_docs(tmp_path: Path) -> None:
    """after_commit post-hooks (CHECKPOINT cannot run in a transaction) run after the heal commits; seeds get
    their pre/post hooks and persisted docs, as dbt's seed materialization gives them."""
    project = make_project(tmp_path / "p", {
        "seeds/rates.csv": "id,rate\n1,0.5\n",
        "seeds/_seeds.yml": """\
            version: 2
            seeds:
              - name: rates
                description: "the rates"
                columns: [{name: id, description: "rate id"}]
            """,
        "models/base.sql": """\
            {{ config(materialized='table', post_hook=[after_commit("checkpoint"),
                      after_commit("insert into audit_log values ('after {{ this.name }}')")]) }}
            select * from {{ ref('rates') }}
            """,
        "models/leaf.sql": "select * from {{ ref('base') }}\n",
    }, """\
        on-run-start:
          - "create table if not exists audit_log (what varchar)"
        seeds:
          odd:
            +persist_docs: {relation: true, columns: true}
            +pre-hook: "insert into audit_log values ('pre {{ this.name }}')"
            +post-hook: "insert into audit_log values ('post {{ this.name }}')"
        """)
    healed, built = heal_and_build(project, tmp_path, "leaf")
    assert_healed_like_built(healed, built)
    assert catalog(healed)["main.rates"]["comment"] == "the rates"
    audit = query(healed, "select what from audit_log order by all")
    assert audit == [("after base",), ("post rates",), ("pre rates",)]


def test_package_models_config_calls_and_jinja_vars_render_as_dbt_renders_them(tmp_path: Path) -> None:
    """A second package's model calls its own macro unqualified (its package's macros come first, even over a
    root macro of the same name); config() is called in a {% set %}; a var's value holds Jinja."""
    other = make_project(tmp_path / "other", {
        "macros/m.sql": """\
            {% macro helper() %}'from other'{% endmacro %}
            {% macro shadowed() %}'other'{% endmacro %}
            """,
        "models/other_model.sql": "select {{ helper() }} as h, {{ shadowed() }} as s\n",
    })
    (other / "dbt_project.yml").write_text('name: other\nversion: "1.0.0"\nconfig-version: 2\n', encoding="utf-8")
    (other / "packages.yml").unlink()
    project = make_project(tmp_path / "p", {
        "macros/m.sql": "{% macro shadowed() %}'root'{% endmacro %}\n",
        "models/cfg.sql": """\
            {% set _ = config(materialized='table') %}
            select '{{ var("where") }}' as where_from, '{{ config.get("materialized") }}' as mat
            """,
        "models/leaf.sql": "select * from {{ ref('other', 'other_model') }}, {{ ref('cfg') }}\n",
    }, 'vars:\n  where: "{{ target.name }}"\n')
    (project / "packages.yml").write_text(
        f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n  - local: {other}\n", encoding="utf-8"
    )
    healed, built = heal_and_build(project, tmp_path, "leaf")
    assert_healed_like_built(healed, built)
    assert query(healed, "select * from other_model") == [("from other", "other")]
    assert query(healed, "select * from cfg") == [("dev", "table")]


def test_snapshots_are_used_as_they_are_and_file_sources_need_no_table(tmp_path: Path, db: Path) -> None:
    """A snapshot holds history only `dbt snapshot` adds to: once there it is adopted and never rebuilt, and what
    feeds it is not needed by a run that reads it (plain dbt does not touch it: an edited or even dropped `base`
    changes nothing for leaf). A source with an external_location is read from its file."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "people.csv").write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
    project = make_project(tmp_path / "p", {
        "models/sources.yml": f"""\
            version: 2
            sources:
              - name: files
                meta: {{external_location: "read_csv('{tmp_path / 'data'}/{{name}}.csv', header=true)"}}
                tables: [{{name: people}}]
            """,
        "models/base.sql": "select * from {{ source('files', 'people') }}\n",
        "snapshots/snap.sql": """\
            {% snapshot snap %}
            {{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}
            select * from {{ ref('base') }}
            {% endsnapshot %}
            """,
        "models/leaf.sql": "select count(*) as n from {{ ref('snap') }}\n",
    })
    first = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert first.returncode != 0, "a missing snapshot must be refused"
    assert "does not build snapshot.odd.snap" in first.events("heal_failed")[0]["error"]
    assert run_dbt(["build"], db, project_dir=project).returncode == 0
    # dbt built the snapshot with these hooks on: it is recorded, not taken next time for one built outside them.
    healthy = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert healthy.returncode == 0, healthy.messages
    assert not healthy.events("adopted"), healthy.messages
    with (project / "models" / "base.sql").open("a", encoding="utf-8") as f:
        f.write("-- edited\n")
    with duckdb.connect(str(db)) as con:
        con.execute("drop view base")
    again = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert again.returncode == 0, again.messages
    assert not again.events("heal_start"), again.messages
    assert query(db, "select n from leaf") == [(2,)]
    snapshot = run_dbt(["snapshot"], db, project_dir=project)
    assert snapshot.returncode == 0, snapshot.messages
    assert snapshot.events("heal_complete")[0]["relations"] == ["base"], "the snapshot's own run needs base"


def stale_of(run: object) -> dict[str, str]:
    events = run.events("heal_start")  # type: ignore[attr-defined]
    return {item["relation"]: item["reason"] for event in events for item in event["stale"]}


def test_config_in_dbt_project_yml_hook_vars_and_project_materializations_are_fingerprinted(
    tmp_path: Path, db: Path
) -> None:
    """Config set in dbt_project.yml (which dbt's manifest files do not list), vars read in hooks and the code of a
    project-defined materialization all decide a relation's contents: a change to each is found, also on the fast
    path of an otherwise unchanged project."""
    yml = """\
        seeds:
          odd:
            codes:
              +column_types: {code: varchar}
        models:
          odd:
            hooked:
              +post-hook: "insert into {{ this }} select {{ var('v_hook', 1) }}"
        """
    project = make_project(tmp_path / "p", {
        "seeds/codes.csv": "code\n7\n",
        "macros/mat.sql": """\
            {% materialization stamped, default %}
              {%- set target_relation = this.incorporate(type='table') -%}
              {% call statement('main') -%}
                create or replace table {{ target_relation }} as select 1 as version, * from ({{ sql }})
              {%- endcall %}
              {{ return({'relations': [target_relation]}) }}
            {% endmaterialization %}
            """,
        "models/hooked.sql": "{{ config(materialized='table') }}\nselect 0 as v\n",
        "models/stamped.sql": "{{ config(materialized='stamped') }}\nselect 5 as n\n",
        "models/leaf.sql": "select * from {{ ref('codes') }}, {{ ref('hooked') }}, {{ ref('stamped') }}\n",
    }, yml)
    assert run_dbt(["build", "--select", "leaf"], db, project_dir=project).returncode == 0
    assert run_dbt(["build", "--select", "leaf"], db, project_dir=project).events("heal_skipped"), "not healthy"

    (project / "dbt_project.yml").write_text(
        HEADER + textwrap.dedent(yml).replace("code: varchar", "code: integer"), encoding="utf-8"
    )
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert stale_of(run) == {"codes": "config of codes changed"}
    assert query(db, "select data_type from information_schema.columns where table_name = 'codes'") == [("INTEGER",)]

    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables={"v_hook": 2})
    assert stale_of(run) == {"hooked": "var v_hook (unset) → 2"}
    assert query(db, "select v from hooked order by v") == [(0,), (2,)]

    mat = project / "macros" / "mat.sql"
    mat.write_text(mat.read_text(encoding="utf-8").replace("1 as version", "2 as version"), encoding="utf-8")
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables={"v_hook": 2})
    assert stale_of(run) == {"stamped": "a macro it calls changed"}
    assert query(db, "select version from stamped") == [(2,)]


def test_empty_runs_keep_existing_relations_and_an_empty_env_var_is_not_an_unset_one(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "p", {
        "models/ctx.sql": "select '{{ env_var('ODD_ENV', 'unset') }}' as env, 1 as n\n",
        "models/leaf.sql": "select * from {{ ref('ctx') }}\n",
    })
    monkeypatch.delenv("ODD_ENV", raising=False)
    assert run_dbt(["build", "--select", "leaf"], db, project_dir=project).returncode == 0
    empty = run_dbt(["build", "--select", "leaf", "--empty"], db, project_dir=project)
    assert empty.returncode == 0, empty.messages
    assert not empty.events("heal_start"), "an --empty run rebuilt an existing, unselected relation"
    assert query(db, "select env, n from ctx") == [("unset", 1)]

    monkeypatch.setenv("ODD_ENV", "")
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert stale_of(run) == {"ctx": "env var ODD_ENV changed"}
    assert query(db, "select env from ctx") == [("",)]


def test_a_copied_database_keeps_its_records_and_status_speaks_for_a_selection(tmp_path: Path, db: Path) -> None:
    """Records do not name the database file, so a copy (a backup restored, a scenario cloned) stays healthy;
    `self_heal_status` with a selection lists what a run of it would rebuild, in build order."""
    project = make_project(tmp_path / "p", {
        "seeds/rates.csv": "rate\n1\n",
        "models/mid.sql": "select * from {{ ref('rates') }}\n",
        "models/leaf.sql": "select * from {{ ref('mid') }}\n",
    })
    assert run_dbt(["build", "--select", "leaf"], db, project_dir=project).returncode == 0
    copy = tmp_path / "copy" / "scenario_b.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    again = run_dbt(["build", "--select", "leaf"], copy, project_dir=project)
    assert again.returncode == 0, again.messages
    assert again.events("heal_skipped") and not again.events("heal_start"), "the copy was rebuilt"

    (project / "seeds" / "rates.csv").write_text("rate\n2\n", encoding="utf-8")
    status = run_dbt(["run-operation", "dbt_self_heal.self_heal_status", "--args", "{select: [leaf]}"], copy,
                     project_dir=project)  # fmt: skip
    assert status.returncode == 0, status.messages
    [event] = status.events("status")
    assert [item["relation"] for item in event["stale"]] == ["rates", "mid"]
    assert query(copy, "select rate from rates") == [(1,)], "status built something"


def test_a_model_named_like_the_state_table_is_refused_with_the_var_to_change(tmp_path: Path, db: Path) -> None:
    project = make_project(tmp_path / "p", {
        "models/self_heal_state.sql": "select 1 as id\n",
        "models/leaf.sql": "select * from {{ ref('self_heal_state') }}\n",
    })
    run = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert run.returncode != 0
    error = run.events("heal_failed")[0]["error"]
    assert "model self_heal_state builds main.self_heal_state" in error and "self_heal_state_table" in error, error
    moved = run_dbt(["build", "--select", "leaf"], db, project_dir=project,
                    variables={"self_heal_state_table": "selfheal_runs"})  # fmt: skip
    assert moved.returncode == 0, moved.messages
    assert query(db, "select id from self_heal_state") == [(1,)]
    assert query(db, "select state from selfheal_runs") == [("completed",)]


def test_names_the_package_uses_never_touch_a_projects_relations(tmp_path: Path, db: Path) -> None:
    """The seed loader's scratch tables live in DuckDB's temp catalog: a project's own `self_heal_rejects` keeps
    its rows when a seed is reloaded. A model named like the record table in another case is refused with the
    var to change, and with healing off the package never writes to it."""
    project = make_project(tmp_path / "p", {
        "seeds/s.csv": "id\n1\n",
        "models/self_heal_rejects.sql": "{{ config(materialized='incremental') }}\n"
                                        "select {{ var('batch', 1) }} as batch\n",
        "models/leaf.sql": "select * from {{ ref('s') }}, {{ ref('self_heal_rejects') }}\n",
    })
    assert run_dbt(["build"], db, project_dir=project, variables={"batch": 1}).returncode == 0
    assert run_dbt(["run", "--select", "self_heal_rejects"], db, project_dir=project,
                   variables={"batch": 2}).returncode == 0  # fmt: skip
    (project / "seeds" / "s.csv").write_text("id\n5\n", encoding="utf-8")
    reloaded = run_dbt(["build", "--select", "leaf"], db, project_dir=project, variables={"batch": 2})
    assert reloaded.returncode == 0, reloaded.messages
    assert "s" in [item["relation"] for item in reloaded.events("heal_start")[0]["stale"]]
    assert query(db, "select batch from self_heal_rejects order by 1") == [(1,), (2,)]

    taken = make_project(tmp_path / "q", {
        "models/Self_Heal_Fingerprints.sql": "select 'mine' as owner\n",
        "models/leaf.sql": "select * from {{ ref('Self_Heal_Fingerprints') }}\n",
    })
    other = tmp_path / "q.duckdb"
    refused = run_dbt(["build", "--select", "leaf"], other, project_dir=taken)
    assert refused.returncode != 0
    assert "self_heal_record_table" in refused.events("heal_failed")[0]["error"]
    off = run_dbt(["build"], other, project_dir=taken, variables={"self_heal_enabled": False})
    assert off.returncode == 0, off.messages
    again = run_dbt(["build"], other, project_dir=taken, variables={"self_heal_enabled": False})
    assert again.returncode == 0, again.messages
    assert query(other, "select owner from Self_Heal_Fingerprints") == [("mine",)]


def test_a_model_whose_macro_calls_config_is_refused_by_name_before_anything_is_built(
    tmp_path: Path, db: Path
) -> None:
    """The heal cannot hand a project macro a callable `config` for the node it builds: the run is refused before
    building, naming the model, the macro and the command; once dbt has built the model, runs use it. The project
    sets skip_nodes_if_on_run_start_fails, so no warning says the selected nodes will run anyway."""
    project = make_project(tmp_path / "p", {
        "macros/std.sql": "{% macro std_config() %}{{ config(materialized='table', tags=['std']) }}{% endmacro %}\n",
        "models/cfgm.sql": "{{ std_config() }}\nselect 1 as one\n",
        "models/other.sql": "select 2 as two\n",
        "models/leaf.sql": "select * from {{ ref('cfgm') }} cross join {{ ref('other') }}\n",
    })
    first = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert first.returncode == 1, first.messages
    [failed] = first.events("heal_failed")
    for words in ("does not build model.odd.cfgm", "calls the macro std_config, which calls config(...)",
                  "dbt build --select cfgm"):
        assert words in failed["error"], failed["error"]
    assert not first.events("nodes_not_skipped"), "the project's flag skips the selected nodes"
    assert query(db, "select count(*) from information_schema.tables where table_name in ('other', 'leaf')") == [
        (0,)]
    assert run_dbt(["build", "--select", "cfgm"], db, project_dir=project).returncode == 0
    second = run_dbt(["build", "--select", "leaf"], db, project_dir=project)
    assert second.returncode == 0, second.messages
    assert second.events("heal_complete")[0]["relations"] == ["other"]
    assert query(db, "select one, two from leaf") == [(1, 2)]


def test_unit_test_inputs_given_as_sql_are_not_needed(tmp_path: Path, db: Path) -> None:
    """dbt reads a unit test's `format: sql` input from the test, never from its relation: a run of unit tests whose
    inputs are all given as SQL needs nothing built, even when the source behind them does not exist."""
    project = make_project(tmp_path / "p", {
        "models/sources.yml": """\
            version: 2
            sources:
              - name: raw
                schema: main
                tables: [{name: orders}]
            unit_tests:
              - name: doubles_amounts
                model: fct
                given:
                  - input: ref('stg_orders')
                    format: sql
                    rows: select 1 as id, 5 as amount
                expect:
                  rows: [{id: 1, dbl: 10}]
              - name: reads_orders
                model: stg_orders
                given:
                  - input: source("raw", "orders")
                    format: sql
                    rows: select 1 as id, 5 as amount
                expect:
                  rows: [{id: 1, amount: 5}]
            """,
        "models/stg_orders.sql": "select id, amount from {{ source('raw', 'orders') }}\n",
        "models/fct.sql": "select id, amount * 2 as dbl from {{ ref('stg_orders') }}\n",
    })
    run = run_dbt(["test", "--select", "test_type:unit"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert not run.events("heal_start") and not run.events("heal_failed"), run.messages
