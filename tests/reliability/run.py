"""`make reliability`: the fault-injection suites against real dbt, DuckDB files and processes, and a table.

Writes tests/reliability/results.json and exits 1 when any suite lost data or had a trial not end in its
promised state. `python -m tests.reliability.run --suites kill,disk --kill-trials 5` runs a part.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.reliability import bad_input, concurrency, corruption, disk, drift, kill, postgres
from tests.reliability.common import SuiteResult

RESULTS = Path(__file__).with_name("results.json")
SUITES: dict[str, Callable[[Path, argparse.Namespace], SuiteResult]] = {
    "kill": lambda w, a: kill.run(w, trials=a.kill_trials, seed=a.seed, census_rows=a.census_rows),
    "concurrency": lambda w, a: concurrency.run(w),
    "corruption": lambda w, a: corruption.run(w),
    "disk": lambda w, a: disk.run(w),
    "bad_input": lambda w, a: bad_input.run(w),
    "drift": lambda w, a: drift.run(w, seed=a.seed),
    "postgres": lambda w, a: postgres.run(w, kill_trials=a.postgres_kill_trials, seed=a.seed),
}


def table(suites: list[SuiteResult]) -> str:
    rows = [("suite", "trials", "clean", "lost", "seconds")]
    rows += [(s.suite, str(len(s.trials)), str(s.clean), str(s.lost), f"{s.seconds:.0f}") for s in suites]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suites", default=",".join(SUITES), help="comma-separated subset of " + ", ".join(SUITES))
    parser.add_argument("--kill-trials", type=int, default=20)
    parser.add_argument("--census-rows", type=int, default=200_000, help="census size for the kill suite")
    parser.add_argument("--postgres-kill-trials", type=int, default=3, help="kill -9 trials of the postgres suite")
    parser.add_argument("--seed", type=int, default=20251212, help="RNG seed of the kill moments")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.suites.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SUITES))
    if unknown:
        parser.error(f"unknown suites {unknown}")

    began = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="reliability-"))
    results: list[SuiteResult] = []
    try:
        for name in names:
            print(f"== {name}", flush=True)
            suite = SUITES[name](scratch / name, args)
            for trial in suite.trials:
                mark = "ok  " if trial.clean else ("LOST" if trial.lost else "FAIL")
                print(f"  {mark} {trial.name} ({trial.seconds:.1f}s)", flush=True)
                for failure in trial.failures():
                    print(f"       {failure}", flush=True)
            for note in suite.notes:
                print(f"  note: {note}", flush=True)
            results.append(suite)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.monotonic() - began
    args.out.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "host": {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus()},
                "seconds": round(seconds, 1),
                "suites": [s.to_dict() for s in results],
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print()
    print(table(results))
    print()
    for suite in results:
        print(suite.line())
    print(f"total {seconds:.0f}s; details in {args.out}")
    return 0 if all(s.passed for s in results) else 1


def _cpus() -> int | None:
    import os

    return os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())
