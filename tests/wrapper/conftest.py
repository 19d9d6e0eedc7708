"""Shared fixtures for the wrapper tests: the CLI as a subprocess, fresh workspaces, project copies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.wrapper.selfheal_helpers import PROJECT, SELFHEAL, Runner, cli_env


@pytest.fixture
def selfheal() -> Runner:
    """Run `selfheal <args>` to completion; returns the CompletedProcess (stdout+stderr captured)."""

    def run(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SELFHEAL), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=cli_env(),
            check=False,
        )

    return run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace path that does not exist yet."""
    return tmp_path / "workspace"


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the dbt project, for tests that break a seed or a model."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "packages.yml"):
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, target / name)
    for name in ("macros", "models", "seeds", "data"):
        shutil.copytree(PROJECT / name, target / name)
    (target / "tests" / "dbt").mkdir(parents=True)
    if (PROJECT / "tests" / "dbt").is_dir():
        shutil.copytree(PROJECT / "tests" / "dbt", target / "tests" / "dbt", dirs_exist_ok=True)
    return target
