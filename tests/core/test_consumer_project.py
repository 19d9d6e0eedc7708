"""A consumer shaped like the real PlanAlign project (tests/fixtures/planalign_consumer) heals exactly what a full plain
`dbt build` makes: kinds, columns, types, nullability, constraints, indexes, comments, rows and hook side effects.

What plain dbt 1.11 / dbt-duckdb 1.11.1 does with this fixture, measured with real runs:
- seeds: `2024-01-15 10:30`, `2024-01-15 10:30:00.123` and `2024/01/15` load as VARCHAR, `2024-01-15` as DATE,
  `45000.00` as INTEGER; a seed that mixes `2024/01/15` and `2024-01-15` columns does not load at all (DuckDB's
  sniffer takes %Y/%m/%d for every DATE column), so they live in separate seeds. `column_types: {id: bigint}` does
  not apply to the header `ID` (exact-case match: INTEGER), and the header `id, name` gives the column " name".
- ephemerals whose files end in a `-- comment` line are inlined as `name as (\n<sql>\n)`, so the comment never
  swallows the closing parenthesis; nested ephemerals become consecutive CTEs.
- `--empty` loads seeds in full but every model empty (a view keeps `where false limit 0` in its definition); the
  pivot then has no department column and post-hooks count 0 rows.
- the root project's on-run-start (creating audit_log) runs before the package's hooks.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.harness import REPO, DbtRun, catalog, run_dbt

FIXTURE = REPO / "tests" / "fixtures" / "planalign_consumer"
DB_NAME = "consumer.duckdb"
LEAF = "fct_workforce_snapshot"
REFUSED = "tag:refused_contract"
OFF = {"self_heal_enabled": False}
PlainBuild = Callable[..., dict[str, Any]]  # flags -> catalog() of a full plain build with them
# (node name, relation identifier) of every relation `dbt build --select fct_workforce_snapshot` needs but not selects.
NEEDED = [
    ("config_age_bands", "config_age_bands"), ("config_tenure_bands", "config_tenure_bands"),
    ("config_job_levels", "config_job_levels"), ("raw_event_times", "raw_event_times"),
    ("raw_posting_dates", "raw_posting_dates"), ("raw_ledger", "raw_ledger"), ("raw_customers", "raw_customers"),
    ("stg_census", "stg_census"), ("dim_job_levels", "dim_job_levels"),
    ("int_baseline_workforce", "int_baseline_workforce"),
    ("int_employee_compensation_by_year", "int_employee_compensation_by_year"),
    ("int_department_pivot", "department_headcount"), ("int_compensation_star", "int_compensation_star"),
    ("int_ledger_presence", "int_ledger_presence"), ("int_run_context", "int_run_context"),
    ("dim_customers", "dim_customers_v1"), ("dim_customers", "dim_customers_v2"),
    ("fct_yearly_events", "fct_yearly_events"),
]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _fixture_env() -> Iterator[None]:
    """int_run_context selects env_var('PLANALIGN_FIXTURE_ENV'): every dbt run of this module sees the same value."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANALIGN_FIXTURE_ENV", "consumer-fixture")
        yield


