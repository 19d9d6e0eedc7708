"""The workspace lock: one selfheal command at a time per workspace, plus who holds it."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from selfheal.errors import LockTimeoutError


@dataclass(frozen=True)
class LockOwner:
    """Who holds (or last held) a workspace lock, as written to the owner file after acquiring it."""

    pid: int
    command: str
    since: str  # ISO 8601 UTC
    hostname: str

    @classmethod
    def current(cls) -> LockOwner:
        return cls(
            pid=os.getpid(),
            command=" ".join(sys.argv) or sys.executable,
            since=datetime.now(UTC).isoformat(timespec="seconds"),
            hostname=socket.gethostname(),
        )

    def is_alive(self) -> bool:
        """False when the recorded process is gone (a stale owner file); other hosts are assumed alive."""
        if self.hostname != socket.gethostname():
            return True
        import psutil

        return bool(psutil.pid_exists(self.pid))

    def describe(self) -> str:
        return f"PID {self.pid} ({self.command}) since {self.since} on {self.hostname}"


def read_owner(path: Path) -> LockOwner | None:
    """The owner recorded in an owner file; None when it is absent or unreadable (e.g. half-written)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockOwner(
            pid=int(data["pid"]),
            command=str(data["command"]),
            since=str(data["since"]),
            hostname=str(data["hostname"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_owner(path: Path, owner: LockOwner) -> None:
    """Replace the owner file atomically, so a reader never sees half of it (a stale one is overwritten)."""
    tmp = path.with_name(f"{path.name}.{owner.pid}.tmp")
    tmp.write_text(json.dumps(asdict(owner)) + "\n", encoding="utf-8")
    os.replace(tmp, path)


WaitCallback = Callable[[LockOwner | None, float], None]


class WorkspaceLock:
    """An OS file lock next to the database (the kernel releases it if the holder dies) + owner file."""

    def __init__(
        self,
        lock_path: Path,
        owner_path: Path,
        timeout: float,
        poll_interval: float = 0.5,
        on_wait: WaitCallback | None = None,
    ) -> None:
        self.lock_path = lock_path
        self.owner_path = owner_path
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.on_wait = on_wait
        self._lock = FileLock(str(lock_path))
        self.owner: LockOwner | None = None
        self.waited_seconds = 0.0

    def acquire(self) -> float:
        """Acquire the lock, reporting a changed holder to on_wait; return the seconds waited."""
        started = time.monotonic()
        reported: tuple[int, str] | None = None
        while True:
            elapsed = time.monotonic() - started
            remaining = self.timeout - elapsed
            try:
                self._lock.acquire(
                    timeout=0 if reported is None else max(0.0, min(self.poll_interval, remaining))
                )
                break
            except Timeout:
                elapsed = time.monotonic() - started
                holder = read_owner(self.owner_path)
                if holder is not None and not holder.is_alive():
                    holder = None  # stale owner file of a dead process; the live holder has not written yet
                key = (holder.pid, holder.since) if holder else (0, "")
                if key != reported:
                    reported = key
                    if self.on_wait:
                        self.on_wait(holder, elapsed)
                if elapsed >= self.timeout:
                    who = holder.describe() if holder else "an unknown process"
                    raise LockTimeoutError(
                        f"workspace lock {self.lock_path} is still held by {who} "
                        f"after waiting {elapsed:.0f} s "
                        f"(--lock-timeout {self.timeout:g})."
                    ) from None
        self.waited_seconds = time.monotonic() - started
        self.owner = LockOwner.current()
        write_owner(self.owner_path, self.owner)
        return self.waited_seconds

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        current = read_owner(self.owner_path)
        if current is not None and self.owner is not None and current.pid == self.owner.pid:
            self.owner_path.unlink(missing_ok=True)
        self._lock.release()
        self.owner = None

    def __enter__(self) -> WorkspaceLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
