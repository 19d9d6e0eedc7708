"""A private PostgreSQL 15 server for the tests, the fault suite and the benchmarks, and what they read back from it.

The server is started from the machine's PostgreSQL binaries (initdb + pg_ctl in a fresh temp directory, trust
authentication on 127.0.0.1, a free port), so nothing outside the repository needs to be set up. initdb refuses to
run as root: as root the server runs as the `postgres` user (runuser). A server that cannot start raises
`PostgresUnavailable`, which callers treat as a failure, never as a reason to skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2

BIN_DIRS = (os.environ.get("SELFHEAL_PG_BIN", ""), "/usr/lib/postgresql/15/bin")
SELF_HEAL_TABLES = ("self_heal_state", "self_heal_fingerprints", "self_heal_fingerprints_healthy_plans")


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server could not be started (the message says why and how to fix it)."""


def _bin_dir() -> Path:
    for candidate in BIN_DIRS:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/15/bin: install the "
        "postgresql-15 package (apt-get install postgresql-15) or point SELFHEAL_PG_BIN at its bin directory."
    )


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server: connect as `user` on 127.0.0.1:`port`; one database per test (create_database)."""

    root: Path
    port: int
    run_as: list[str]
    bin_dir: Path
    user: str = "postgres"
    host: str = "127.0.0.1"

    def connect(self, dbname: str = "postgres") -> Any:
        con = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=dbname)
        con.autocommit = True
        return con

    def create_database(self, name: str) -> str:
        with closing(self.connect()) as con, con.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
            cur.execute(f'create database "{name}"')
        return name

    def profiles_dir(self, dest: Path, dbname: str, *, schema: str = "main", threads: int = 1) -> Path:
        """A profiles.yml with profile `planalign` (the name every test project uses) targeting `dbname`."""
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "profiles.yml").write_text(
            "planalign:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
            f"      host: {self.host}\n      port: {self.port}\n      user: {self.user}\n      password: ''\n"
            f"      dbname: {dbname}\n      schema: {schema}\n      threads: {threads}\n"
        )
        return dest

    def stop(self) -> None:
        subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PostgresServer:
    """initdb + pg_ctl start in a new temp directory; raises PostgresUnavailable with the server's log."""
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="selfheal-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root and `runuser` is missing: initdb refuses to run as root")
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, user="postgres")
    log = root / "server.log"
    init = subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "--no-sync",
         "-E", "UTF8", "--no-locale"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if init.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {init.stdout}{init.stderr}")
    # fsync off and a short checkpoint-free life: test data is disposable. kill -9 tests kill dbt, not the server.
    options = (f"-p {{port}} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB")  # fmt: skip
    last = ""
    for _ in range(3):
        port = _free_port()
        start = subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-o", options.format(port=port), "-l",
             str(log), "-w", "-t", "60", "start"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if start.returncode == 0:
            server = PostgresServer(root=root, port=port, run_as=run_as, bin_dir=bin_dir)
            _wait_ready(server)
            return server
        last = start.stdout + start.stderr + (log.read_text() if log.exists() else "")
    shutil.rmtree(root, ignore_errors=True)
    raise PostgresUnavailable(f"pg_ctl could not start the test server: {last}")


def _wait_ready(server: PostgresServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.connect().close()
            return
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"the test server does not accept connections: {exc}") from exc
            time.sleep(0.1)


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def catalog(server: PostgresServer, dbname: str, *, exclude: Iterable[str] = SELF_HEAL_TABLES) -> dict[str, Any]:
    """Per relation (`schema.name`) in the database's own schemas: kind, ordered columns (name, type as Postgres
    formats it, nullable), row count and an order-independent digest of every row (md5 of the sorted row texts)."""
    skip = set(exclude)
    result: dict[str, Any] = {}
    with closing(server.connect(dbname)) as con, con.cursor() as cur:
        cur.execute(
            "select n.nspname, c.relname, case c.relkind when 'v' then 'view' else 'table' end "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema') "
            "and n.nspname not like 'pg_%' order by 1, 2"
        )
        for schema, name, kind in cur.fetchall():
            if name in skip:
                continue
            cur.execute(
                "select a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull from pg_attribute a "
                "where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum",
                [f'"{schema}"."{name}"'],
            )
            columns = cur.fetchall()
            cur.execute(
                f'select count(*), coalesce(md5(string_agg(md5(t::text), \'\' order by md5(t::text))), \'\') '
                f'from "{schema}"."{name}" as t'
            )
            rows, digest = cur.fetchone()
            result[f"{schema}.{name}"] = {"type": kind, "columns": columns, "rows": rows, "hash": digest}
    return result


def query(server: PostgresServer, dbname: str, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    with closing(server.connect(dbname)) as con, con.cursor() as cur:
        values = list(params)
        cur.execute(sql, values or None)  # no parameters: a `%` in the SQL is a `%`
        return list(cur.fetchall()) if cur.description else []


def state_rows(server: PostgresServer, dbname: str, schema: str = "main") -> list[dict[str, Any]]:
    """Rows of the state table, oldest first; [] when it does not exist."""
    with closing(server.connect(dbname)) as con, con.cursor() as cur:
        cur.execute("select to_regclass(%s)", [f'"{schema}".self_heal_state'])
        row = cur.fetchone()
        if row is None or row[0] is None:
            return []
        cur.execute(f'select * from "{schema}".self_heal_state order by started_at')
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