def copy_consumer(dest: Path) -> Path:
    """A private copy of the fixture (tests run in parallel), its local package path made absolute."""
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs", "package-lock.yml"))
    (dest / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n", encoding="utf-8")
    return dest


def fresh_db(directory: Path, *, source: bool = True) -> Path:
    """An empty database in its own directory; with `source`, the orchestrator's table written as that program would."""
    directory.mkdir(parents=True)
    db = directory / DB_NAME
    if source:
        with duckdb.connect(str(db)) as con:
            con.execute("create schema orchestrator")
            con.execute(
                "create table orchestrator.projection_inputs as select 'E' || lpad(i::varchar, 3, '0') as employee_id, "
                "['Sales', 'Finance', 'Legal', 'Engineering'][1 + i % 4] as department, 1 + i % 3 as job_level, "
                "date '1960-03-01' + to_days((i * 397) % 15000) as birth_date, "
                "date '2000-06-15' + to_days((i * 211) % 8000) as hire_date, "
                "case when i % 10 = 0 then 0 else 45000 + i * 1500.5 end as annual_compensation, "
                "1 + i % 3 as customer_id from range(1, 31) as t(i)"
            )
    return db


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_consumer(tmp_path_factory.mktemp("consumer") / "project")


@pytest.fixture(scope="module")
def plain_build(project: Path, tmp_path_factory: pytest.TempPathFactory) -> PlainBuild:
    """catalog() of a full plain `dbt build [extra]` (healing off, refused contract excluded), once per flavour."""
    built: dict[tuple[str, ...], dict[str, Any]] = {}

    def get(*extra: str) -> dict[str, Any]:
        if extra not in built:
            db = fresh_db(tmp_path_factory.mktemp("plain") / "db")
            run = run_dbt(["build", *extra, "--exclude", REFUSED], db, project_dir=project, variables=OFF)
            assert run.returncode == 0, f"the fixture itself does not build with plain dbt:\n{tail(run)}"
            built[extra] = catalog(db)
        return built[extra]

    return get


def assert_same_catalog(healed: dict[str, Any], built: dict[str, Any]) -> None:
    assert healed, "the heal left no relations"
    extra = sorted(set(healed) - set(built))
    assert not extra, f"the heal made relations a full plain dbt build does not: {extra}"
    diffs = [
        f"{relation} {key}:\n    healed: {healed[relation][key]!r}\n    built:  {built[relation][key]!r}"
        for relation in sorted(set(healed) & set(built))
        for key in built[relation]
        if healed[relation].get(key) != built[relation][key]
    ]
    assert not diffs, "healed relations differ from a full plain dbt build:\n" + "\n".join(diffs)


def tail(run: DbtRun, lines: int = 25) -> str:
    """The end of a run's output (dbt's summary and the error), without the machine events, for assertion messages."""
    return "\n".join([line for line in run.messages.splitlines() if not line.startswith("self_heal {")][-lines:])


def failure_text(run: DbtRun) -> str:
    """What a run reports as its failure: dbt's warn/error lines, stderr, any heal_failed event's error and message,
    and the progress line of the node the heal was building when dbt stopped (started, never completed: dbt ends
    the run at a failing statement inside the hook, so that line is the last one before dbt's error) - not the
    progress of nodes that were built."""
    levels = ("warn", "error")
    lines = [str(line["info"].get("msg", "")) for line in run.lines if line.get("info", {}).get("level") in levels]
    lines += [str(event.get(key, "")) for event in run.events("heal_failed") for key in ("error", "message")]
    unfinished: dict[str, str] = {}
    for event in run.events("node"):
        if event["status"] == "started":
            unfinished[event["unique_id"]] = str(event.get("message", ""))
        else:
            unfinished.pop(event["unique_id"], None)
    return "\n".join(lines + list(unfinished.values()) + run.raw)


def leftovers(db: Path) -> set[str]:
    """Relations other than the self-heal tables, the project's own audit_log and the orchestrator's source."""
    return set(catalog(db)) - {"main.audit_log", "orchestrator.projection_inputs"}


def test_fixture_parses_beside_the_package(project: Path, tmp_path: Path) -> None:
    """`dbt parse` succeeds with node names shared with the package's own workspace (the package has no nodes)."""
    run = run_dbt(["parse"], tmp_path / "parse" / DB_NAME, project_dir=project, write_json=True)
    assert run.returncode == 0, tail(run)
    manifest = json.loads((tmp_path / "parse" / "target" / "manifest.json").read_text(encoding="utf-8"))
    names = {node["name"] for node in manifest["nodes"].values() if node["package_name"] == "planalign_consumer"}
    assert {name for name, _ in NEEDED} | {LEAF} <= names


def test_plain_dbt_types_the_tricky_seeds(plain_build: PlainBuild) -> None:
    """The baseline every heal is compared with (no healing involved): dbt's agate inference as measured."""
    types = {rel: {c[0]: c[1] for c in entry["columns"]} for rel, entry in plain_build().items()}
    assert types["main.raw_event_times"] == {
        "event_code": "VARCHAR", "logged_minute": "VARCHAR", "logged_millis": "VARCHAR", "effective_date": "DATE",
    }  # fmt: skip
    assert types["main.raw_posting_dates"] == {"event_code": "VARCHAR", "posted_on": "VARCHAR"}
    assert types["main.raw_ledger"] == {"ID": "INTEGER", "Amount": "DOUBLE"}
    assert types["main.raw_customers"] == {"id": "INTEGER", " name": "VARCHAR"}
    assert types["main.config_job_levels"]["min_compensation"] == "INTEGER"
    assert [c[0] for c in plain_build()["main.department_headcount"]["columns"]] == [
        "job_level", "headcount", "engineering_headcount", "finance_headcount", "legal_headcount", "sales_headcount",
    ]  # fmt: skip


def shown(node: str, relation: str) -> str:
    """How the events name a node: a versioned model as dbt names it (dim_customers.v2, relation dim_customers_v2)."""
    version = re.fullmatch(re.escape(node) + r"_v(\d+)", relation)
    return f"{node}.v{version.group(1)}" if version else node


def test_heal_events_name_the_missing_relations(project: Path, tmp_path: Path) -> None:
    """On an empty database every relation the leaf needs is missing; the events name each (node or relation name)."""
    db = fresh_db(tmp_path / "heal")
    run = run_dbt(["build", "--select", LEAF], db, project_dir=project)
    assert run.returncode == 0, tail(run)
    start, complete = run.events("heal_start"), run.events("heal_complete")
    assert start and complete, tail(run)
    for field, names in (("heal_start", start[0]["missing"]), ("heal_complete", complete[0]["relations"])):
        unnamed = [rel for node, rel in NEEDED if shown(node, rel) not in names and rel not in names]
        assert not unnamed, f"{field} does not name {unnamed}: {names}"
        assert LEAF not in names, f"{field} names the selected leaf, which dbt builds itself"
    versioned = [line for line in run.messages.splitlines() if "] building model dim_customers" in line]
    assert versioned and all(".v1 (" in line or ".v2 (" in line for line in versioned), versioned


@pytest.mark.parametrize(
    ("command", "baseline"),
    [
        (["build", "--select", LEAF], ()),
        (["run", "--select", LEAF], ()),
        (["test", "--select", LEAF], ()),
        (["build", "--full-refresh", "--select", LEAF], ()),
        (["build", "--empty", "--select", LEAF], ("--empty",)),
    ],
    ids=["build", "run", "test", "full-refresh", "empty"],
)
def test_heal_then_command_matches_a_full_plain_build(
    project: Path, tmp_path: Path, plain_build: PlainBuild, command: list[str], baseline: tuple[str, ...]
) -> None:
    """Heal on an empty database, then the command: every relation equals what a full plain `dbt build` (same
    --empty flag) makes. `dbt test` heals the leaf too (its tests need it); `--empty` heals empty models."""
    db = fresh_db(tmp_path / "heal")
    run = run_dbt(command, db, project_dir=project)
    assert run.returncode == 0, tail(run)
    assert_same_catalog(catalog(db), plain_build(*baseline))


def test_missing_source_fails_naming_source_loader_and_reader(project: Path, tmp_path: Path) -> None:
    """Plain dbt fails in stg_census with `Table with name "orchestrator.projection_inputs" does not exist` after
    loading the seeds; the heal must refuse up front, say who loads the source, and leave nothing behind."""
    db = fresh_db(tmp_path / "nosource", source=False)
    run = run_dbt(["build", "--select", LEAF], db, project_dir=project)
    assert run.returncode != 0, tail(run)
    for word in ("orchestrator.projection_inputs", "planalign_orchestrator", "stg_census"):
        assert word in failure_text(run), f"the failure does not name {word}:\n{tail(run)}"
    assert not leftovers(db), "a failed heal left relations behind"


def test_failing_model_sql_fails_naming_it_and_heals_clean_once_fixed(tmp_path: Path) -> None:
    """Plain dbt reports `Runtime Error in model int_employee_compensation_by_year ... Binder Error`; the heal's error
    (not just its progress lines) must name the model too, it must build nothing, and the next run once the SQL is
    fixed must heal everything."""
    project = copy_consumer(tmp_path / "project")
    model = project / "models" / "foundation" / "int_employee_compensation_by_year.sql"
    good = model.read_text(encoding="utf-8")
    assert "    w.job_level,\n" in good
    model.write_text(good.replace("    w.job_level,\n", "    w.no_such_column,\n"), encoding="utf-8")
    db = fresh_db(tmp_path / "heal")
    broken = run_dbt(["build", "--select", LEAF], db, project_dir=project)
    assert broken.returncode != 0, tail(broken)
    assert "int_employee_compensation_by_year" in failure_text(broken), tail(broken)
    assert not leftovers(db), "a failed heal left relations behind"
    model.write_text(good, encoding="utf-8")
    fixed = run_dbt(["build", "--select", LEAF], db, project_dir=project)
    assert fixed.returncode == 0, tail(fixed)
    assert fixed.events("heal_complete") and not fixed.events("heal_failed"), tail(fixed)


def test_refused_contract_fails_the_heal_as_plain_dbt_refuses_it(project: Path, tmp_path: Path) -> None:
    """int_contract_refused declares headcount integer and selects '42' (varchar). Plain dbt refuses it before
    creating anything: `This model has an enforced contract that failed` with `headcount | VARCHAR | INTEGER | data
    type mismatch`, even though '42' would cast. A heal that needs it must fail the same way, never cast silently."""
    plain_db, heal_db = fresh_db(tmp_path / "plain"), fresh_db(tmp_path / "heal")
    plain = run_dbt(["build", "--select", "+rpt_refused_contract"], plain_db, project_dir=project, variables=OFF)
    healed = run_dbt(["build", "--select", "rpt_refused_contract"], heal_db, project_dir=project)
    for name, run, db in (("plain dbt", plain, plain_db), ("the heal", healed, heal_db)):
        assert run.returncode != 0, f"{name} built the refused contract:\n{tail(run)}"
        for words in ("int_contract_refused", "enforced contract that failed", "headcount"):
            assert words in failure_text(run), f"{name} does not say {words!r}:\n{tail(run)}"
        assert "main.int_contract_refused" not in catalog(db), f"{name} left int_contract_refused behind"
