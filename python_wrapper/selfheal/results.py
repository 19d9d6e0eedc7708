"""What a guarded run returns: its steps (wrapper guards and hook steps) and the InitializationResult."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from selfheal.errors import SelfHealError

InitializationState = Literal["not_started", "in_progress", "completed", "failed"]


@dataclass
class StepRecord:
    """One initialization step: a wrapper guard (acquire_lock, ...) or a hook step (check_tables, ...)."""

    name: str
    source: Literal["wrapper", "hook"]
    started_at: str | None = None
    completed_at: str | None = None
    duration_seconds: float | None = None
    success: bool | None = None
    error: str | None = None
    relations: list[str] = field(default_factory=list)


@dataclass
class InitializationResult:
    workspace: Path
    database: Path
    state: InitializationState
    healed: bool = False
    missing: list[str] = field(default_factory=list)  # relations found missing by the hook
    stale: list[dict[str, str]] = field(default_factory=list)  # [{relation, reason}] the hook found out of date
    created: list[str] = field(default_factory=list)  # relations the hook built and verified (missing + stale)
    adopted: list[str] = field(default_factory=list)  # relations recorded as they are, without a rebuild
    steps: list[StepRecord] = field(default_factory=list)
    duration_seconds: float = 0.0
    heal_duration_seconds: float | None = None
    invocation_id: str | None = None
    dbt_args: list[str] = field(default_factory=list)
    exit_code: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # models / seeds / tests / failed run by dbt itself
    warnings: list[SelfHealError] = field(default_factory=list)
    moved_aside: list[tuple[str, str]] = field(default_factory=list)
    log_path: Path | None = None
    lock_waited_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["workspace"] = str(self.workspace)
        data["database"] = str(self.database)
        data["log_path"] = str(self.log_path) if self.log_path else None
        data["warnings"] = [w.to_dict() for w in self.warnings]
        return data
