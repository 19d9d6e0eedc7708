"""concurrency suite (being written)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.common import SuiteResult


def run(workdir: Path) -> SuiteResult:
    return SuiteResult("concurrency", notes=["not written yet"])
