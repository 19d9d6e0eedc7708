"""On PostgreSQL the heal builds exactly what a full plain `dbt build` builds - relation kinds, columns and types,
rows - for the generic consumer fixture and a jaffle_shop-shaped project, and reruns build nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import large_fixture
from tests.harness import REPO, install_packages
from tests.postgres.conftest import PgDatabase, copy_fixture

OFF = {"self_heal_enabled": False}


def assert_healed_like_plain_build(healed: dict[str, Any], built: dict[str, Any]) -> None:
    assert healed, "nothing was healed"
    extra = set(healed) - set(built)
    assert not extra, f"relations the heal made that dbt build does not: {extra}"
    for name, relation in healed.items():
        assert relation == built[name], f"{name} differs from dbt build's"


def test_generic_project_heals_like_a_plain_build(tmp_path: Path, new_database: Any) -> None:
    project = copy_fixture("generic_project", tmp_path)
    healed_db, built_db = new_database("healed"), new_database("built")
    healed = healed_db.dbt(["run", "--select", "mart_summary"], project)
    assert healed.returncode == 0, healed.messages
    [complete] = healed.events("heal_complete")
    assert sorted(complete["relations"]) == [
        "core_contracted", "core_people", "core_people_view", "typed_rates", "untyped_mix",
    ]  # fmt: skip
    built = built_db.dbt(["build"], project, variables=OFF)
    assert built.returncode == 0, built.messages
    assert_healed_like_plain_build(healed_db.catalog(), built_db.catalog())
    untyped = healed_db.catalog()["main.untyped_mix"]["columns"]
    # dbt's agate typing as dbt-postgres loads it: '' is null, '007' an integer, a column with no value integer.
    assert [c[1] for c in untyped] == [
        "integer", "text", "integer", "double precision", "date", "timestamp without time zone", "boolean", "integer",
        "integer",
    ]  # fmt: skip
    assert healed_db.query("select name, score from main.untyped_mix where id = 3") == [("carol, jr", None)]
    [state] = healed_db.state_rows()
    assert state["state"] == "completed"


def test_jaffle_shop_heals_exactly_the_missing_ancestors_and_reruns_build_nothing(
    tmp_path: Path, new_database: Any
) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    healed_db, built_db = new_database("healed"), new_database("built")
    first = healed_db.dbt(["build", "--select", "customers"], project)
    assert first.returncode == 0, first.messages
    [complete] = first.events("heal_complete")
    # orders too: the relationships test of customers that the build selects reads it.
    assert sorted(complete["relations"]) == [
        "orders", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders", "stg_payments",
    ]  # fmt: skip
    built = built_db.dbt(["build"], project, variables=OFF)
    assert built.returncode == 0, built.messages
    assert_healed_like_plain_build(healed_db.catalog(), built_db.catalog())
    assert set(healed_db.catalog()) == set(built_db.catalog())

    again = healed_db.dbt(["build", "--select", "stg_orders+"], project)
    assert again.returncode == 0, again.messages
    assert not again.events("heal_start"), "every ancestor exists and is recorded"
    [healthy] = again.events("heal_skipped")
    assert healthy["reason"] == "healthy"
    assert healed_db.catalog() == built_db.catalog()


def test_a_partial_heal_builds_only_what_is_missing(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    first = pg.dbt(["build", "--select", "stg_orders"], project)
    assert first.returncode == 0, first.messages
    assert first.events("heal_complete")[0]["relations"] == ["raw_orders"]
    before = pg.catalog()
    second = pg.dbt(["run", "--select", "customers"], project)
    assert second.returncode == 0, second.messages
    assert sorted(second.events("heal_complete")[0]["relations"]) == [
        "raw_customers", "raw_payments", "stg_customers", "stg_payments",
    ]  # fmt: skip
    after = pg.catalog()
    for name in ("main.raw_orders", "main.stg_orders"):
        assert after[name] == before[name]


def test_the_large_generated_project_heals_like_plain_dbt_and_cascaded_drops_are_rebuilt(
    tmp_path: Path, new_database: Any
) -> None:
    """The bench's 226-node project (ephemeral chains, a source named only in a `-- depends on:` comment, macros
    that walk `graph` or query the database while compiling, pre/post hooks, incremental marts) on PostgreSQL: the
    heal of mart_00's 34 ancestors leaves what plain dbt building the same nodes leaves; a seed dropped with CASCADE
    (which drops the views over it) is rebuilt with exactly the needed view it took along."""
    project, selected = large_fixture.generate(tmp_path / "large", REPO / "dbt_self_heal", postgres=True)
    install_packages(project)
    healed_db, built_db = new_database("healed"), new_database("built")
    healed = healed_db.dbt(["build", "--select", selected], project)
    assert healed.returncode == 0, healed.messages
    [complete] = healed.events("heal_complete")
    assert len(complete["relations"]) == 34 and "seed_1" in complete["relations"], complete["relations"]
    built = built_db.dbt(["build", "--selector", large_fixture.SAME_NODES_SELECTOR], project, variables=OFF)
    assert built.returncode == 0, built.messages
    assert set(healed_db.catalog()) == set(built_db.catalog())
    assert_healed_like_plain_build(healed_db.catalog(), built_db.catalog())

    healed_db.query("drop table main.seed_1 cascade")
    assert "main.stg_01" not in healed_db.catalog()
    again = healed_db.dbt(["build", "--select", selected], project, run_name="again")
    assert again.returncode == 0, again.messages
    [repaired] = again.events("heal_complete")
    assert sorted(repaired["relations"]) == ["seed_1", "stg_01"]
    assert healed_db.catalog() == built_db.catalog()
