"""Free-space guard: refuse before anything is written when the workspace's filesystem is too full."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from selfheal.errors import InsufficientDiskError
from selfheal.workspace import nearest_existing

MB = 1024 * 1024
# DuckDB stores the census and seeds at about CSV size; 3x leaves room for the WAL and the transaction.
INPUT_SIZE_FACTOR = 3


@dataclass(frozen=True)
class DiskCheck:
    path: Path  # where free space was measured (the workspace or its nearest existing ancestor)
    free_bytes: int
    required_bytes: int
    min_free_bytes: int
    estimate_bytes: int


def input_bytes(inputs: list[Path]) -> int:
    """Total size of the given files and of every file under the given directories (missing ones count 0)."""
    total = 0
    for item in inputs:
        if item.is_file():
            total += item.stat().st_size
        elif item.is_dir():
            total += sum(p.stat().st_size for p in item.rglob("*") if p.is_file())
    return total


def estimate_required_bytes(inputs: list[Path]) -> int:
    return INPUT_SIZE_FACTOR * input_bytes(inputs)


def check_disk(workspace_root: Path, min_free_mb: float, inputs: list[Path]) -> DiskCheck:
    where = nearest_existing(workspace_root)
    free = shutil.disk_usage(where).free
    estimate = estimate_required_bytes(inputs)
    min_free = int(min_free_mb * MB)
    required = max(min_free, estimate)
    check = DiskCheck(where, free, required, min_free, estimate)
    if free < required:
        raise InsufficientDiskError(
            f"not enough free disk space for workspace {workspace_root}: {free / MB:.1f} MB free at {where}, "
            f"{required / MB:.1f} MB required (--min-free-mb {min_free_mb:g}; estimate "
            f"{INPUT_SIZE_FACTOR} x {input_bytes(inputs) / MB:.1f} MB of census and seeds = "
            f"{estimate / MB:.1f} MB). "
            "Nothing was written."
        )
    return check
