"""Shared pytest fixtures: a fresh workspace directory per test, and the reference project's required relations."""

from __future__ import annotations

from pathlib import Path

import pytest

REQUIRED_SEEDS = {
    "config_age_bands",
    "config_tenure_bands",
    "config_job_levels",
    "config_merit_rates",
    "config_cola",
    "config_termination_hazards",
    "config_promotion_hazards",
    "config_benefit_plans",
    "config_simulation",
}
FOUNDATION = {"int_baseline_workforce", "int_employee_compensation_by_year", "int_employee_benefits"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet, in its own workspace directory."""
    return tmp_path / "ws" / "simulation.duckdb"


@pytest.fixture(autouse=True)
def _workspace_dir(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
