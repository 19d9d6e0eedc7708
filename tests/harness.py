"""Run real dbt against real DuckDB files for the tests, and read back what it did.

Every run is a subprocess with `--log-format json`, so tests see exactly what an analyst's `dbt build` does, and
the hook's `self_heal <json>` events are parsed from the same stream the wrapper reads.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from selfheal.packages import missing_packages

REPO = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")
PROJECT_PARTS = (
    "dbt_project.yml", "profiles.yml", "packages.yml", "dbt_self_heal",
    "macros", "models", "seeds", "data", "tests/dbt",
)  # fmt: skip
STATE_TABLE = "self_heal_state"
RECORD_TABLE = "self_heal_fingerprints"
PLAN_TABLE = "self_heal_fingerprints_healthy_plans"
SELF_HEAL_TABLES = (STATE_TABLE, RECORD_TABLE, PLAN_TABLE)


@dataclass
class DbtRun:
    """One finished dbt invocation: exit code, JSON log lines and the hook's self_heal events."""

    args: list[str]
    returncode: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)

    @property
    def heal_events(self) -> list[dict[str, Any]]:
        events = []
        for line in self.lines:
            msg = line.get("data", {}).get("msg", "")
            if line.get("info", {}).get("name") == "JinjaLogInfo" and msg.startswith("self_heal "):
                events.append(json.loads(msg[len("self_heal ") :]))
        return events

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.heal_events if e["event"] == name]

    @property
    def messages(self) -> str:
        return "\n".join(str(line.get("info", {}).get("msg", "")) for line in self.lines) + "\n".join(self.raw)


