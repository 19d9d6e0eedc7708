"""Parse dbt's `--log-format json` lines into typed events, including the hook's `self_heal <json>` events."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SELF_HEAL_PREFIX = "self_heal "
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class TableRef:
    """A table the package names in its events (`state_relation`, `record_relation`), as the run resolved it from
    the package's settings (vars self_heal_state_schema, self_heal_state_table, self_heal_record_table) and target."""

    database: str | None
    schema: str
    identifier: str

    @classmethod
    def from_payload(cls, value: Any) -> TableRef | None:
        if not isinstance(value, dict) or not value.get("schema") or not value.get("identifier"):
            return None
        database = value.get("database")
        return cls(str(database) if database else None, str(value["schema"]), str(value["identifier"]))

    @property
    def sql(self) -> str:
        """The quoted, fully qualified name for a DuckDB statement."""
        parts = [part for part in (self.database, self.schema, self.identifier) if part]
        return ".".join('"' + part.replace('"', '""') + '"' for part in parts)

    def __str__(self) -> str:
        return ".".join(part for part in (self.database, self.schema, self.identifier) if part)


@dataclass(frozen=True)
class HealEvent:
    """One machine event of the package (dbt_self_heal/macros/report/self_heal_emit.sql; fields: README, "Hook
    events"): from the on-run-start hook, or `status` from `dbt run-operation dbt_self_heal.self_heal_status`."""

    kind: str  # step | heal_start | node | adopted | stale_kept | heal_skipped | heal_complete | heal_failed
    #          | previous_interrupted | status
    payload: dict[str, Any]

    @property
    def step(self) -> str | None:
        value = self.payload.get("step")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        value = self.payload.get("status")
        return value if isinstance(value, str) else None

    @property
    def invocation_id(self) -> str | None:
        value = self.payload.get("invocation_id")
        return value if isinstance(value, str) else None

    def relations(self) -> list[str]:
        value = self.payload.get("relations")
        return [str(v) for v in value] if isinstance(value, list) else []

    def names(self, key: str) -> list[str]:
        """A list of relation names (`missing`, `required`, ...); [] when absent or malformed."""
        value = self.payload.get(key)
        return [str(v) for v in value] if isinstance(value, list) else []

    def table(self, key: str) -> TableRef | None:
        """`state_relation` or `record_relation` (heal_start and status events), None from an older package."""
        return TableRef.from_payload(self.payload.get(key))

    def stale(self) -> list[dict[str, str]]:
        """The `stale` list of heal_start and status events as [{relation, reason}]."""
        return stale_entries(self.payload.get("stale"))


def stale_entries(value: Any) -> list[dict[str, str]]:
    """[{relation, unique_id, reason}] from the hook as [{relation, reason}]; malformed entries are skipped."""
    entries: list[dict[str, str]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and item.get("relation"):
            reason = item.get("reason") or "its fingerprint changed"
            entries.append({"relation": str(item["relation"]), "reason": str(reason)})
    return entries


@dataclass(frozen=True)
class DbtEvent:
    """One line of dbt output: a JSON log event, or raw text when the line is not JSON."""

    name: str  # info.name, or "RawText"
    message: str  # info.msg / data.msg without ANSI colours, or the raw line
    level: str = "info"
    data: dict[str, Any] = field(default_factory=dict)
    invocation_id: str | None = None
    raw: str = ""
    heal: HealEvent | None = None

    @property
    def is_raw(self) -> bool:
        return self.name == "RawText"

    @property
    def unique_id(self) -> str | None:
        node_info = self.data.get("node_info")
        if isinstance(node_info, dict):
            value = node_info.get("unique_id")
            return value if isinstance(value, str) else None
        return None


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def parse_heal_message(msg: str) -> HealEvent | None:
    """The hook event carried by a JinjaLogInfo message `self_heal {...}`, or None."""
    if not msg.startswith(SELF_HEAL_PREFIX):
        return None
    try:
        payload = json.loads(msg[len(SELF_HEAL_PREFIX) :])
    except json.JSONDecodeError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        return None
    return HealEvent(kind=payload["event"], payload=payload)


def parse_line(line: str) -> DbtEvent:
    """Parse one stdout line of dbt; anything that is not a dbt JSON event becomes a RawText event."""
    text = line.rstrip("\r\n")
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("info"), dict):
            info: dict[str, Any] = obj["info"]
            raw_data = obj.get("data")
            data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
            name = str(info.get("name", "Unknown"))
            msg = data.get("msg") if isinstance(data.get("msg"), str) else info.get("msg", "")
            msg = strip_ansi(str(msg or ""))
            heal = parse_heal_message(msg) if name == "JinjaLogInfo" else None
            inv = info.get("invocation_id")
            return DbtEvent(
                name=name,
                message=msg,
                level=str(info.get("level", "info")),
                data=data,
                invocation_id=inv if isinstance(inv, str) else None,
                raw=text,
                heal=heal,
            )
    return DbtEvent(name="RawText", message=strip_ansi(text), raw=text)
