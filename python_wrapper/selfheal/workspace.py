"""A workspace: one directory with its DuckDB file, its logs and its own dbt target path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from selfheal.errors import WorkspaceNotWritableError

DATABASE_NAME = "simulation.duckdb"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str]) -> Workspace:
        return cls(Path(path).expanduser().absolute())

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def wal(self) -> Path:
        return self.root / (DATABASE_NAME + ".wal")

    @property
    def lock_path(self) -> Path:
        return self.root / (DATABASE_NAME + ".lock")

    @property
    def owner_path(self) -> Path:
        return self.root / (DATABASE_NAME + ".lock.owner.json")

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def target_dir(self) -> Path:
        return self.root / "target"

    @property
    def log_file(self) -> Path:
        return self.logs_dir / "selfheal.jsonl"

    @property
    def manifest(self) -> Path:
        return self.target_dir / "manifest.json"

    def check_directory(self) -> Path:
        """Refuse a workspace that is a file or lies under one; returns its nearest existing directory."""
        if self.root.exists() and not self.root.is_dir():
            raise WorkspaceNotWritableError(f"workspace {self.root} exists but is a file, not a directory.")
        probe = nearest_existing(self.root)
        if not probe.is_dir():
            raise WorkspaceNotWritableError(
                f"workspace {self.root}: its parent {probe} is a file, not a directory."
            )
        return probe

    def check_writable(self) -> None:
        """Refuse a workspace that is a file or cannot be written, without creating anything."""
        probe = self.check_directory()
        if not os.access(probe, os.W_OK | os.X_OK):
            raise WorkspaceNotWritableError(f"workspace {self.root}: {probe} is not writable by this user.")

    def create(self) -> None:
        try:
            for directory in (self.root, self.logs_dir, self.target_dir):
                directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceNotWritableError(f"cannot create workspace {self.root}: {exc}") from exc


def nearest_existing(path: Path) -> Path:
    """The path itself if it exists, else its nearest existing ancestor."""
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current
