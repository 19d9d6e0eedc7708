"""Run one command as a measured child: wall and CPU time, arrival time of each output line, exit code, peak RSS.

Peak memory comes from `os.wait4` on the child, whose `ru_maxrss` is the largest resident set of the child and
of every descendant it waited for (dbt runs DuckDB in-process; the wrapper waits for its dbt), so it costs nothing
while the child runs and needs no polling.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Line:
    seconds: float  # since just before the child was started
    text: str
    event: dict[str, Any] | None  # the parsed object for dbt's `--log-format json` lines


@dataclass
class Measured:
    command: list[str]
    returncode: int
    wall_seconds: float
    cpu_seconds: float  # user + system time of the child and its waited children: robust to other load
    peak_rss_mb: float
    lines: list[Line] = field(default_factory=list)

    def events(self) -> list[dict[str, Any]]:
        return [line.event for line in self.lines if line.event is not None]

    def tail(self, n: int = 15) -> str:
        return "\n".join(line.text for line in self.lines[-n:])


def measure(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> Measured:
    """Start `command`, read its merged stdout/stderr line by line as it arrives, and reap it with wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    )
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    lines: list[Line] = []
    assert proc.stdout is not None
    for text in proc.stdout:
        arrived = time.perf_counter() - started
        text = text.rstrip("\n")
        event = None
        if text.startswith("{"):
            try:
                event = json.loads(text)
            except json.JSONDecodeError:
                event = None
        lines.append(Line(arrived, text, event))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    proc.stdout.close()
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(command, proc.returncode, wall, cpu, usage.ru_maxrss / 1024, lines)