def dbt_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLANALIGN_DB_PATH=str(db_path),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_VERSION_CHECK="false",
    )
    return env


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    *,
    project_dir: Path = REPO,
    work_dir: Path | None = None,
    variables: dict[str, Any] | None = None,
    timeout: float = 300,
    profiles_dir: Path = REPO,
    dbt: Path = DBT,
    env: dict[str, str] | None = None,
    write_json: bool = False,
) -> DbtRun:
    """Run `dbt <args>` on the project with its own target/log dirs next to the database.

    A project whose declared packages are not installed gets `dbt deps` first, as the wrapper does. `dbt` is another
    venv's dbt executable for the version matrix (tests/matrix); `env` adds environment variables. dbt writes
    manifest.json and run_results.json only with `write_json` (`dbt retry` reads the previous run's results; nothing
    else here reads them, and writing them costs each invocation about 0.3 s); partial parsing works either way.
    """
    work = work_dir or db_path.parent
    if args[0] != "deps":
        install_packages(project_dir, dbt)
    cmd = [
        str(dbt),
        "--log-format",
        "json",
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
        "--log-path",
        str(work / "logs"),
    ]
    if args[0] != "deps":
        cmd += ["--target-path", str(work / "target")]
    if variables:
        cmd += ["--vars", json.dumps(variables)]
    artifacts = {} if write_json else {"DBT_WRITE_JSON": "false"}
    proc = subprocess.run(
        cmd, cwd=project_dir, env={**dbt_env(db_path), **artifacts, **(env or {})}, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    run = DbtRun(args=cmd, returncode=proc.returncode)
    for text in proc.stdout.splitlines():
        try:
            run.lines.append(json.loads(text))
        except json.JSONDecodeError:
            run.raw.append(text)
    run.raw.extend(proc.stderr.splitlines())
    return run


def install_packages(project_dir: Path, dbt: Path = DBT) -> None:
    """`dbt deps` for a project whose declared packages are not installed (local packages install offline)."""
    if missing_packages(project_dir):
        cmd = [str(dbt), "deps", "--project-dir", str(project_dir), "--profiles-dir", str(REPO)]
        proc = subprocess.run(cmd, cwd=project_dir, env=dbt_env(project_dir / "unused.duckdb"), capture_output=True,
                              text=True, timeout=300, check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr


def copy_project(dest: Path, source: Path = REPO, *, install: bool = True) -> Path:
    """A private copy of the reference workspace's dbt project that a test may break, its packages installed
    unless `install` is false (the wrapper installs them itself)."""
    for part in PROJECT_PARTS:
        src = source / part
        target = dest / part
        if src.is_dir():
            shutil.copytree(src, target)
        elif src.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    if install:
        install_packages(dest)
    return dest


def relations(db_path: Path, *, exclude: Iterable[str] = SELF_HEAL_TABLES) -> dict[str, str]:
    """name -> table type of every relation in the main database file."""
    skip = set(exclude)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() order by 1"
        ).fetchall()
    return {name: kind for name, kind in rows if name not in skip}


def fingerprint(db_path: Path, *, exclude: Iterable[str] = SELF_HEAL_TABLES) -> dict[str, dict[str, Any]]:
    """Per relation: type, ordered columns with data types and nullability, row count and an order-independent
    hash of all rows, computed inside DuckDB (about 0.1 s per 20 MB). {} when the file does not exist."""
    if not db_path.exists():
        return {}
    skip = set(exclude)
    result: dict[str, dict[str, Any]] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        for schema, name, kind in tables:
            if name in skip:
                continue
            columns = con.execute(
                "select column_name, data_type, is_nullable from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            quoted = '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))
            rows, digest = con.execute(
                f"select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar from {quoted} as t"
            ).fetchone() or (0, "0")
            result[f"{schema}.{name}"] = {"type": kind, "columns": columns, "rows": rows, "hash": digest}
    return result


def state_rows(db_path: Path) -> list[dict[str, Any]]:
    """Rows of main.self_heal_state (oldest first); [] when the file or the table does not exist."""
    if not db_path.exists():
        return []
    with duckdb.connect(str(db_path), read_only=True) as con:
        present = con.execute(
            "select count(*) from information_schema.tables where table_name = ?", [STATE_TABLE]
        ).fetchone()
        if not present or present[0] == 0:
            return []
        cur = con.execute(f"select * from {STATE_TABLE} order by started_at")
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def catalog(db_path: Path) -> dict[str, dict[str, Any]]:
    """Per relation (`schema.name`), everything a build decides, read back from DuckDB's own catalog: kind, columns in
    order (name, type, nullable, comment), relation comment, constraints (type, columns, expression, referenced table
    and columns), indexes, row count and an order-independent row digest (md5 of the sorted row hashes). The entry of
    any `audit_log` also lists its rows, sorted. The self-heal state/record tables (`self_heal_*`) are left out."""
    result: dict[str, dict[str, Any]] = {}
    if not db_path.exists():
        return result
    with duckdb.connect(str(db_path), read_only=True) as con:
        kinds = con.execute(
            "select schema_name, table_name, 'table', comment from duckdb_tables() "
            "where database_name = current_database() union all "
            "select schema_name, view_name, 'view', comment from duckdb_views() "
            "where database_name = current_database() and not internal order by 1, 2"
        ).fetchall()
        for schema, name, kind, comment in kinds:
            if name.startswith("self_heal_"):
                continue
            where = [schema, name]
            columns = con.execute(
                "select column_name, data_type, is_nullable, comment from duckdb_columns() "
                "where database_name = current_database() and schema_name = ? and table_name = ? "
                "order by column_index",
                where,
            ).fetchall()
            constraints = con.execute(
                "select constraint_type, constraint_column_names, expression, referenced_table, "
                "referenced_column_names from duckdb_constraints() "
                "where database_name = current_database() and schema_name = ? and table_name = ? order by all",
                where,
            ).fetchall()
            indexes = con.execute(
                "select index_name, is_unique, expressions, sql from duckdb_indexes() "
                "where database_name = current_database() and schema_name = ? and table_name = ? order by all",
                where,
            ).fetchall()
            quoted = '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))
            rows, digest = con.execute(
                "select count(*), md5(coalesce(string_agg(h::varchar, ',' order by h), '')) "
                f"from (select hash(t) as h from {quoted} as t)"
            ).fetchone() or (0, "")
            entry: dict[str, Any] = {
                "kind": kind, "comment": comment, "columns": columns, "constraints": constraints,
                "indexes": indexes, "rows": rows, "digest": digest,
            }  # fmt: skip
            if name == "audit_log":
                entry["audit_rows"] = con.execute(f"select * from {quoted} order by all").fetchall()
            result[f"{schema}.{name}"] = entry
    return result


def kill_dbt_when(
    args: Sequence[str],
    db_path: Path,
    marker: str,
    *,
    project_dir: Path = REPO,
    target_path: Path,
    variables: dict[str, Any] | None = None,
    delay: float = 1.0,
    timeout: float = 120,
) -> None:
    """Start `dbt <args>` with JSON logs, SIGKILL it `delay` seconds after a line containing `marker` appears
    (or after `timeout`), and wait for it: a crash at a known moment of a heal."""
    cmd = [str(DBT), "--log-format", "json", *args, "--project-dir", str(project_dir), "--profiles-dir", str(REPO),
           "--target-path", str(target_path), "--log-path", str(target_path.parent / "logs")]  # fmt: skip
    if variables:
        cmd += ["--vars", json.dumps(variables)]
    proc = subprocess.Popen(cmd, cwd=project_dir, env=dbt_env(db_path), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        if marker in line or time.monotonic() > deadline:
            break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


def add_slow_required_model(project_dir: Path) -> Path:
    """A required model on config_merit_rates that takes minutes to build when var `slow` is true (else instantly):
    a stale rebuild that a test can kill in the middle."""
    model = project_dir / "models" / "foundation" / "int_slow_rates.sql"
    model.write_text(
        "{{ config(meta={'self_heal': {'required': true}}) }}\n"
        "select r.*, {% if var('slow', false) %}(select sum(a.range * b.range) from range(200000) a, "
        "range(100000) b){% else %}0{% endif %} as total from {{ ref('config_merit_rates') }} r\n"
    )
    return model
