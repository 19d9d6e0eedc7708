"""The dbt project a command runs: where it is, that it can run, the year and census asked for, and the vars."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from selfheal.errors import CensusFormatError, MissingCensusError, ProfileError, SimulationYearError

# What `selfheal simulate` builds (with their tests); the hook heals everything they read.
SIMULATE_SELECT = ["fct_workforce_snapshot", "fct_yearly_events"]

DEFAULT_YEAR = (
    2025  # dbt_project.yml vars.simulation_year; --vars is passed only for other years (warm partial parse)
)
DEFAULT_CENSUS = "data/census.csv"  # dbt_project.yml vars.census_path, relative to the project dir


PROJECT_DIR_ENV = "PLANALIGN_PROJECT_DIR"


def resolve_project_dir(project_dir: str | os.PathLike[str] | None = None) -> Path:
    """The dbt project a command runs: the explicit argument (--project-dir), else $PLANALIGN_PROJECT_DIR, else the
    current directory, as dbt itself does (cwd, or DBT_PROJECT_DIR). Never where this package is installed: an
    installed wheel lives in a venv, far from any project."""
    if project_dir is not None:
        return Path(project_dir).expanduser().absolute()
    env = os.environ.get(PROJECT_DIR_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Path.cwd()


def check_project(project_dir: Path) -> None:
    if not (project_dir / "dbt_project.yml").is_file():
        raise ProfileError(
            f"no dbt_project.yml in project dir {project_dir} (the project dir is --project-dir, else "
            f"${PROJECT_DIR_ENV}, else the current directory).",
            "run selfheal from the dbt project's directory (the one holding dbt_project.yml), or pass "
            f"--project-dir (or set {PROJECT_DIR_ENV}) to it.",
        )
    if not (project_dir / "profiles.yml").is_file():
        raise ProfileError(
            f"no profiles.yml in {project_dir}: dbt needs the profile 'planalign' (a duckdb target reading "
            "PLANALIGN_DB_PATH).",
            f"restore {project_dir / 'profiles.yml'} (e.g. `git checkout -- profiles.yml`), then rerun.",
        )


def configured_years(project_dir: Path) -> list[int]:
    """Years in seeds/config_simulation.csv (empty when the project has no such seed)."""
    path = project_dir / "seeds" / "config_simulation.csv"
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return sorted(
                int(row["simulation_year"]) for row in csv.DictReader(handle) if row.get("simulation_year")
            )
    except (OSError, KeyError, ValueError):
        return []


def check_year(project_dir: Path, year: int) -> None:
    years = configured_years(project_dir)
    if years and year not in years:
        raise SimulationYearError(
            f"simulation year {year} is outside the years configured in seeds/config_simulation.csv "
            f"({years[0]}..{years[-1]}).",
            f"pass --year between {years[0]} and {years[-1]}, or add a row for {year} to "
            "seeds/config_simulation.csv (and seeds/config_cola.csv).",
        )


def census_file(project_dir: Path, census: Path | None) -> Path:
    path = census if census is not None else Path(DEFAULT_CENSUS)
    return path if path.is_absolute() else project_dir / path


def check_census(project_dir: Path, census: Path | None) -> Path:
    path = census_file(project_dir, census)
    if not path.is_file():
        raise MissingCensusError(
            f"census file not found: {path} (var census_path"
            + (f", --census {census}" if census is not None else f", default {DEFAULT_CENSUS}")
            + ").",
            f"put the census CSV at {path}, or pass --census path/to/census.csv; then rerun.",
        )
    check_census_header(path)
    return path


CENSUS_COLUMNS = (
    "employee_id", "birth_date", "hire_date", "termination_date", "employee_status", "annual_compensation",
    "job_level", "deferral_rate", "department",
)  # fmt: skip  # the columns macros/read_census.sql reads, in its order


def check_census_header(path: Path) -> None:
    """The census is read by position with fixed types (macros/read_census.sql): a file whose header names other
    columns, or none, would load silently wrong, so its header must be exactly the expected one."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    names = [name.strip().lower() for name in header]
    if names != list(CENSUS_COLUMNS):
        found = ", ".join(header) if header else "nothing (the file is empty)"
        raise CensusFormatError(
            f"census file {path} has the header: {found}; expected: {', '.join(CENSUS_COLUMNS)} (in this order).",
            f"fix the header of {path} (or reorder its columns) to match; "
            "scripts/generate_census.py writes a correct example. Then rerun.",
        )


def dbt_vars(year: int | None, census: Path | None) -> list[str]:
    """`--vars` for a year or census other than the defaults; nothing for a default run (warm partial parse)."""
    values: dict[str, Any] = {}
    if year is not None and year != DEFAULT_YEAR:
        values["simulation_year"] = year
    if census is not None:
        values["census_path"] = str(census)
    return ["--vars", json.dumps(values)] if values else []
