"""Database health: classify a workspace's DuckDB file without changing it, and move a corrupt one aside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from selfheal.events import TableRef

Health = Literal["ok", "missing", "corrupt", "version_mismatch", "locked"]

MAGIC = b"DUCK"
MAGIC_OFFSET = 8
# Files up to this size are read in full even without --deep-check (about 0.1 s per 20 MB): a file cut short
# keeps its catalog readable, so only reading the data finds the missing blocks.
AUTO_DEEP_BYTES = 256 * 2**20
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_VERSION = (
    "version number",
    "storage version",
    "created with a newer version",
    "created with an older version",
)
_LOCKED = ("could not set lock", "conflicting lock")
_CORRUPT = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "checksum",
    "corrupt database file",
    "wal does not match",
    "database file is corrupt",
)


@dataclass(frozen=True)
class DatabaseHealth:
    path: Path
    health: Health
    detail: str = ""
    lock_pid: int | None = None
    lock_program: str | None = None
    tables: list[str] = field(default_factory=list)

    @property
    def holder(self) -> str:
        """`PID n, <command line>` of the process holding the DuckDB file, for messages."""
        if self.lock_pid is None:
            return "an unknown process"
        cmdline = process_cmdline(self.lock_pid) or self.lock_program or "?"
        return f"PID {self.lock_pid}, {cmdline}"


def classify_open_error(message: str) -> Health:
    """What an error raised while opening or reading a DuckDB file says about the file."""
    text = message.lower()
    if any(marker in text for marker in _VERSION):
        return "version_mismatch"
    if any(marker in text for marker in _LOCKED):
        return "locked"
    return "corrupt"


def is_known_corruption(message: str) -> bool:
    return any(marker in message.lower() for marker in _CORRUPT)


def parse_lock_holder(message: str) -> tuple[str, int] | None:
    """(program, pid) from DuckDB's `Conflicting lock is held in <program> (PID n)`."""
    match = _LOCK_HOLDER.search(message)
    return (match["program"], int(match["pid"])) if match else None


def process_cmdline(pid: int) -> str | None:
    import psutil

    try:
        return " ".join(psutil.Process(pid).cmdline()) or None
    except (psutil.Error, OSError):
        return None


def _connect_read_only(path: Path) -> Any:
    import duckdb

    return duckdb.connect(str(path), read_only=True)


def check_database(path: Path, deep: bool = False) -> DatabaseHealth:
    """Classify the file: header magic, read-only open, catalog read; every table is read in full when deep=True
    or the file is at most AUTO_DEEP_BYTES.

    The connection is closed before returning: dbt must be able to open the file afterwards.
    """
    if not path.exists():
        return DatabaseHealth(path, "missing", "no database file yet; it will be created")
    if not path.is_file():
        return DatabaseHealth(path, "corrupt", f"{path} is not a regular file")
    try:
        with path.open("rb") as handle:
            handle.seek(MAGIC_OFFSET)
            magic = handle.read(len(MAGIC))
    except PermissionError as exc:
        from selfheal.errors import WorkspaceNotWritableError

        raise WorkspaceNotWritableError(f"cannot read database {path}: {exc}") from exc
    if magic != MAGIC:
        size = path.stat().st_size
        return DatabaseHealth(
            path, "corrupt", f"no DuckDB header (expected 'DUCK' at byte 8; file has {size} bytes)"
        )
    deep = deep or path.stat().st_size <= AUTO_DEEP_BYTES
    try:
        con = _connect_read_only(path)
    except Exception as exc:  # duckdb raises several exception types for the same file problems
        return _from_error(path, exc)
    try:
        rows = con.execute(
            "select schema_name, table_name from duckdb_tables() where not internal order by 1, 2"
        ).fetchall()
        tables = [f"{schema}.{name}" for schema, name in rows]
        if deep:
            for schema, name in rows:
                quoted = f'"{schema}"."{name}"'.replace("\x00", "")
                con.execute(f"select count(*), sum(hash(t)) from {quoted} as t").fetchall()
    except Exception as exc:
        return _from_error(path, exc)
    finally:
        con.close()
    return DatabaseHealth(
        path, "ok", f"{len(tables)} tables readable" + (" (read in full)" if deep else ""), tables=tables
    )


def _from_error(path: Path, exc: BaseException) -> DatabaseHealth:
    message = str(exc).strip()
    health = classify_open_error(message)
    if health == "locked":
        holder = parse_lock_holder(message)
        return DatabaseHealth(
            path,
            "locked",
            message,
            lock_pid=holder[1] if holder else None,
            lock_program=holder[0] if holder else None,
        )
    return DatabaseHealth(path, health, message.splitlines()[0] if message else type(exc).__name__)


def corrupt_timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def move_aside(database: Path, now: datetime | None = None) -> list[tuple[Path, Path]]:
    """Rename a corrupt database (and its .wal) to `<name>.corrupt-<UTC ts>`; nothing is ever deleted."""
    stamp = corrupt_timestamp(now)
    moved: list[tuple[Path, Path]] = []
    for source in (database, database.with_name(database.name + ".wal")):
        if source.exists():
            target = source.with_name(f"{source.name}.corrupt-{stamp}")
            source.rename(target)
            moved.append((source, target))
    return moved


@dataclass(frozen=True)
class StateRow:
    invocation_id: str
    dbt_command: str | None
    state: str
    started_at: str | None
    completed_at: str | None
    duration_seconds: float | None
    error: str | None


def read_state(path: Path, state_table: TableRef | None) -> tuple[list[StateRow], list[str]]:
    """Rows of the package's state table (oldest first) and the names of the relations present in the database.

    `state_table` is where the package says the table is (the `state_relation` of its status event); None (not
    known) or a table that does not exist yet gives no rows."""
    con = _connect_read_only(path)
    try:
        relations = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = current_database()"
            ).fetchall()
        ]
        if state_table is None or not _table_exists(con, state_table):
            return [], relations
        rows = con.execute(
            "select invocation_id, dbt_command, state, cast(started_at as varchar), "
            f"cast(completed_at as varchar), duration_seconds, error from {state_table.sql} order by started_at"
        ).fetchall()
        return [StateRow(*row) for row in rows], relations
    finally:
        con.close()


def _table_exists(con: Any, table: TableRef) -> bool:
    # DuckDB resolves names in any case, so they are compared in lower case, as it matches them.
    found = con.execute(
        "select count(*) from information_schema.tables where lower(table_catalog) = lower(coalesce(?, "
        "current_database())) and lower(table_schema) = lower(?) and lower(table_name) = lower(?)",
        [table.database, table.schema, table.identifier],
    ).fetchone()
    return bool(found and found[0])


def record_failed_attempt(path: Path, invocation_id: str, error: str, state_table: TableRef) -> bool:
    """Write the error of a heal that dbt ended mid-build into its state row (dbt stops before its on-run-end hook,
    which would otherwise leave the row `in_progress` and the next run calling it interrupted). `state_table` is
    the one the heal named in its heal_start event. Best effort: False when the file cannot be written now."""
    import duckdb

    try:
        con = duckdb.connect(str(path))
    except duckdb.Error:
        return False
    try:
        con.execute(
            f"update {state_table.sql} set state = 'failed', error = ?, "
            "completed_at = cast(now() at time zone 'UTC' as timestamp), "
            "duration_seconds = epoch(cast(now() at time zone 'UTC' as timestamp) - started_at) "
            "where invocation_id = ? and state = 'in_progress'",
            [error, invocation_id],
        )
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()
