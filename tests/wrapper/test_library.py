"""The wrapper as a library and an installed command: which dbt project it runs (the current directory, then
$PLANALIGN_PROJECT_DIR, then --project-dir), and what it knows of the package comes from the package."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.harness import copy_project
from tests.wrapper.selfheal_helpers import PROJECT, SELFHEAL, cli_env

# A disk floor no machine meets: the command gets past the project checks, then stops at the disk guard (SH003)
# before anything is created or dbt starts, which is what tells the project checks passed.
UNREACHABLE_FREE_MB = "1e12"


def run_from(cwd: Path, *args: str | Path, env_project: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = cli_env()
    if env_project is not None:
        env["PLANALIGN_PROJECT_DIR"] = str(env_project)
    return subprocess.run(
        [str(SELFHEAL), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_project_dir_defaults_to_the_current_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "not_a_project"
    elsewhere.mkdir()
    result = run_from(elsewhere, "simulate", "--workspace", tmp_path / "ws", "--min-free-mb", UNREACHABLE_FREE_MB)
    assert result.returncode == 18, result.stdout + result.stderr
    assert f"error SH009: no dbt_project.yml in project dir {elsewhere}" in " ".join(result.stderr.split())

    inside = run_from(PROJECT, "simulate", "--workspace", tmp_path / "ws", "--min-free-mb", UNREACHABLE_FREE_MB)
    assert inside.returncode == 12, inside.stdout + inside.stderr  # past the project checks: the disk guard


def test_planalign_project_dir_overrides_the_current_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "not_a_project"
    elsewhere.mkdir()
    found = run_from(elsewhere, "simulate", "-w", tmp_path / "ws", "--min-free-mb", UNREACHABLE_FREE_MB,
                     env_project=PROJECT)  # fmt: skip
    assert found.returncode == 12, found.stdout + found.stderr

    wrong = run_from(PROJECT, "simulate", "-w", tmp_path / "ws", "--min-free-mb", UNREACHABLE_FREE_MB,
                     env_project=elsewhere)  # fmt: skip
    assert wrong.returncode == 18, wrong.stdout + wrong.stderr
    assert str(elsewhere) in " ".join(wrong.stderr.split())


def test_an_explicit_project_dir_wins_over_the_environment(tmp_path: Path) -> None:
    elsewhere = tmp_path / "not_a_project"
    elsewhere.mkdir()
    result = run_from(elsewhere, "simulate", "-w", tmp_path / "ws", "--project-dir", PROJECT,
                      "--min-free-mb", UNREACHABLE_FREE_MB, env_project=elsewhere)  # fmt: skip
    assert result.returncode == 12, result.stdout + result.stderr


@pytest.mark.parametrize("how", ["cwd", "env"])
def test_a_project_copy_elsewhere_is_initialized_from_its_own_directory(tmp_path: Path, how: str) -> None:
    """The command run inside (or pointed at) a copy of the project far from this repository uses that copy:
    its packages are installed there and its census is read from there; a relative workspace is relative to cwd."""
    project = copy_project(tmp_path / "project", install=False)
    cwd = project if how == "cwd" else tmp_path
    result = run_from(cwd, "init", "--workspace", "ws", "--json", env_project=project if how == "env" else None)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["state"] == "completed"
    assert outcome["workspace"] == str(cwd / "ws")
    assert (project / "dbt_packages" / "dbt_self_heal").exists()
