"""Foreign keys across the heal's plan on PostgreSQL. dbt-postgres replaces a table by renaming the old one away and
dropping it with CASCADE, which silently drops every foreign key that references it: a table outside the plan that
references a table the heal replaces is rebuilt with it (so it keeps its constraint), or the run is refused before
anything is built, naming both."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_existing_workspaces import FK_FILES
from tests.core.test_odd_projects import make_project
from tests.postgres.conftest import PgDatabase


def child_foreign_keys(pg: PgDatabase) -> list[tuple[object, ...]]:
    return pg.query("select conname::text from pg_constraint where contype = 'f' "
                    "and conrelid = 'main.child'::regclass")  # fmt: skip


def test_a_table_referencing_a_replaced_table_is_rebuilt_with_it_and_keeps_its_foreign_key(
    tmp_path: Path, pg: PgDatabase
) -> None:
    child = "select id, 10 as w from {{ ref('parent') }}\n"
    project = make_project(tmp_path / "p", {**FK_FILES, "models/child.sql": child})
    first = pg.dbt(["run"], project)
    assert first.returncode == 0, first.messages
    assert len(child_foreign_keys(pg)) == 1
    run = pg.dbt(["run", "--select", "leaf", "--vars", "{v: 2}"], project, run_name="stale")
    assert run.returncode == 0, run.messages
    stale = {i["relation"]: i["reason"] for e in run.events("heal_start") for i in e["stale"]}
    assert set(stale) == {"parent", "child"}, stale
    assert "references parent through a foreign key" in stale["child"] and "CASCADE" in stale["child"], stale
    assert pg.query("select v from main.parent") == [(2,)]
    assert pg.query("select id, w from main.child") == [(1, 10)]
    assert len(child_foreign_keys(pg)) == 1, "the rebuilt child keeps its foreign key"


def test_a_referencing_table_the_heal_cannot_rebuild_refuses_the_run_before_anything_is_built(
    tmp_path: Path, pg: PgDatabase
) -> None:
    child = "{{ config(unique_key='id') }} select id, 10 as w from {{ ref('parent') }}\n"
    project = make_project(tmp_path / "p", {**FK_FILES, "models/child.sql": child})
    first = pg.dbt(["run", "--vars", "{child_kind: incremental}"], project)
    assert first.returncode == 0, first.messages
    run = pg.dbt(["run", "--select", "leaf", "--vars", "{v: 2, child_kind: incremental}"], project, run_name="stale")
    assert run.returncode == 1, run.messages
    [failed] = run.events("heal_failed")
    assert failed["step"] == "check_tables"
    for words in ("parent must be rebuilt", "table child references it", "incremental", "CASCADE",
                  "dbt build --select parent child"):
        assert words in failed["error"], failed["error"]
    assert pg.query("select v from main.parent") == [(1,)], "nothing may be built"
    assert len(child_foreign_keys(pg)) == 1
