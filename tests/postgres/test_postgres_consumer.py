"""The PlanAlign-shaped consumer (tests/fixtures/planalign_consumer) on PostgreSQL: its Postgres twin - the same
project with DuckDB's SQL spelled the Postgres way - heals exactly what a full plain `dbt build` makes.

The twin changes only dialect: `double` -> `double precision`, `varchar` contract types -> `text` (what Postgres
reports for a string expression), DuckDB's `date_diff('year', d, date '2025-01-01')` -> the same count of year
boundaries, `round(double, 2)` -> `round(numeric, 2)`. Everything else (nested ephemerals ending in comments, an
orchestrator source, hooks and after-commit post-hooks, introspecting macros, versions, contracts with a foreign key
and a check, persist_docs, incrementals, a custom schema, aliases, tricky untyped seeds) runs as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.postgres.conftest import PgDatabase, copy_fixture

REFUSED = "tag:refused_contract"
OFF = {"self_heal_enabled": False}
SOURCE = (
    "create schema main; create schema orchestrator; "  # a DuckDB file always has main
    "create table orchestrator.projection_inputs as select 'E' || lpad(i::text, 3, '0') as employee_id, "
    "(array['Sales', 'Finance', 'Legal', 'Engineering'])[1 + i % 4] as department, 1 + i % 3 as job_level, "
    "date '1960-03-01' + (i * 397) % 15000 as birth_date, date '2000-06-15' + (i * 211) % 8000 as hire_date, "
    "case when i % 10 = 0 then 0 else 45000 + i * 1500.5 end as annual_compensation, "
    "1 + i % 3 as customer_id from generate_series(1, 30) as t(i)"
)


def postgres_twin(dest: Path) -> Path:
    project = copy_fixture("planalign_consumer", dest)
    for path in project.rglob("*"):
        if path.suffix not in {".sql", ".yml"}:
            continue
        text = path.read_text()
        twin = re.sub(r"\bas double\)", "as double precision)", text)
        twin = re.sub(r"data_type: varchar$", "data_type: text", twin, flags=re.MULTILINE)
        twin = re.sub(r"date_diff\('year', ([a-z_.]+), date '2025-01-01'\)",
                      r"(2025 - cast(extract(year from \1) as integer))", twin)  # fmt: skip
        twin = twin.replace("round(w.annual_compensation * (1 + 0.03 + 0.01 * w.job_level), 2)",
                            "round(cast(w.annual_compensation * (1 + 0.03 + 0.01 * w.job_level) as numeric), 2)")
        if twin != text:
            path.write_text(twin)
    return project


@pytest.fixture(autouse=True)
def _fixture_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANALIGN_FIXTURE_ENV", "consumer-fixture")


def with_source(db: PgDatabase) -> PgDatabase:
    db.query(SOURCE)
    return db


def relations_of_the_project(catalog: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in catalog.items() if k not in {"main.audit_log", "orchestrator.projection_inputs"}}


def test_the_planalign_shaped_consumer_heals_like_a_full_plain_build(tmp_path: Path, new_database: Any) -> None:
    project = postgres_twin(tmp_path)
    healed_db, built_db = with_source(new_database("healed")), with_source(new_database("built"))
    healed = healed_db.dbt(["build", "--select", "fct_workforce_snapshot"], project)
    assert healed.returncode == 0, healed.messages[-3000:]
    [complete] = healed.events("heal_complete")
    assert len(complete["relations"]) == 18
    built = built_db.dbt(["build", "--exclude", REFUSED], project, variables=OFF)
    assert built.returncode == 0, built.messages[-3000:]
    got = relations_of_the_project(healed_db.catalog())
    want = relations_of_the_project(built_db.catalog())
    assert got
    assert not set(got) - set(want)
    diffs = [name for name in got if got[name] != want[name]]
    assert not diffs, {name: (got[name], want[name]) for name in diffs}
    # The foundation post-hooks ran in the heal, as in dbt's build.
    audited = {row[0] for row in healed_db.query("select model from main.audit_log")}
    assert {"int_baseline_workforce", "dim_job_levels"} <= audited

    again = healed_db.dbt(["build", "--select", "fct_workforce_snapshot"], project)
    assert again.returncode == 0, again.messages[-3000:]
    assert not again.events("heal_start"), "an unchanged rerun rebuilds nothing"
