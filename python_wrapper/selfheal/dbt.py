"""dbt as a subprocess with JSON logs: build the command line and stream its events as they are printed."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from selfheal.errors import ProfileError
from selfheal.events import DbtEvent, parse_line
from selfheal.workspace import Workspace


def find_dbt() -> str:
    """The dbt next to this Python (same venv), else the first on PATH."""
    sibling = Path(sys.executable).parent / "dbt"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return str(sibling)
    found = shutil.which("dbt")
    if found:
        return found
    raise ProfileError(
        f"dbt executable not found next to {sys.executable} or on PATH.",
        "install the project (`make venv`) or put dbt on PATH, then rerun.",
    )


def dbt_env(workspace: Workspace, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["PLANALIGN_DB_PATH"] = str(workspace.database)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_VERSION_CHECK"] = "false"
    return env


def dbt_command(dbt_exe: str, args: list[str], project_dir: Path, workspace: Workspace) -> list[str]:
    """`dbt <subcommand> <workspace flags> <rest>`: the workspace's target/log paths and JSON logs, always."""
    flags = [
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(workspace.target_dir),
        "--log-path", str(workspace.logs_dir),
        "--log-format", "json",
    ]  # fmt: skip
    if not args:
        return [dbt_exe, *flags]
    return [dbt_exe, args[0], *flags, *args[1:]]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """In the child, before exec: ask Linux to SIGTERM dbt if the wrapper dies, even by SIGKILL.

    dbt runs in its own session (so Ctrl-C reaches only the wrapper); without this an orphaned dbt would keep the
    DuckDB file locked and block the next run. Its healing transaction rolls back either way.
    """
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the wrapper died before the request took effect
            os._exit(1)

    return arm


class DbtInvocation:
    """One running dbt process. stream() yields its events live; wait() returns the exit code."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.command = command
        self.cwd = cwd
        self.events: list[DbtEvent] = []
        # Own session: Ctrl-C reaches only the wrapper, which forwards exactly one SIGINT (see interrupt()).
        self.process = subprocess.Popen(
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
            start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        self.returncode: int | None = None

    @classmethod
    def start(
        cls, args: list[str], project_dir: Path, workspace: Workspace, dbt_exe: str | None = None
    ) -> DbtInvocation:
        command = dbt_command(dbt_exe or find_dbt(), args, project_dir, workspace)
        return cls(command, project_dir, dbt_env(workspace))

    @property
    def pid(self) -> int:
        return self.process.pid

    def stream(self) -> Iterator[DbtEvent]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if not line.strip():
                continue
            event = parse_line(line)
            self.events.append(event)
            yield event

    def wait(self) -> int:
        for _ in self.stream():
            pass
        self.returncode = self.process.wait()
        return self.returncode

    def is_successful(self) -> bool:
        return self.returncode == 0

    def interrupt(self, grace_seconds: float = 30.0) -> int:
        """Stop dbt the way Ctrl-C would (SIGINT: dbt cancels and closes the database); wait."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.returncode = self.process.returncode
        return self.returncode
