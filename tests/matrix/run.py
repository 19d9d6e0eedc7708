"""The dbt version matrix: the reference workspace and tests/fixtures/planalign_consumer healed by every other supported
dbt-core minor (one venv each, `make matrix-venvs`), with a table version x check at the end; exit 1 if a cell fails.

Usage: `.venv/bin/python -m tests.matrix.run [--versions 1.8 1.12] [--projects reference consumer] [--workers 2]`.
Each (version, project) is one chain of dbt runs on one private project copy and one target directory (dbt's partial
parse is reused between its runs); chains run in parallel. Checks, per chain:
- parse: `dbt deps` and `dbt parse` succeed with no warning (1.12 validates the package's macro YAML);
- parity: an empty database healed by `dbt build --select <leaf>` holds every relation it heals exactly as a full
  plain build (healing off) of the same version makes it: kind, columns, types, constraints, comments, rows;
- warm: the same command again, twice, builds nothing (`heal_skipped`, reason healthy): the first walks the graph
  and records its plan, the second reads it (`plan`: computed, then recorded);
- partial: two dropped relations are healed, exactly those, and a table the test made survives;
- switch: a workspace healed with dbt 1.11 (.venv), run with this version, rebuilds nothing;
- failed: a heal that fails before building (a missing input or source) exits 1; on 1.9+ dbt skips the selection
  and the database holds nothing but the self-heal state; on 1.8 (which runs the selection anyway) on-run-end does
  not crash and records no fingerprint of what dbt built then;
- retry: once the input is back, `dbt retry` heals the parents of what it retries and succeeds;
- stale_seed: an edited seed file is reloaded with its reason (`seeds/... changed since ...`);
- empty: `dbt build --empty --select <leaf>` on an empty database holds every relation it heals as a plain
  `dbt build --empty` of the same version makes it (seeds loaded whole before 1.12, with no rows from 1.12 on).

A PostgreSQL row per version (one private PostgreSQL 15 server for the matrix, tests/postgres_server.py; each venv's
dbt-postgres, see requirements/*.lock): tests/fixtures/jaffle_shop healed by `dbt build --select customers` (parity,
warm, partial with a seed dropped by CASCADE, stale_seed; see postgres_row).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tests.harness import REPO, DbtRun, catalog, copy_project, run_dbt
from tests.postgres.conftest import copy_fixture
from tests.postgres_server import PostgresServer, start_server
from tests.postgres_server import catalog as pg_catalog
from tests.postgres_server import query as pg_query

BASELINE = "1.11"
VERSIONS = ("1.8", "1.9", "1.10", "1.12")
CHECKS = ("parse", "parity", "warm", "partial", "switch", "failed", "retry", "stale_seed", "empty")
CONSUMER = REPO / "tests" / "fixtures" / "planalign_consumer"


def dbt_of(version: str) -> Path:
    return REPO / (".venv" if version == BASELINE else f".venv-dbt{version}") / "bin" / "dbt"


def minor(version: str) -> int:
    major, sub = version.split(".")[:2]
    return int(major) * 1000 + int(sub)


class CheckFailed(AssertionError):
    pass


def catalog_diffs(got: dict[str, Any], built: dict[str, Any]) -> list[str]:
    """`relation.key` for every catalog entry (kind, columns, rows, ...) of a relation in both that differs."""
    return [f"{rel}.{key}" for rel in sorted(set(got) & set(built)) for key in built[rel]
            if got[rel].get(key) != built[rel][key]]  # fmt: skip


def expect(condition: object, message: str, run: DbtRun | None = None) -> None:
    if not condition:
        detail = ""
        if run is not None:
            lines = [line for line in run.messages.splitlines() if not line.startswith("self_heal {")]
            detail = "\n    " + "\n    ".join(lines[-12:])
        raise CheckFailed(message + detail)


@dataclass
class Project:
    """What differs between the two projects the matrix heals."""

    name: str
    leaf: str
    partial_drop: tuple[str, ...]
    seed_file: str  # relative to the project
    seed_relation: str
    exclude: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    db_name: str = "simulation.duckdb"

    def copy(self, dest: Path, version: str) -> Path:
        if self.name == "reference":
            copy_project(dest, install=False)
        else:
            shutil.copytree(CONSUMER, dest, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs",
                                                                          "package-lock.yml"))  # fmt: skip
            (dest / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n", encoding="utf-8")
            if minor(version) < 1009:
                # dbt 1.8 compiles no foreign-key `to: ref(...)` (plain `dbt build` fails on it): the 1.8 form.
                yml = dest / "models" / "foundation" / "_foundation.yml"
                text = yml.read_text(encoding="utf-8")
                text = text.replace("to: ref('dim_job_levels')\n        to_columns: [job_level]",
                                    "expression: \"dim_job_levels (job_level)\"")  # fmt: skip
                yml.write_text(text, encoding="utf-8")
        return dest

    def fresh_db(self, directory: Path, *, source: bool = True) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        db = directory / self.db_name
        if self.name == "consumer" and source:
            self.write_source(db)
        return db

    @staticmethod
    def write_source(db: Path) -> None:
        """The orchestrator's table the consumer's staging reads (as tests/core/test_consumer_project.py writes it)."""
        with duckdb.connect(str(db)) as con:
            con.execute("create schema if not exists orchestrator")
            con.execute(
                "create table orchestrator.projection_inputs as select 'E' || lpad(i::varchar, 3, '0') as employee_id, "
                "['Sales', 'Finance', 'Legal', 'Engineering'][1 + i % 4] as department, 1 + i % 3 as job_level, "
                "date '1960-03-01' + to_days((i * 397) % 15000) as birth_date, "
                "date '2000-06-15' + to_days((i * 211) % 8000) as hire_date, "
                "case when i % 10 = 0 then 0 else 45000 + i * 1500.5 end as annual_compensation, "
                "1 + i % 3 as customer_id from range(1, 31) as t(i)"
            )


PROJECTS = {
    "reference": Project(
        name="reference", leaf="fct_workforce_snapshot", partial_drop=("config_cola", "int_employee_benefits"),
        seed_file="seeds/config_merit_rates.csv", seed_relation="config_merit_rates",
    ),
    "consumer": Project(
        name="consumer", leaf="fct_workforce_snapshot", partial_drop=("config_age_bands", "int_ledger_presence"),
        seed_file="seeds/config/config_tenure_bands.csv", seed_relation="config_tenure_bands",
        exclude=("tag:refused_contract",), env={"PLANALIGN_FIXTURE_ENV": "consumer-fixture"},
        db_name="consumer.duckdb",
    ),
}  # fmt: skip
UNIT_TEST_18 = "dim_customers_v2_trims_and_keys_names"  # dbt 1.8 and 1.10 here fail it (a column named " name")


@dataclass
class Chain:
    """One version x project: its project copy, target directory and the result of each check."""

    version: str
    project: Project
    work: Path
    template: Path | None  # a database healed by dbt 1.11, for the switch check
    results: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    active: str | None = None

    def db(self, label: str, *, fresh: bool = False, source: bool = True) -> Path:
        """The chain's database file `label`, moved to the one path every run of the chain uses: the profile reads
        the path from an env var, and a changed profile costs dbt its partial parse (a full parse per run)."""
        path = self.work / "ws" / self.project.db_name
        if self.active == label and not fresh:
            return path
        path.parent.mkdir(exist_ok=True)
        if self.active is not None and path.exists():
            path.rename(self.work / f"db-{self.active}.duckdb")
        stored = self.work / f"db-{label}.duckdb"
        if fresh:
            stored.unlink(missing_ok=True)
        if stored.exists():
            stored.rename(path)
        elif self.project.name == "consumer" and source:
            self.project.write_source(path)
        self.active = label
        return path

    def dbt(self, args: list[str], db: Path, *, variables: dict[str, Any] | None = None,
            version: str | None = None, flavour: str = "", write_json: bool = False) -> DbtRun:  # fmt: skip
        """dbt of this chain's version; runs with other --vars (a `flavour`) keep their own target directory, as
        changed vars also cost dbt its partial parse. `write_json` for the run whose results are read (the failed
        heal: the check reads run_results.json, and `dbt retry` reruns from it)."""
        version = version or self.version
        work = self.work / f"run-{version}{flavour}"
        work.mkdir(exist_ok=True)
        return run_dbt(args, db, project_dir=self.work / "project", work_dir=work, variables=variables,
                       dbt=dbt_of(version), env=self.project.env, timeout=600, write_json=write_json)  # fmt: skip

    def select(self) -> list[str]:
        excluded = list(self.project.exclude)
        if self.project.name == "consumer" and minor(self.version) < 1011:
            excluded.append(UNIT_TEST_18)
        return ["build", "--select", self.project.leaf] + (["--exclude", *excluded] if excluded else [])

    def run(self) -> None:
        started = time.monotonic()
        self.project.copy(self.work / "project", self.version)
        state: dict[str, Any] = {}
        for check in CHECKS:
            if check == "switch" and self.version == BASELINE:
                self.results[check] = "-"
                continue
            try:
                getattr(self, f"check_{check}")(state)
                self.results[check] = "ok"
            except Exception as exc:  # one failing cell must not hide the others
                self.results[check] = "FAIL"
                detail = str(exc) if isinstance(exc, CheckFailed) else traceback.format_exc()
                print(f"[{self.version} {self.project.name}] {check} FAILED: {detail}", flush=True)
        self.seconds = time.monotonic() - started

    # --- checks -------------------------------------------------------------------------------------------------

    def check_parse(self, state: dict[str, Any]) -> None:
        run = self.dbt(["parse"], self.db("parse", source=False))
        expect(run.returncode == 0, "dbt parse failed", run)
        warnings = [str(line.get("info", {}).get("msg", "")) for line in run.lines
                    if line.get("info", {}).get("level") in ("warn", "error")]  # fmt: skip
        expect(not warnings, "dbt parse warned: " + " | ".join(warnings)[:2000])

    def check_parity(self, state: dict[str, Any]) -> None:
        plain = self.db("plain", fresh=True)
        excluded = list(self.project.exclude) + ([UNIT_TEST_18] if self.project.name == "consumer"
                                                 and minor(self.version) < 1011 else [])  # fmt: skip
        # Seeds and models only: the plain build's tests would cost minutes and make no relation.
        run = self.dbt(["build", "--select", "resource_type:seed", "resource_type:model",
                        *(["--exclude", *excluded] if excluded else [])], plain,
                       variables={"self_heal_enabled": False}, flavour="-plain")  # fmt: skip
        expect(run.returncode == 0, "the full plain build failed", run)
        healed = self.db("healed", fresh=True)
        run = self.dbt(self.select(), healed)
        expect(run.returncode == 0, "the heal of an empty database failed", run)
        [complete] = run.events("heal_complete") or [None]
        expect(complete is not None and complete["relations"], "no heal_complete event", run)
        built = catalog(self.db("plain"))
        got = catalog(self.db("healed"))
        extra = sorted(set(got) - set(built))
        expect(not extra, f"the heal made relations the plain build does not: {extra}")
        diffs = catalog_diffs(got, built)
        expect(not diffs, f"healed relations differ from the plain build: {diffs}")

    def check_warm(self, state: dict[str, Any]) -> None:
        plans = []
        for _ in range(2):
            run = self.dbt(self.select(), self.db("healed"))
            expect(run.returncode == 0, "the warm rerun failed", run)
            expect(not run.events("heal_start"), f"the warm rerun healed: {run.events('heal_start')}", run)
            healthy = [e for e in run.events("heal_skipped") if e.get("reason") == "healthy"]
            expect(healthy, "no healthy heal_skipped", run)
            plans.append(healthy[0].get("plan"))
        expect(plans == ["computed", "recorded"], f"warm reruns' plans: {plans}, not computed then recorded", run)

    def check_partial(self, state: dict[str, Any]) -> None:
        db = self.db("healed")
        with duckdb.connect(str(db)) as con:
            schemas = dict(con.execute("select table_name, table_schema from information_schema.tables").fetchall())
            for name in self.project.partial_drop:
                con.execute(f'drop table "{schemas[name]}"."{name}"')
            con.execute("create table main.matrix_sentinel as select 42 as x")
        run = self.dbt(self.select(), db)
        expect(run.returncode == 0, "the partial heal failed", run)
        [complete] = run.events("heal_complete") or [None]
        expect(complete is not None, "no heal_complete event", run)
        expect(sorted(complete["relations"]) == sorted(self.project.partial_drop),
               f"healed {complete['relations']} instead of {sorted(self.project.partial_drop)}", run)  # fmt: skip
        with duckdb.connect(str(db), read_only=True) as con:
            expect(con.execute("select x from main.matrix_sentinel").fetchall() == [(42,)], "the sentinel was lost")

    def check_switch(self, state: dict[str, Any]) -> None:
        assert self.template is not None
        db = self.db("switch", fresh=True, source=False)
        db.unlink(missing_ok=True)
        shutil.copy2(self.template, db)
        run = self.dbt(self.select(), db)
        expect(run.returncode == 0, f"the first run under dbt {self.version} failed", run)
        starts = run.events("heal_start")
        expect(not starts, "switching from dbt 1.11 rebuilt: "
               + "; ".join(f"{s['relation']}: {s['reason']}" for e in starts for s in e.get("stale", []))
               + f" missing {[e.get('missing') for e in starts]}")  # fmt: skip

    def check_failed(self, state: dict[str, Any]) -> None:
        db = self.db("failed", fresh=True, source=False)
        moved = None
        if self.project.name == "reference":
            census = self.work / "project" / "data" / "census.csv"
            moved = census.with_suffix(".away")
            census.rename(moved)
        state["moved"] = moved
        run = self.dbt(self.select(), db, write_json=True)
        expect(run.returncode == 1, f"exit {run.returncode}, not 1", run)
        expect(run.events("heal_failed"), "no heal_failed event", run)
        expect("on-run-end failed" not in run.messages and "Error in on-run-end" not in run.messages,
               "on-run-end failed", run)  # fmt: skip
        results = json.loads((self.work / f"run-{self.version}" / "target" / "run_results.json").read_text())
        ran = [r["unique_id"] for r in results["results"]
               if r["status"] not in ("skipped",) and r["unique_id"].split(".")[0] in ("model", "seed", "test")]
        left = self.leftovers(db)
        warned = bool(run.events("nodes_not_skipped"))
        if minor(self.version) >= 1009:
            expect(not warned, "warned that the selected nodes run, though the project's flag skips them", run)
            expect(not ran, f"dbt ran {ran[:5]} after the failed heal")
            expect(not left, f"the failed heal left {sorted(left)}")
        else:
            expect(warned, "no warning that dbt 1.8 runs the selected nodes after a failed heal", run)
            with duckdb.connect(str(db), read_only=True) as con:
                tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
                records = (con.execute("select count(*) from self_heal_fingerprints").fetchone() or (0,))[0] \
                    if "self_heal_fingerprints" in tables else 0
            expect(records == 0, f"dbt 1.8 ran the selection after a failed heal and {records} records were written")

    def check_retry(self, state: dict[str, Any]) -> None:
        db = self.db("failed")
        if state.get("moved"):
            state["moved"].rename(state["moved"].with_suffix(".csv"))
        else:
            self.project.write_source(db)
        run = self.dbt(["retry"], db)
        expect(run.returncode == 0, "dbt retry failed", run)
        if minor(self.version) >= 1009:
            [complete] = run.events("heal_complete") or [None]
            expect(complete is not None and complete["relations"], "dbt retry healed nothing", run)
        expect(self.project.leaf in {k.split(".")[-1] for k in catalog(db)}, "the retried leaf was not built")

    def check_stale_seed(self, state: dict[str, Any]) -> None:
        db = self.db("healed")
        seed = self.work / "project" / self.project.seed_file
        lines = seed.read_text(encoding="utf-8").splitlines()
        last = lines[1][-1]
        lines[1] = lines[1][:-1] + (str((int(last) + 1) % 10) if last.isdigit() else last + "x")  # a value changes
        seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        time.sleep(0.01)
        run = self.dbt(self.select(), db)
        expect(run.returncode == 0, "the stale-seed run failed", run)
        [start] = run.events("heal_start") or [None]
        expect(start is not None, "the edited seed was not healed", run)
        reasons = {s["relation"]: s["reason"] for s in start.get("stale", [])}
        expect(self.project.seed_relation in reasons, f"{self.project.seed_relation} not stale: {reasons}")
        expect(self.project.seed_file in reasons[self.project.seed_relation]
               and "changed" in reasons[self.project.seed_relation], f"reason: {reasons[self.project.seed_relation]}")

    def check_empty(self, state: dict[str, Any]) -> None:
        excluded = [*self.project.exclude, *([UNIT_TEST_18] if self.project.name == "consumer" else [])]
        plain = self.db("empty-plain", fresh=True)
        # Relations only: data tests of empty relations may fail by design (the workspace_initialized test).
        run = self.dbt(["build", "--empty", "--select", "resource_type:seed", "resource_type:model",
                        "--indirect-selection", "empty", *(["--exclude", *excluded] if excluded else [])], plain,
                       variables={"self_heal_enabled": False}, flavour="-plain")  # fmt: skip
        expect(run.returncode == 0, "the plain --empty build failed", run)
        healed = self.db("empty-healed", fresh=True)
        # dbt 1.8 applies --empty to unit test fixtures too (its unit tests then fail, healing or not).
        run = self.dbt([*self.select(), "--empty", "--indirect-selection", "empty"], healed)
        expect(run.returncode == 0, "the --empty heal of an empty database failed", run)
        [complete] = run.events("heal_complete") or [None]
        expect(complete is not None and complete["relations"], "no heal_complete event", run)
        built, got = catalog(self.db("empty-plain")), catalog(self.db("empty-healed"))
        diffs = catalog_diffs(got, built)
        expect(not diffs, f"relations healed under --empty differ from plain dbt --empty's: {diffs}")

    def leftovers(self, db: Path) -> set[str]:
        ignore = {"main.audit_log", "orchestrator.projection_inputs"}
        return {rel for rel in catalog(db) if rel not in ignore} if db.exists() else set()


UNSUPPORTED = REPO / "tests" / "fixtures" / "unsupported_adapter"


def unsupported_adapter(work: Path, version: str = "1.10") -> dict[str, str]:
    """A SQLite project (dbt-sqlite, in the 1.10 venv): built without the package, then with it and healing off
    (exit 0, the same tables and rows, one `not healing` line, nothing of the package's written), then with healing
    on (refused at once, naming the adapter and the var); `self_heal_status` there says it does not heal."""
    results: dict[str, str] = {}
    project = work / "project"
    shutil.copytree(UNSUPPORTED, project)
    dbt = dbt_of(version)

    def run(args: list[str], label: str) -> tuple[DbtRun, dict[str, list[Any]]]:
        directory = work / label
        directory.mkdir()
        result = run_dbt(args, directory / "unused.duckdb", project_dir=project, profiles_dir=project, dbt=dbt,
                         work_dir=directory, env={"SQLITE_DB_DIR": str(directory)})  # fmt: skip
        tables: dict[str, list[Any]] = {}
        if (directory / "unsupported.db").exists():
            with sqlite3.connect(directory / "unsupported.db") as con:
                names = [r[0] for r in con.execute("select name from sqlite_master where type in ('table', 'view')")]
                tables = {n: sorted(con.execute(f'select * from "{n}"').fetchall()) for n in names}
        return result, tables

    def cell(name: str, check: Callable[[], None]) -> None:
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = "FAIL"
            print(f"[{version} sqlite] {name} FAILED: {exc}", flush=True)

    plain, plain_tables = run(["build"], "plain")
    cell("without_package", lambda: expect(plain.returncode == 0 and plain_tables, "plain dbt-sqlite failed", plain))
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n", encoding="utf-8")
    off, off_tables = run(["build", "--vars", "{self_heal_enabled: false}"], "off")

    def check_off() -> None:
        expect(off.returncode == 0, f"exit {off.returncode} with healing off", off)
        expect(off_tables == plain_tables, f"tables differ from the run without the package: {sorted(off_tables)}")
        lines = [m for m in off.messages.splitlines() if "Self-heal: not healing" in m]
        expect(len(lines) == 1 and "sqlite" in lines[0], f"expected one 'not healing' line naming sqlite: {lines}", off)

    cell("off", check_off)
    on, on_tables = run(["build"], "on")

    def check_on() -> None:
        expect(on.returncode == 2, f"exit {on.returncode}, not 2 (refused before any node)", on)
        expect("sqlite" in on.messages and "self_heal_enabled: false" in on.messages, "no adapter name and fix", on)
        expect(not on_tables, f"the refused run built {sorted(on_tables)}")

    cell("on_refused", check_on)
    status, _ = run(["run-operation", "dbt_self_heal.self_heal_status"], "status")

    def check_status() -> None:
        expect(status.returncode != 0, "self_heal_status reported on an adapter the package does not serve", status)
        expect("self_heal_status: dbt_self_heal does not heal here: adapter sqlite is not supported (duckdb, postgres)"
               in status.messages,
               "no one-line refusal naming the adapter", status)

    cell("status_refused", check_status)
    return results


PG_CHECKS = ("parity", "warm", "partial", "stale_seed")
JAFFLE_HEALED = ["orders", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders", "stg_payments"]


def postgres_row(server: PostgresServer, work: Path, version: str) -> dict[str, str]:
    """jaffle_shop on PostgreSQL with this version's dbt and dbt-postgres. parity: `dbt build --select customers` on
    an empty database heals exactly its 7 missing ancestors (orders: a test of customers reads it), each relation as
    a plain `dbt build` (healing off) of the same version makes it (kind, columns, types, rows); warm: the same again
    builds nothing; partial: raw_orders dropped with CASCADE (which takes the view stg_orders along) is healed with
    exactly that view, as before; stale_seed: an edited seed is reloaded with its reason, with the view over it."""
    results: dict[str, str] = {}
    work.mkdir(parents=True)
    project = copy_fixture("jaffle_shop", work)
    names = {label: server.create_database(f"matrix_{version.replace('.', '_')}_{label}")
             for label in ("healed", "built")}

    def dbt(args: list[str], label: str, variables: dict[str, Any] | None = None) -> DbtRun:
        directory = work / label
        profiles = server.profiles_dir(directory / "profiles", names[label])
        return run_dbt(args, directory / "unused.duckdb", project_dir=project, work_dir=directory, dbt=dbt_of(version),
                       profiles_dir=profiles, variables=variables, timeout=600)  # fmt: skip

    def healed_names(run: DbtRun) -> list[str]:
        return sorted(name for event in run.events("heal_complete") for name in event["relations"])

    def same_as_built() -> None:
        got, built = pg_catalog(server, names["healed"]), pg_catalog(server, names["built"])
        expect(not set(got) - set(built), f"relations plain dbt does not make: {sorted(set(got) - set(built))}")
        diffs = catalog_diffs(got, built)
        expect(not diffs, f"healed relations differ from dbt build's: {diffs}")

    def check_parity() -> None:
        run = dbt(["build", "--select", "customers"], "healed")
        expect(run.returncode == 0, f"exit {run.returncode}", run)
        expect(healed_names(run) == JAFFLE_HEALED, f"healed {healed_names(run)}", run)
        plain = dbt(["build"], "built", {"self_heal_enabled": False})
        expect(plain.returncode == 0, f"plain dbt build: exit {plain.returncode}", plain)
        same_as_built()

    def check_warm() -> None:
        for _ in range(2):
            run = dbt(["build", "--select", "customers"], "healed")
            skipped = run.events("heal_skipped")
            expect(run.returncode == 0 and not run.events("heal_start") and skipped
                   and skipped[0]["reason"] == "healthy", "a healthy rerun did not skip the heal", run)  # fmt: skip

    def check_partial() -> None:
        pg_query(server, names["healed"], "drop table main.raw_orders cascade")
        run = dbt(["build", "--select", "customers"], "healed")
        expect(run.returncode == 0, f"exit {run.returncode}", run)
        expect(healed_names(run) == ["raw_orders", "stg_orders"], f"healed {healed_names(run)}", run)
        same_as_built()

    def check_stale_seed() -> None:
        seed = project / "seeds" / "raw_customers.csv"
        seed.write_text(seed.read_text(encoding="utf-8") + "101,Zed,Z.\n", encoding="utf-8")
        run = dbt(["build", "--select", "customers"], "healed")
        expect(run.returncode == 0, f"exit {run.returncode}", run)
        why = {i["relation"]: i["reason"] for e in run.events("heal_start") for i in e["stale"]}
        expect(set(why) == {"raw_customers", "stg_customers"}, f"stale: {why}", run)
        expect("changed" in why["raw_customers"], f"no reason for the seed: {why}")
        expect(pg_query(server, names["healed"], "select count(*) from main.customers") == [(101,)],
               "customers does not read the reloaded seed")  # fmt: skip

    checks = {"parity": check_parity, "warm": check_warm, "partial": check_partial, "stale_seed": check_stale_seed}
    for name in PG_CHECKS:
        try:
            checks[name]()
            results[name] = "ok"
        except Exception as exc:
            results[name] = "FAIL"
            print(f"[{version} postgres] {name} FAILED: {exc}", flush=True)
            if not isinstance(exc, CheckFailed):
                traceback.print_exc()
            break  # each check builds on the one before
    return results


def variant(project: Project, version: str) -> str:
    """Which copy of a project a version heals: the consumer's 1.8 copy writes its foreign key in 1.8's form."""
    return project.name + ("-1.8" if project.name == "consumer" and minor(version) < 1009 else "")


def build_template(project: Project, work: Path, version: str) -> Path:
    """A workspace healed by dbt 1.11 (.venv) from `version`'s copy of the project, for its switch check."""
    chain = Chain(BASELINE, project, work, None)
    project.copy(work / "project", version)
    db = project.fresh_db(work / "db")
    run = chain.dbt(chain.select(), db)
    if run.returncode != 0 or not run.events("heal_complete"):
        raise RuntimeError(f"dbt 1.11 could not heal the {project.name} template:\n{run.messages[-3000:]}")
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", nargs="+", default=list(VERSIONS))
    parser.add_argument("--projects", nargs="+", default=list(PROJECTS), choices=list(PROJECTS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (printed)")
    parser.add_argument("--no-postgres", action="store_true", help="without the PostgreSQL rows")
    args = parser.parse_args(argv)
    missing = [v for v in args.versions if not dbt_of(v).exists()]
    if missing:
        print(f"no venv for dbt {', '.join(missing)}: run `make matrix-venvs`", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="selfheal-matrix-"))
    started = time.monotonic()
    templates: dict[str, Path] = {}
    chains: list[Chain] = []
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        wanted = {variant(PROJECTS[n], v): (PROJECTS[n], v) for v in args.versions for n in args.projects}
        built = pool.map(lambda item: build_template(item[1][0], root / f"template-{item[0]}", item[1][1]),
                         wanted.items())  # fmt: skip
        templates.update(zip(wanted, built, strict=True))
        for version in args.versions:
            for name in args.projects:
                chains.append(Chain(version, PROJECTS[name], root / f"{name}-{version}",
                                    templates[variant(PROJECTS[name], version)]))  # fmt: skip
        for chain in chains:
            chain.work.mkdir(parents=True)
        sqlite_work = root / "unsupported-sqlite"
        sqlite_work.mkdir()
        unsupported = pool.submit(unsupported_adapter, sqlite_work) if "1.10" in args.versions else None
        server = None if args.no_postgres else start_server()
        try:
            postgres = {v: pool.submit(postgres_row, server, (root / f"postgres-{v}").resolve(), v)
                        for v in args.versions if server is not None}  # fmt: skip
            list(pool.map(lambda c: c.run(), chains))
            sqlite_results = unsupported.result() if unsupported is not None else {}
            postgres_results = {v: future.result() for v, future in postgres.items()}
        finally:
            if server is not None:
                server.stop()
    print_table(chains)
    if sqlite_results:
        print("\nan adapter the package does not support (dbt 1.10, dbt-sqlite): "
              + "  ".join(f"{k}={v}" for k, v in sqlite_results.items()))
    if postgres_results:
        print("\nPostgreSQL (tests/fixtures/jaffle_shop, PostgreSQL 15, each venv's dbt-postgres):")
        for v, found in postgres_results.items():
            print(f"  {v:<5} " + "  ".join(f"{k}={found.get(k, 'skipped')}" for k in PG_CHECKS))
    print(f"matrix: {len(chains)} chains in {time.monotonic() - started:.0f} s ({root})")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    cells = [v for c in chains for v in c.results.values()] + list(sqlite_results.values())
    cells += [found.get(k, "skipped") for found in postgres_results.values() for k in PG_CHECKS]
    return 0 if all(v in ("ok", "-") for v in cells) else 1


def print_table(chains: list[Chain]) -> None:
    head = ["dbt", "project", *CHECKS, "seconds"]
    rows = [[c.version, c.project.name, *(c.results.get(k, "?") for k in CHECKS), f"{c.seconds:.0f}"] for c in chains]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(row: list[str]) -> str:
        return "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))

    print("\n" + line(head))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


if __name__ == "__main__":
    sys.exit(main())
