"""The wrapper as a library and an installed command: which dbt project it runs (the current directory, then
$PLANALIGN_PROJECT_DIR, then --project-dir), and what it knows of the package comes from the package."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
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


# --- what the package owns: which nodes are required, where its state and record tables are

REQUIRED_AS_USERS_WRITE_IT = ("stg_census", "stg_simulation_parameters")  # declared with 1 and 'yes' below


def configure_like_a_user(project: Path) -> None:
    """Staging declared required the ways YAML users also write it (1 on stg_census, whose own meta replaces the
    folder's; 'yes' on the folder), and the package's tables moved to a schema and names of the project's choosing
    (vars self_heal_state_schema / _state_table / _record_table)."""
    staging = project / "models" / "staging" / "_staging.yml"
    yml = staging.read_text(encoding="utf-8")
    assert "          inputs: [census_path]\n" in yml, "the reference stg_census YAML changed shape"
    staging.write_text(yml.replace("          inputs: [census_path]\n", "          inputs: [census_path]\n"
                                   "          required: 1\n", 1), encoding="utf-8")
    path = project / "dbt_project.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    staging:\n      +materialized: view\n",
        "    staging:\n      +materialized: view\n      +meta:\n        self_heal:\n          required: 'yes'\n",
    )
    text = text.replace(
        "  self_heal_enabled: true\n",
        "  self_heal_enabled: true\n  self_heal_state_schema: heal_meta\n  self_heal_state_table: heal_runs\n"
        "  self_heal_record_table: heal_prints\n",
    )
    assert "required: 'yes'" in text and "heal_runs" in text, "the reference dbt_project.yml changed shape"
    path.write_text(text, encoding="utf-8")


def status_json(project: Path, workspace: Path) -> dict[str, object]:
    result = run_from(project, "status", "--workspace", workspace, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(json.loads(result.stdout.splitlines()[-1]))


def state_rows(database: Path) -> list[tuple[str, str | None]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return [(str(s), e) for s, e in con.execute("select state, error from heal_meta.heal_runs order by started_at")
                .fetchall()]  # fmt: skip


def test_status_and_the_state_reading_follow_the_package_settings_of_the_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", install=False)
    configure_like_a_user(project)
    workspace = tmp_path / "ws"

    before = status_json(project, workspace)
    assert set(REQUIRED_AS_USERS_WRITE_IT) <= set(before["required"]), before["required"]  # type: ignore[arg-type]
    assert len(before["required"]) == 14  # type: ignore[arg-type]  # 9 seeds, 3 foundation, 2 staging
    assert (before["state"], before["missing"]) == ("not_started", before["required"])
    assert before["state_table"] == "simulation.heal_meta.heal_runs"
    assert before["record_table"] == "simulation.heal_meta.heal_prints"

    healed = run_from(project, "init", "--workspace", workspace, "--json")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    created = json.loads(healed.stdout.splitlines()[-1])["created"]
    after = status_json(project, workspace)
    # What status calls required is exactly what the hook built for a run selecting no model.
    assert sorted(after["required"]) == sorted(created)  # type: ignore[type-var]
    assert set(after["required"]) <= set(after["needed"])  # type: ignore[arg-type]  # + the ancestors of simulate
    assert (after["state"], after["missing"], after["stale"], after["attempts"]) == ("completed", [], [], 1)
    assert state_rows(workspace / "simulation.duckdb") == [("completed", None)]
    with duckdb.connect(str(workspace / "simulation.duckdb"), read_only=True) as con:
        tables = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "self_heal_state" not in tables and {"heal_runs", "heal_prints"} <= tables


def test_a_heal_dbt_ends_mid_build_is_marked_failed_in_the_state_table_the_package_names(tmp_path: Path) -> None:
    """The state table under a name of the project's choosing (in the target schema): the wrapper writes the
    catalogued error into the row the hook started there, and status reads it from there."""
    project = copy_project(tmp_path / "project", install=False)
    path = project / "dbt_project.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  self_heal_enabled: true\n", "  self_heal_enabled: true\n  self_heal_state_table: heal_runs\n"),
        encoding="utf-8")  # fmt: skip
    model = project / "models" / "foundation" / "int_employee_benefits.sql"
    edit = model.read_text(encoding="utf-8").replace("baseline.simulation_year", "baseline.no_such_column", 1)
    model.write_text(edit, encoding="utf-8")
    workspace = tmp_path / "ws"

    failed = run_from(project, "init", "--workspace", workspace)
    assert failed.returncode == 19 and "error SH010:" in failed.stderr, failed.stdout + failed.stderr
    with duckdb.connect(str(workspace / "simulation.duckdb"), read_only=True) as con:
        rows = con.execute("select state, error from main.heal_runs").fetchall()
    assert len(rows) == 1 and rows[0][0] == "failed" and str(rows[0][1]).startswith("SH010: "), rows
    after = status_json(project, workspace)
    assert (after["state"], after["attempts"], after["state_table"]) == ("failed", 1, "simulation.main.heal_runs")
    assert str(after["last_attempt"]["error"]).startswith("SH010: ")  # type: ignore[index]
