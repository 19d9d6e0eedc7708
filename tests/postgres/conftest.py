"""Fixtures for the PostgreSQL tests: one private server per test session (per xdist worker), a fresh database per
test, and copies of the fixture projects pointed at it. A server that cannot start fails the tests (no skip)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import REPO, DbtRun, run_dbt
from tests.postgres_server import PostgresServer, catalog, query, start_server, state_rows

FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = start_server()  # PostgresUnavailable fails every test that needs it
    try:
        yield server
    finally:
        server.stop()


@dataclass
class PgDatabase:
    """One database on the test server, with a dbt profile for it and helpers to run dbt and read it back."""

    server: PostgresServer
    name: str
    work: Path

    @property
    def profiles(self) -> Path:
        return self.work / "profiles"

    def dbt(self, args: list[str], project: Path, *, variables: dict[str, Any] | None = None,
            run_name: str = "run", timeout: float = 300) -> DbtRun:  # fmt: skip
        """`dbt <args>` on `project` against this database (its own target/log dirs per project)."""
        work = self.work / f"{project.name}-{run_name}"
        work.mkdir(parents=True, exist_ok=True)
        return run_dbt(args, work / "unused.duckdb", project_dir=project, work_dir=work, variables=variables,
                       timeout=timeout, profiles_dir=self.profiles)  # fmt: skip

    def catalog(self) -> dict[str, Any]:
        return catalog(self.server, self.name)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return query(self.server, self.name, sql, params or [])

    def state_rows(self) -> list[dict[str, Any]]:
        return state_rows(self.server, self.name)


def _database_name(node_name: str, worker: str) -> str:
    return ("t_" + worker + "_" + re.sub(r"[^a-z0-9]+", "_", node_name.lower()))[:60]


@pytest.fixture
def new_database(pg_server: PostgresServer, tmp_path: Path, worker_id: str) -> Any:
    """A factory of fresh databases (CREATE DATABASE is cheap), each with its own profiles dir."""
    made: list[str] = []

    def make(suffix: str = "") -> PgDatabase:
        name = _database_name(f"{len(made)}_{suffix}_{tmp_path.name}", worker_id)
        pg_server.create_database(name)
        made.append(name)
        db = PgDatabase(pg_server, name, tmp_path / name)
        pg_server.profiles_dir(db.profiles, name)
        return db

    return make


@pytest.fixture
def pg(new_database: Any) -> PgDatabase:
    return new_database("db")  # type: ignore[no-any-return]


def copy_fixture(name: str, dest: Path) -> Path:
    """A private copy of a fixture project, its local package path made absolute. DuckDB's type name `double`
    is spelled `double precision` (the only DuckDB-only SQL in the generic fixture)."""
    project = dest / name
    shutil.copytree(FIXTURES / name, project,
                    ignore=shutil.ignore_patterns("dbt_packages", "target", "logs", "package-lock.yml"))  # fmt: skip
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n")
    for path in project.rglob("*"):
        if path.suffix in {".sql", ".yml"} and path.name != "packages.yml":
            text = path.read_text()
            twin = re.sub(r"::double\b", "::double precision", text)
            twin = re.sub(r"data_type: double$", "data_type: double precision", twin, flags=re.MULTILINE)
            if twin != text:
                path.write_text(twin)
    return project
