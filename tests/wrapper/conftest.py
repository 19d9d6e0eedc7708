"""Shared fixtures for the wrapper tests: the CLI as a subprocess, fresh workspaces, project copies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness import copy_project
from tests.wrapper.selfheal_helpers import PROJECT, SELFHEAL, Runner, cli_env


@pytest.fixture
def selfheal() -> Runner:
    """Run `selfheal <args>` to completion from the reference project's directory (its default project dir);
    returns the CompletedProcess (stdout+stderr captured)."""

    def run(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SELFHEAL), *map(str, args)],
            cwd=PROJECT,
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
    return copy_project(tmp_path / "project", install=False)
