"""A healed relation is identical - columns, types, nullability, rows - to what `dbt build` creates for that node."""

from __future__ import annotations

from pathlib import Path

from tests.harness import REPO, fingerprint, run_dbt

GENERIC = REPO / "tests" / "fixtures" / "generic_project"


def assert_same_relations(healed_db: Path, built_db: Path) -> None:
    healed, built = fingerprint(healed_db), fingerprint(built_db)
    assert healed, "nothing was healed"
    missing = set(healed) - set(built)
    assert not missing, f"healed relations that dbt build does not create: {missing}"
    for name, print_healed in healed.items():
        assert print_healed == built[name], f"{name} differs from dbt build's"


def test_reference_workspace_heals_exactly_what_dbt_build_creates(tmp_path: Path) -> None:
    healed_db, built_db = tmp_path / "healed" / "sim.duckdb", tmp_path / "built" / "sim.duckdb"
    healed_db.parent.mkdir()
    built_db.parent.mkdir()
    healed = run_dbt(["run", "--select", "fct_workforce_snapshot"], healed_db)
    assert healed.returncode == 0, healed.messages
    assert len(healed.events("heal_complete")[0]["relations"]) >= 15
    built = run_dbt(["build"], built_db, variables={"self_heal_enabled": False})
    assert built.returncode == 0, built.messages
    assert_same_relations(healed_db, built_db)


def test_untyped_seeds_views_ephemerals_and_contracts_heal_like_dbt_build(tmp_path: Path) -> None:
    """A project that only uses this one as a `local:` package: nothing in the macros names its tables."""
    healed_db, built_db = tmp_path / "healed" / "g.duckdb", tmp_path / "built" / "g.duckdb"
    healed_db.parent.mkdir()
    built_db.parent.mkdir()
    deps = run_dbt(["deps"], healed_db, project_dir=GENERIC)
    assert deps.returncode == 0, deps.messages
    healed = run_dbt(["run", "--select", "mart_summary"], healed_db, project_dir=GENERIC)
    assert healed.returncode == 0, healed.messages
    assert sorted(healed.events("heal_complete")[0]["relations"]) == [
        "core_contracted", "core_people", "core_people_view", "typed_rates", "untyped_mix",
    ]
    built = run_dbt(["build"], built_db, project_dir=GENERIC, variables={"self_heal_enabled": False})
    assert built.returncode == 0, built.messages
    assert_same_relations(healed_db, built_db)
    untyped = fingerprint(healed_db)["main.untyped_mix"]["columns"]
    assert [c[1] for c in untyped] == [
        "INTEGER", "VARCHAR", "INTEGER", "DOUBLE", "DATE", "TIMESTAMP", "BOOLEAN", "INTEGER", "INTEGER",
    ]
