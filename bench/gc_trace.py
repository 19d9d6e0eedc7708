"""Where Python's full garbage collections fall in one dbt invocation, next to dbt's own log lines.

    .venv/bin/python -m bench.gc_trace [--no-gc] -- build --select fct_workforce_snapshot --profiles-dir . ...

Runs dbt's CLI in this process with a `gc.callbacks` hook and prints, on stderr, one line per generation-2
collection (when it ended, as an ISO UTC time comparable with dbt's JSON `ts`; seconds since start; how long
it took) among dbt's own output. `make bench` runs the warm-hook samples through it (bench/events.py,
`hook_gc_seconds`). With `--no-gc` the collector is off,
which shows the hook's time without the collections that land in it. Measured here (README, "Benchmarks"): on a
healthy reference workspace one full collection of dbt's heap (about 0.1 s) falls inside the on-run-start hook; with
healing off, plain dbt takes the same collection about as far into the run, while its nodes run.
"""

from __future__ import annotations

import gc
import sys
import time
from datetime import UTC, datetime
from typing import Any


def main(argv: list[str]) -> int:
    collect = "--no-gc" not in argv
    args = [a for a in argv if a not in ("--no-gc", "--")]
    started = time.perf_counter()
    began: list[float] = []

    def on_collect(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        now = time.perf_counter()
        if phase == "start":
            began.append(now)
        elif began:
            at = began.pop()
            clock = datetime.now(UTC).isoformat(timespec="milliseconds")  # when it ended, as dbt's JSON `ts`
            sys.stderr.write(f"gc_trace: {clock} full collection {at - started:.3f} s after start, {now - at:.3f} s\n")
            sys.stderr.flush()

    if collect:
        gc.callbacks.append(on_collect)
    else:
        gc.disable()
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    state = "on" if collect else "off"
    sys.stderr.write(f"gc_trace: dbt finished {time.perf_counter() - started:.3f} s after start (gc {state})\n")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
