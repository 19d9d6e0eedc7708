"""What `selfheal status` asks the package, building nothing: `dbt run-operation dbt_self_heal.self_heal_status`
says which nodes are required (as the hook reads meta.self_heal.required), where the state and record tables are
(as its settings resolve them) and, against the workspace's own database, what is missing and stale. The wrapper
keeps no copy of any of it. dbt writes its target and logs into a throwaway directory, never into the workspace."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from selfheal.dbt import dbt_command, dbt_env, find_dbt
from selfheal.diagnose import error_texts
from selfheal.errors import LockTimeoutError
from selfheal.events import DbtEvent, TableRef, parse_line
from selfheal.locking import WorkspaceLock, read_owner
from selfheal.packages import ensure_packages
from selfheal.project import SIMULATE_SELECT, dbt_vars
from selfheal.workspace import Workspace

STATUS_OPERATION = "dbt_self_heal.self_heal_status"
PROBE_TIMEOUT_SECONDS = 300.0
PARTIAL_PARSE = "partial_parse.msgpack"


@dataclass(frozen=True)
class PackageStatus:
    """One `status` event of the package. From a scratch database only `required` and the tables mean anything."""

    required: list[str]
    needed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    stale: list[dict[str, str]] = field(default_factory=list)  # [{relation, reason}] in build order
    state_table: TableRef | None = None
    record_table: TableRef | None = None
    scratch: bool = False


@dataclass(frozen=True)
class StatusCheck:
    """What the package said, or None and why it could not be asked."""

    status: PackageStatus | None
    detail: str | None = None


def ask_workspace(workspace: Workspace, project_dir: Path) -> StatusCheck:
    """Ask the package about the workspace's own database, which the caller found healthy.

    Only while this process holds the workspace lock, taken without waiting and released right after: dbt-duckdb
    opens the file read-write, so no selfheal run may start meanwhile. The operation builds and records nothing.
    """
    lock = WorkspaceLock(workspace.lock_path, workspace.owner_path, timeout=0)
    try:
        lock.acquire()
    except LockTimeoutError:
        holder = read_owner(workspace.owner_path)
        who = holder.describe() if holder is not None else "another selfheal command"
        return StatusCheck(None, f"not checked: the workspace is locked by {who}")
    except OSError as exc:
        return StatusCheck(None, f"not checked: cannot take the workspace lock {workspace.lock_path} ({exc})")
    try:
        return _status_operation(workspace, project_dir, database_of=workspace)
    finally:
        lock.release()


def ask_scratch(workspace: Workspace, project_dir: Path) -> StatusCheck:
    """Ask the package what it requires and where its tables are, against an empty database of the same file name
    (so the same catalog name) in a temporary directory: for a workspace whose own database dbt cannot open now
    (missing, locked, corrupt). Its missing and stale lists describe the empty database and are not used."""
    with tempfile.TemporaryDirectory(prefix="selfheal-scratch-") as tmp:
        return _status_operation(workspace, project_dir, database_of=Workspace.at(tmp), scratch=True)


def _status_operation(
    workspace: Workspace, project_dir: Path, database_of: Workspace, scratch: bool = False
) -> StatusCheck:
    with tempfile.TemporaryDirectory(prefix="selfheal-status-") as tmp:
        throwaway = Workspace.at(tmp)
        throwaway.target_dir.mkdir()
        cached = workspace.target_dir / PARTIAL_PARSE
        if cached.is_file():  # the workspace's parse cache: dbt then reparses only what changed
            shutil.copy2(cached, throwaway.target_dir / PARTIAL_PARSE)
        dbt = find_dbt()
        env = dbt_env(database_of)  # PLANALIGN_DB_PATH: the database asked about
        ensure_packages(project_dir, dbt, env)
        # The selection and vars of a default `selfheal simulate`: stale means what it would rebuild.
        args = ["run-operation", STATUS_OPERATION, "--args", json.dumps({"select": SIMULATE_SELECT}),
                *dbt_vars(None, None)]  # fmt: skip
        try:
            done = subprocess.run(
                dbt_command(dbt, args, project_dir, throwaway),
                cwd=project_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=PROBE_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return StatusCheck(None, f"not checked: dbt run-operation {STATUS_OPERATION} took over "
                                     f"{PROBE_TIMEOUT_SECONDS:g}s")  # fmt: skip
    events = [parse_line(line) for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return read_status(events, done.returncode, scratch=scratch)


def read_status(events: list[DbtEvent], returncode: int, scratch: bool = False) -> StatusCheck:
    """The package's `status` event among a run-operation's events, or why there is none."""
    found = next((e.heal for e in events if e.heal is not None and e.heal.kind == "status"), None)
    if returncode == 0 and found is not None:
        return StatusCheck(PackageStatus(
            required=found.names("required"), needed=found.names("needed"), missing=found.names("missing"),
            unrecorded=found.names("unrecorded"), stale=found.stale(), state_table=found.table("state_relation"),
            record_table=found.table("record_relation"), scratch=scratch,
        ))  # fmt: skip
    texts = error_texts(events)
    why = " ".join(texts[0].split())[:300] if texts else f"exit code {returncode}, no status event"
    return StatusCheck(None, f"not checked: dbt run-operation {STATUS_OPERATION} failed: {why}")
