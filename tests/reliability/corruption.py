"""corruption suite (being written)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.common import SuiteResult


def run(workdir: Path) -> SuiteResult:
    return SuiteResult("corruption", notes=["not written yet"])
