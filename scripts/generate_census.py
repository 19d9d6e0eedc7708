"""Generate a synthetic, deterministic employee census for the PlanAlign reference workspace.

The census is the simulation's input population as of ``--as-of`` (default 2024-12-31): one row per
employee with birth, hire and termination dates, status, job level 1..5 (see seeds/config_job_levels.csv),
annual compensation, 401(k) deferral rate and department. The same arguments always produce a
byte-identical file: every draw comes from one ``random.Random(seed)`` in a fixed order, and every
number is written with a fixed format. Rows are streamed, so 1,000,000 employees need little memory.

Usage:
    python scripts/generate_census.py --employees 10000 --out data/census.csv
    python scripts/generate_census.py --employees 1000000 --out /tmp/c1m.csv --seed 7 --as-of 2024-12-31
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path

COLUMNS: tuple[str, ...] = (
    "employee_id",
    "birth_date",
    "hire_date",
    "termination_date",
    "employee_status",
    "annual_compensation",
    "job_level",
    "deferral_rate",
    "department",
)

DAYS_PER_YEAR = 365.25
MIN_AGE = 20.0
MAX_AGE = 67.99
MIN_HIRE_AGE = 20.0
MEAN_TENURE_YEARS = 6.0
TERMINATED_SHARE = 0.04


@dataclass(frozen=True)
class Level:
    """Census profile of one job level; the salary range matches seeds/config_job_levels.csv."""

    job_level: int
    share: float
    mean_age: float
    min_compensation: float
    max_compensation: float
    participation_rate: float


LEVELS: tuple[Level, ...] = (
    Level(1, 0.40, 31.0, 45_000.0, 70_000.0, 0.62),
    Level(2, 0.28, 36.0, 60_000.0, 100_000.0, 0.70),
    Level(3, 0.18, 41.0, 90_000.0, 145_000.0, 0.78),
    Level(4, 0.10, 46.0, 130_000.0, 210_000.0, 0.85),
    Level(5, 0.04, 50.0, 190_000.0, 300_000.0, 0.90),
)
AGE_SPREAD_YEARS = 8.0

DEFERRAL_RATES: tuple[float, ...] = (0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12, 0.15)
DEFERRAL_WEIGHTS: tuple[float, ...] = (15, 10, 15, 30, 10, 12, 4, 4)

DEPARTMENTS: tuple[str, ...] = (
    "Engineering",
    "Operations",
    "Sales",
    "Customer Support",
    "Finance",
    "Marketing",
    "Human Resources",
    "Legal",
)
DEPARTMENT_WEIGHTS: tuple[float, ...] = (25, 20, 18, 15, 8, 5, 6, 3)


def _cumulative(weights: tuple[float, ...]) -> list[float]:
    """Cumulative weights normalised to end at exactly 1.0, for bisect-based draws."""
    total = sum(weights)
    cumulative = [w / total for w in accumulate(weights)]
    cumulative[-1] = 1.0
    return cumulative


def _pick(cumulative: list[float], draw: float) -> int:
    """Index of the bucket a uniform draw in [0, 1) falls into."""
    return min(bisect_right(cumulative, draw), len(cumulative) - 1)


class CensusGenerator:
    """Produces census rows one at a time from a seeded random stream."""

    def __init__(self, seed: int, as_of: date) -> None:
        self._rng = random.Random(seed)
        self._as_of_ordinal = as_of.toordinal()
        self._as_of_year_start = date(as_of.year, 1, 1).toordinal()
        self._level_cum = _cumulative(tuple(level.share for level in LEVELS))
        self._deferral_cum = _cumulative(DEFERRAL_WEIGHTS)
        self._department_cum = _cumulative(DEPARTMENT_WEIGHTS)
        self._iso_cache: dict[int, str] = {}

    def _iso(self, ordinal: int) -> str:
        """ISO date text for a proleptic ordinal; cached because censuses reuse a few thousand dates."""
        text = self._iso_cache.get(ordinal)
        if text is None:
            text = date.fromordinal(ordinal).isoformat()
            self._iso_cache[ordinal] = text
        return text

    def row(self, number: int, id_width: int) -> list[str]:
        """The census row of employee ``number`` (1-based); draws happen in a fixed order."""
        rng = self._rng
        level = LEVELS[_pick(self._level_cum, rng.random())]

        age = min(max(rng.gauss(level.mean_age, AGE_SPREAD_YEARS), MIN_AGE), MAX_AGE)
        max_tenure = max(age - MIN_HIRE_AGE, 0.0)
        tenure = rng.expovariate(1.0 / MEAN_TENURE_YEARS)
        if tenure > max_tenure:
            tenure = rng.random() * max_tenure
        tenure_days = int(tenure * DAYS_PER_YEAR)
        birth_ordinal = self._as_of_ordinal - int(age * DAYS_PER_YEAR)
        hire_ordinal = self._as_of_ordinal - tenure_days

        # Salary position in the level's range grows with tenure, with individual noise.
        position = 0.65 * rng.random() + 0.35 * min(tenure / 20.0, 1.0)
        compensation = level.min_compensation + (level.max_compensation - level.min_compensation) * position

        termination = ""
        status = "active"
        terminated_draw = rng.random()
        days_since_hire = self._as_of_ordinal - hire_ordinal
        if terminated_draw < TERMINATED_SHARE and days_since_hire >= 2:
            # Terminated during the census year, after the hire date, on or before the as-of date.
            earliest = max(hire_ordinal + 1, self._as_of_year_start)
            termination = self._iso(earliest + int(rng.random() * (self._as_of_ordinal - earliest + 1)))
            status = "terminated"

        deferral = 0.0
        if rng.random() < level.participation_rate:
            deferral = DEFERRAL_RATES[_pick(self._deferral_cum, rng.random())]
        department = DEPARTMENTS[_pick(self._department_cum, rng.random())]

        return [
            f"EMP_{number:0{id_width}d}",
            self._iso(birth_ordinal),
            self._iso(hire_ordinal),
            termination,
            status,
            f"{compensation:.2f}",
            str(level.job_level),
            f"{deferral:.2f}",
            department,
        ]


def write_census(out: Path, employees: int, seed: int, as_of: date) -> None:
    """Write ``employees`` census rows with a header to ``out`` (parent folders are created)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    generator = CensusGenerator(seed, as_of)
    id_width = max(6, len(str(employees)))
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        batch: list[list[str]] = []
        for number in range(1, employees + 1):
            batch.append(generator.row(number, id_width))
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, default=10_000, help="number of employees (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date(2024, 12, 31),
        help="census date, YYYY-MM-DD (default 2024-12-31, the day before the first simulation year)",
    )
    args = parser.parse_args(argv)
    if args.employees < 0:
        parser.error("--employees must be zero or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    write_census(args.out, args.employees, args.seed, args.as_of)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.employees} employees to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
