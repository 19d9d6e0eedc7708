"""Progress renderers: Rich (spinner per step) on a terminal, plain flushed lines otherwise."""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class Reporter(Protocol):
    def line(self, text: str) -> None: ...
    def warn(self, text: str) -> None: ...
    def step_started(self, step: str, label: str) -> None: ...
    def step_finished(self, step: str, ok: bool, duration: float | None, detail: str = "") -> None: ...
    def node(self, text: str, ok: bool) -> None: ...
    def heal_node(self, index: int, total: int, text: str) -> None: ...
    def close(self) -> None: ...


STEP_LABELS = {
    "check_workspace": "Checking the workspace",
    "check_disk": "Checking free disk space",
    "acquire_lock": "Acquiring the workspace lock",
    "check_database": "Checking the database",
    "check_tables": "Checking required tables",
    "load_seeds": "Loading seed data",
    "build_foundation": "Building foundation models",
    "verify": "Verifying",
}


# A heal of up to this many nodes gets a line per node; a larger one about this many lines (plus first and last).
NODE_LINES = 20


# Live output stays short however large the heal: names and reasons beyond these go to logs/selfheal.jsonl only.
NAMES_SHOWN = 20
STALE_LINES = 12
REASON_CHARS = 200


def name_list(names: list[str], limit: int = NAMES_SHOWN) -> str:
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def describe_stale(item: dict[str, str], limit: int = REASON_CHARS) -> str:
    """`name (reason)` for a stale relation, the reason cut to `limit` characters."""
    reason = item["reason"]
    if len(reason) > limit:
        reason = reason[: limit - 3].rstrip() + "..."
    return f"{item['relation']} ({reason})"


def _fmt(duration: float | None) -> str:
    return "" if duration is None else f" ({duration:.2f}s)"


def shows_node(index: int, total: int, lines: int = NODE_LINES) -> bool:
    """Whether the plain output prints the heal's node `index` of `total`: all of a small heal, else every n-th."""
    if total <= lines or index in (1, total):
        return True
    return index % -(-total // lines) == 0


class NullReporter:
    """For the Python API: everything goes to the structured log only."""

    def line(self, text: str) -> None: ...
    def warn(self, text: str) -> None: ...
    def step_started(self, step: str, label: str) -> None: ...
    def step_finished(self, step: str, ok: bool, duration: float | None, detail: str = "") -> None: ...
    def node(self, text: str, ok: bool) -> None: ...
    def heal_node(self, index: int, total: int, text: str) -> None: ...
    def close(self) -> None: ...


class PlainReporter:
    """One flushed line per event, for logs, CI and pipes."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def _print(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
        except UnicodeEncodeError:  # e.g. a reason's arrow on a Latin-1 terminal
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(text.encode(encoding, "replace").decode(encoding) + "\n")
        self.stream.flush()

    def line(self, text: str) -> None:
        self._print(f"selfheal: {text}")

    def warn(self, text: str) -> None:
        self._print(f"selfheal: warning: {text}")

    def step_started(self, step: str, label: str) -> None:
        self._print(f"selfheal: [{step}] {label.rstrip('.')}...")

    def step_finished(self, step: str, ok: bool, duration: float | None, detail: str = "") -> None:
        word = "done" if ok else "FAILED"
        self._print(f"selfheal: [{step}] {word}{_fmt(duration)}" + (f": {detail}" if detail else ""))

    def node(self, text: str, ok: bool) -> None:
        if not ok:
            self._print(f"dbt: {text}")

    def heal_node(self, index: int, total: int, text: str) -> None:
        if shows_node(index, total):
            self._print(f"selfheal: {text}")

    def close(self) -> None: ...


class RichReporter:
    """A spinner naming the running step or node; a tick or cross line per finished step."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self._status: Any = None

    def _set_status(self, text: str) -> None:
        if self._status is None:
            self._status = self.console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def line(self, text: str) -> None:
        self.console.print(f"[bold]selfheal:[/] {text}")

    def warn(self, text: str) -> None:
        self.console.print(f"[yellow]warning:[/] {text}")

    def step_started(self, step: str, label: str) -> None:
        self._set_status(f"{label.rstrip('.')}...")

    def step_finished(self, step: str, ok: bool, duration: float | None, detail: str = "") -> None:
        mark = "[green]✓[/]" if ok else "[red]✗[/]"
        label = STEP_LABELS.get(step, step)
        self.console.print(f"{mark} {label}{_fmt(duration)}" + (f" — {detail}" if detail else ""))
        self._set_status("running dbt...")

    def node(self, text: str, ok: bool) -> None:
        if ok:
            self._set_status(text)
        else:
            self.console.print(f"[red]{text}[/]")

    def heal_node(self, index: int, total: int, text: str) -> None:
        self._set_status(text)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
