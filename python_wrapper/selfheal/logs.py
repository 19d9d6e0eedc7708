"""Structured log: one JSON object per line in <workspace>/logs/selfheal.jsonl + logger `selfheal`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOGGER_NAME = "selfheal"
logger = logging.getLogger(LOGGER_NAME)

# LogRecord attributes that must not be overwritten through `extra`.
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StructuredLog:
    """Records go to the jsonl file once the workspace exists (buffered until then, never creating it),
    and always handed to the `selfheal` logger with the fields in `extra` and as `record.selfheal`."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.invocation_id: str | None = None
        self.path: Path | None = None
        self._buffer: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.write_error: str | None = None  # set when the file could not be written (e.g. the disk is full)

    def open(self, path: Path) -> None:
        self.path = path
        buffered, self._buffer = self._buffer, []
        for record in buffered:
            self._write(record)

    def emit(self, event: str, level: int = logging.INFO, **fields: Any) -> dict[str, Any]:
        record: dict[str, Any] = {"ts": utc_now(), "event": event, "workspace": str(self.workspace)}
        record["invocation_id"] = fields.pop("invocation_id", None) or self.invocation_id
        record.update(fields)
        self.records.append(record)
        extra = {key: value for key, value in record.items() if key not in _RESERVED}
        extra["selfheal"] = record
        logger.log(level, json.dumps(record, default=str), extra=extra)
        if self.path is None:
            self._buffer.append(record)
        else:
            self._write(record)
        return record

    def step_start(self, step_name: str, started_at: str, **fields: Any) -> dict[str, Any]:
        return self.emit("initialization_step_start", step_name=step_name, started_at=started_at, **fields)

    def step_complete(
        self,
        step_name: str,
        started_at: str | None,
        completed_at: str | None,
        duration_seconds: float | None,
        success: bool,
        error: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        return self.emit(
            "initialization_step_complete",
            level=logging.INFO if success else logging.ERROR,
            step_name=step_name,
            started_at=started_at,
            completed_at=completed_at,
            duration_seconds=duration_seconds,
            success=success,
            error=error,
            **fields,
        )

    def _write(self, record: dict[str, Any]) -> None:
        assert self.path is not None
        if self.write_error is not None:
            return
        # One write per line on an O_APPEND file: concurrent processes never interleave within a line.
        try:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, default=str) + "\n")
        except OSError as exc:
            # The log must never be what stops a run (a full disk is reported by the run itself, SH003): keep the
            # records in memory and stop writing the file.
            self.write_error = f"{self.path}: {exc.strerror or exc}"
            logger.warning("structured log not written any more (%s)", self.write_error)
