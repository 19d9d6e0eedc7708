"""Sources a heal needs: a missing source that a node only declares (`-- depends on: {{ source(...) }}`, dbt's
documented way to force a dependency) never stops a run that plain dbt completes; one a node really reads stops
the heal before anything is built, or, when only the compiled SQL shows it, when that node is built, naming the
source, its readers and its loader either way."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_odd_projects import assert_healed_like_built, heal_and_build, make_project
from tests.harness import catalog, run_dbt

FILES = {
    "models/sources.yml": """\
        version: 2
        sources:
          - name: raw
            schema: main
            loader: ingest_job
            tables: [{name: audit}]
        """,
    "models/base.sql": "select 1 as id\n",
    "models/eph.sql": "{{ config(materialized='ephemeral') }}\n"
                      "-- depends on: {{ source('raw', 'audit') }}\n"
                      "select id from {{ ref('base') }}\n",
    "models/fct.sql": "select id, id * 2 as twice from {{ ref('eph') }}\n",
    "models/report.sql": "select * from {{ ref('fct') }}\n",
    "models/reads.sql": "select * from {{ source('raw', 'audit') }}\n",
    "models/reads_leaf.sql": "select * from {{ ref('reads') }}\n",
    "macros/audit_table.sql": "{% macro audit_table() %}{{ return(source('raw', 'audit')) }}{% endmacro %}\n",
    "models/via_macro.sql": "select * from {{ audit_table() }}\n",
    "models/via_macro_leaf.sql": "select * from {{ ref('via_macro') }}\n",
}


def project_at(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", FILES)


def failure(run: object) -> str:
    return run.messages  # type: ignore[attr-defined, no-any-return]


def test_a_source_named_only_in_a_comment_of_an_ephemeral_never_stops_the_heal(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    for name in ("reads", "reads_leaf", "via_macro", "via_macro_leaf"):
        (project / "models" / f"{name}.sql").unlink()  # plain dbt's full build cannot build readers of a missing table
    healed, built = heal_and_build(project, tmp_path, "report")
    assert_healed_like_built(healed, built)
    assert {"main.base", "main.fct", "main.report"} <= set(catalog(healed))


def test_a_model_that_reads_a_missing_source_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    db = tmp_path / "db" / "w.duckdb"
    db.parent.mkdir()
    run = run_dbt(["build", "--select", "reads_leaf"], db, project_dir=project_at(tmp_path))
    assert run.returncode == 1, run.messages
    assert [e["step"] for e in run.events("heal_failed")] == ["check_tables"]
    error = run.events("heal_failed")[0]["error"]
    for word in ("raw.audit", "reads needs it", "ingest_job"):
        assert word in error, error
    assert not catalog(db), "nothing may be built when a read source is missing"


def test_a_source_read_through_a_macro_fails_naming_source_node_and_loader(tmp_path: Path) -> None:
    """The code names no source (a macro returns it): only the compiled SQL shows the read, so the heal stops when
    it compiles that node, before building it, and keeps nothing it built in this run."""
    db = tmp_path / "db" / "w.duckdb"
    db.parent.mkdir()
    run = run_dbt(["build", "--select", "via_macro_leaf"], db, project_dir=project_at(tmp_path))
    assert run.returncode != 0, run.messages
    for word in ("raw.audit", "via_macro needs it", "ingest_job"):
        assert word in failure(run), failure(run)
    assert not catalog(db), "what the heal built before the failure must not be kept"
