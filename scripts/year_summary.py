"""Print the headline numbers of a simulated year from a workspace's database (read-only): `make demo` ends with it.

Usage: python scripts/year_summary.py WORKSPACE_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SUMMARY = """
with snapshot as (select * from fct_workforce_snapshot),
events as (select event_type, count(*) as n from fct_yearly_events group by 1)
select
    (select max(simulation_year) from snapshot) as simulation_year,
    (select count(*) from snapshot where not is_new_hire) as active_at_start,
    (select coalesce(sum(n), 0) from events where event_type = 'termination') as terminations,
    (select coalesce(sum(n), 0) from events where event_type = 'hire') as hires,
    (select coalesce(sum(n), 0) from events where event_type = 'promotion') as promotions,
    (select count(*) from snapshot where employment_status = 'active') as active_at_end,
    (select round(sum(final_compensation) filter (where employment_status = 'active') / 1e6, 1) from snapshot)
        as payroll_musd
"""


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    database = Path(argv[1]) / "simulation.duckdb"
    if not database.is_file():
        print(f"no database at {database}: run `selfheal simulate --workspace {argv[1]}` first", file=sys.stderr)
        return 1
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(SUMMARY).fetchone()
    if row is None:
        return 1
    year, start, terms, hires, promos, end, payroll = row
    growth = (end - start) / start * 100 if start else 0.0
    print(
        f"year {year}: {start:,} active at start, {terms:,} terminations, {hires:,} hires, {promos:,} promotions, "
        f"{end:,} active at year end ({growth:+.1f}%), year-end payroll ${payroll:,}M"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
