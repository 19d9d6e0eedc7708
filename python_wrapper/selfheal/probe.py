"""What `selfheal status` asks dbt, building nothing: which relations are required (a manifest, else `dbt ls`) and
which are stale (`dbt run-operation dbt_self_heal.self_heal_status`). dbt writes its target and logs into a
throwaway directory, never into the workspace."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from selfheal.dbt import dbt_command, dbt_env, find_dbt
from selfheal.diagnose import error_texts
from selfheal.errors import LockTimeoutError
from selfheal.events import DbtEvent, parse_line
from selfheal.locking import WorkspaceLock, read_owner
from selfheal.packages import ensure_packages
from selfheal.project import SIMULATE_SELECT, dbt_vars
from selfheal.workspace import Workspace

STATUS_OPERATION = "dbt_self_heal.self_heal_status"
PROBE_TIMEOUT_SECONDS = 300.0
PARTIAL_PARSE = "partial_parse.msgpack"


def required_relations(workspace: Workspace, project_dir: Path) -> tuple[list[str], str]:
    """Names of nodes with meta.self_heal.required, from a manifest (workspace, project) or `dbt ls`."""
    for candidate in (workspace.manifest, project_dir / "target" / "manifest.json"):
        if not candidate.is_file():
            continue
        try:
            manifest = json.loads(candidate.read_text(encoding="utf-8"))
            names = sorted(
                str(node.get("alias") or node["name"])
                for node in manifest.get("nodes", {}).values()
                if node.get("resource_type") in ("seed", "model")
                and ((node.get("config", {}).get("meta") or {}).get("self_heal") or {}).get("required")
                is True
                and node.get("config", {}).get("enabled", True)
            )
            return names, str(candidate)
        except (OSError, ValueError, KeyError):
            continue
    # A throwaway target/log path and database path: status never writes into the workspace.
    with tempfile.TemporaryDirectory(prefix="selfheal-status-") as tmp:
        scratch = Workspace.at(tmp)
        ensure_packages(project_dir, find_dbt(), dbt_env(scratch))
        command = [
            find_dbt(), "ls", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(scratch.target_dir), "--log-path", str(scratch.logs_dir),
            "--resource-type", "seed", "model", "--select", "config.meta.self_heal.required:true",
            "--output", "json", "--output-keys", "name", "alias", "--quiet",
        ]  # fmt: skip
        done = subprocess.run(
            command,
            cwd=project_dir,
            env=dbt_env(scratch),
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
        names = []
        for line in done.stdout.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and "name" in obj:
                names.append(str(obj.get("alias") or obj["name"]))
        return sorted(names), "dbt ls"


@dataclass(frozen=True)
class StaleCheck:
    """The stale relations a default run would rebuild ([{relation, reason}]), or None and why they are unknown."""

    stale: list[dict[str, str]] | None
    detail: str | None = None


def stale_relations(workspace: Workspace, project_dir: Path) -> StaleCheck:
    """Ask the package which required relations are stale, for a database the caller found healthy.

    Only while this process holds the workspace lock, taken without waiting and released right after: dbt-duckdb
    opens the file read-write, so no selfheal run may start meanwhile. The operation builds and records nothing.
    """
    lock = WorkspaceLock(workspace.lock_path, workspace.owner_path, timeout=0)
    try:
        lock.acquire()
    except LockTimeoutError:
        holder = read_owner(workspace.owner_path)
        who = holder.describe() if holder is not None else "another selfheal command"
        return StaleCheck(None, f"not checked: the workspace is locked by {who}")
    except OSError as exc:
        return StaleCheck(None, f"not checked: cannot take the workspace lock {workspace.lock_path} ({exc})")
    try:
        return _status_operation(workspace, project_dir)
    finally:
        lock.release()


def _status_operation(workspace: Workspace, project_dir: Path) -> StaleCheck:
    with tempfile.TemporaryDirectory(prefix="selfheal-status-") as tmp:
        scratch = Workspace.at(tmp)
        scratch.target_dir.mkdir()
        cached = workspace.target_dir / PARTIAL_PARSE
        if cached.is_file():  # the workspace's parse cache: dbt then reparses only what changed
            shutil.copy2(cached, scratch.target_dir / PARTIAL_PARSE)
        dbt = find_dbt()
        env = dbt_env(workspace)  # PLANALIGN_DB_PATH: the workspace's database
        ensure_packages(project_dir, dbt, env)
        # The selection and vars of a default `selfheal simulate`: stale means what it would rebuild.
        args = ["run-operation", STATUS_OPERATION, "--args", json.dumps({"select": SIMULATE_SELECT}),
                *dbt_vars(None, None)]  # fmt: skip
        try:
            done = subprocess.run(
                dbt_command(dbt, args, project_dir, scratch),
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
            return StaleCheck(None, f"not checked: dbt run-operation {STATUS_OPERATION} took over "
                                    f"{PROBE_TIMEOUT_SECONDS:g}s")  # fmt: skip
    events = [parse_line(line) for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return _read_status(events, done.returncode)


def _read_status(events: list[DbtEvent], returncode: int) -> StaleCheck:
    found = next((e.heal for e in events if e.heal is not None and e.heal.kind == "status"), None)
    if returncode == 0 and found is not None:
        return StaleCheck(found.stale())
    texts = error_texts(events)
    why = " ".join(texts[0].split())[:300] if texts else f"exit code {returncode}, no status event"
    return StaleCheck(None, f"not checked: dbt run-operation {STATUS_OPERATION} failed: {why}")
