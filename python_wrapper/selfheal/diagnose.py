"""Turn a failed dbt run (its parsed events and exit code) into one catalogued error with a remediation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from selfheal.errors import (
    CensusFormatError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DbtFailedError,
    InsufficientDiskError,
    MissingCensusError,
    ModelError,
    ProfileError,
    SeedFileError,
    SelfHealError,
    SimulationYearError,
    VersionMismatchError,
)
from selfheal.events import DbtEvent
from selfheal.health import classify_open_error, is_known_corruption, parse_lock_holder, process_cmdline

_IN_NODE = re.compile(
    r"(?:Error|error) in (?P<kind>model|seed|test|unit_test) (?P<name>[\w.]+) \((?P<path>[^)]+)\)"
)
_NOT_FOUND_NODE = re.compile(r"depends on a node named '(?P<name>[\w.]+)'.*?which was not found", re.DOTALL)
# DuckDB's CSV reader errors: a census with missing columns or values of the wrong type.
_READ_CSV_ERROR = re.compile(r"CSV Error|Error when sniffing file|Expected Number of Columns|read_csv", re.IGNORECASE)
_SEED_FILE = re.compile(r"Seed file (?P<path>\S+) \(seed (?P<name>\w+)\)")
_PROFILE = (
    "could not find profile named",
    "does not have a target named",
    "profile should not be none",
    "no profiles.yml",
    "could not find profiles.yml",
    "profiles.yml file",
    "env var required but not provided",
)


def error_texts(events: list[DbtEvent]) -> list[str]:
    """The messages that explain a failure, most specific first."""
    texts: list[str] = []
    for event in events:
        if event.heal is not None and event.heal.kind == "heal_failed":
            texts.append(str(event.heal.payload.get("error", "")))
    for event in events:
        if (
            event.name
            in ("RunResultError", "RunResultErrorNoMessage", "MainEncounteredError", "CompiledNodeError")
            or event.level == "error"
            or (event.is_raw and "error" in event.message.lower())
        ):
            texts.append(event.message)
    return [t for t in dict.fromkeys(texts) if t.strip()]


def unfinished_node(events: list[DbtEvent]) -> dict[str, object] | None:
    """The node the heal was building when the run stopped: started, never completed (its `node` events)."""
    open_nodes: dict[str, dict[str, object]] = {}
    for event in events:
        heal = event.heal
        if heal is None or heal.kind != "node":
            continue
        uid = str(heal.payload.get("unique_id"))
        if heal.status == "started":
            open_nodes[uid] = heal.payload
        else:
            open_nodes.pop(uid, None)
    return list(open_nodes.values())[-1] if open_nodes else None


def node_file(target_dir: Path | None, unique_id: str) -> str | None:
    """The file of a node, from the manifest dbt wrote for this run (before it ran anything)."""
    manifest = target_dir / "manifest.json" if target_dir is not None else None
    if manifest is None or not manifest.is_file():
        return None
    try:
        node = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {}).get(unique_id) or {}
    except (OSError, ValueError):
        return None
    path = node.get("original_file_path")
    return str(path) if path else None


def classify_failure(
    events: list[DbtEvent], exit_code: int, target_dir: Path | None = None, project_dir: Path | None = None
) -> SelfHealError:
    texts = error_texts(events)
    joined = "\n".join(texts)
    lower = joined.lower()
    heal_failed = next((e.heal for e in events if e.heal is not None and e.heal.kind == "heal_failed"), None)
    step = heal_failed.step if heal_failed else None
    hook_remediation = str(heal_failed.payload.get("remediation", "")) if heal_failed else ""
    first = texts[0] if texts else f"dbt exited with code {exit_code} without an error message"

    if "could not set lock" in lower or "conflicting lock" in lower:
        holder = parse_lock_holder(joined)
        who = "another process"
        if holder:
            who = f"another process (PID {holder[1]}, {process_cmdline(holder[1]) or holder[0]})"
        return DatabaseLockedError(f"database locked by {who}: {first.splitlines()[0]}")
    if "no space left on device" in lower or "file too large" in lower:
        return InsufficientDiskError(f"the disk filled up while dbt was writing: {first}")
    if "database file" in lower and classify_open_error(joined) == "version_mismatch":
        return VersionMismatchError(f"dbt could not open the database: {first}")
    if is_known_corruption(joined):
        return CorruptDatabaseError(f"dbt found the database corrupt: {first}")
    if "input file not found" in lower or ("census" in lower and "no files found" in lower):
        return MissingCensusError(first)
    if any(marker in lower for marker in _PROFILE):
        return ProfileError(first)
    seed = _SEED_FILE.search(joined)
    if seed or step == "load_seeds":
        return SeedFileError(first, hook_remediation or None)
    missing_node = _NOT_FOUND_NODE.search(joined)
    if missing_node and project_dir is not None:
        name = missing_node["name"]
        declared = any(name in p.read_text(encoding="utf-8") for p in (project_dir / "seeds").glob("*.yml"))
        if declared and not (project_dir / "seeds" / f"{name}.csv").exists():
            return SeedFileError(
                f"seed file seeds/{name}.csv is missing (seed {name} is declared and referenced)."
            )
    if "simulation_year" in lower and "outside the configured range" in lower:
        return SimulationYearError(first)
    building = unfinished_node(events)
    if building is not None or step in ("build_foundation", "verify"):
        # dbt stops the run at the statement that failed; the heal's last unfinished `node` event names the node.
        name = str(building["name"]) if building else None
        kind = str(building.get("resource_type", "model")) if building else "model"
        if name == "stg_census" or (name is None and _READ_CSV_ERROR.search(joined)):
            return CensusFormatError(f"the census file could not be read while initializing: {first}")
        if kind == "seed":
            return SeedFileError(f"initialization failed loading seed {name}: {first}")
        where = f"{kind} {name}" if name else "a model of the healing transaction"
        found = node_file(target_dir, str(building.get("unique_id"))) if building else None
        path = found or f"models/**/{name or '<model>'}.sql"
        return ModelError(
            f"initialization failed building {where}: {first}",
            f"fix the SQL of {name or 'that model'} ({path}), then rerun; "
            f"`dbt build --select {name or '<model>'} --vars '{{self_heal_enabled: false}}'` "
            "shows dbt's own error. Nothing of the initialization was kept.",
        )
    node = _IN_NODE.search(joined)
    if (node and node["kind"] == "model") or ("compilation error" in lower and "model" in lower):
        name = node["name"] if node else "a model"
        path = f" ({node['path']})" if node else ""
        return ModelError(
            f"{name}{path} failed: {first}",
            f"fix the SQL of {name}{path}, then rerun.",
        )
    if node and node["kind"] == "seed":
        return SeedFileError(f"seed {node['name']} ({node['path']}) failed: {first}")
    return DbtFailedError(f"dbt failed (exit code {exit_code}): {first}")
