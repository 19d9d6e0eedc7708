"""What the benchmark runs on: a snapshot of the dbt project (with the dbt_self_heal package installed from the
snapshot by `dbt deps`), a snapshot of the consumer fixture, generated censuses, a generated 200-model project, and
workspace directories, each with its own dbt target path (parse cache).

Everything is written under bench/work/ (gitignored).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import DBT, PROJECT_PARTS, REPO, dbt_env, install_packages

WORK = REPO / "bench" / "work"
PROJECT = WORK / "project"
PACKAGE = PROJECT / "dbt_self_heal"  # the package as committed (the snapshot's copy of <repo>/dbt_self_heal)
CONSUMER_FIXTURE = "tests/fixtures/planalign_consumer"
CONSUMER_PROJECT = WORK / "consumer"
CENSUS_DIR = WORK / "census"
GEN_PROJECT = WORK / "gen200"
SELFHEAL = Path(sys.executable).with_name("selfheal")
STANDARD_EMPLOYEES = 10_000
TARGET_MODEL = "fct_workforce_snapshot"
SAME_NODES_SELECTOR = "bench_same_nodes"

# The nodes a heal run builds: the hook builds every unselected ancestor of the selected resources (the target and
# its tests, one of which also reads fct_yearly_events) plus every node declared required (all seeds,
# models/foundation), without their tests; dbt then builds the target with its tests. same_nodes selects exactly
# those nodes with indirect selection `empty` (no tests), plus the target with its tests, so both strategies end
# with the same relations after running the same tests (run.py checks the relations are the same).
SELECTORS_YML = f"""\
# Written by bench/workspaces.py for the benchmark's same_nodes strategy (not part of the project).
selectors:
  - name: {SAME_NODES_SELECTOR}
    definition:
      union:
        - method: fqn
          value: {TARGET_MODEL}
          parents: true
          indirect_selection: empty
        - method: resource_type
          value: seed
          indirect_selection: empty
        - intersection:  # a path also matches the tests defined in that folder's YAML
            - method: path
              value: models/foundation
              indirect_selection: empty
            - method: resource_type
              value: model
              indirect_selection: empty
        - method: fqn
          value: fct_yearly_events
          parents: true
          indirect_selection: empty
        - method: fqn
          value: {TARGET_MODEL}
"""


def _extract(commit: str, parts: list[str], dest: Path, strip: int = 0) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *parts], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest), f"--strip-components={strip}"], input=archive, check=True)


def snapshot_project() -> str:
    """Private copies of the dbt project and of the consumer fixture as committed at HEAD, so uncommitted edits in
    the working tree and commits landing while the benchmark runs stay out; the package (dbt_self_heal/, also from
    the snapshot) is installed into each by `dbt deps` as a consumer installs it. Returns the commit measured."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    _extract(commit, list(PROJECT_PARTS), PROJECT)
    (PROJECT / "selectors.yml").write_text(SELECTORS_YML)
    install_packages(PROJECT)
    _extract(commit, [CONSUMER_FIXTURE], CONSUMER_PROJECT, strip=CONSUMER_FIXTURE.count("/") + 1)
    (CONSUMER_PROJECT / "packages.yml").write_text(f"packages:\n  - local: {PACKAGE}\n")
    (CONSUMER_PROJECT / "package-lock.yml").unlink(missing_ok=True)
    install_packages(CONSUMER_PROJECT)
    return commit


def copy_project(dest: Path) -> Path:
    """A copy of the snapshot project that a measurement may edit (a seed), its packages installed afresh."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(PROJECT, dest, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs"))
    install_packages(dest)
    return dest


def census(employees: int) -> Path | None:
    """The census CSV for a size: None means the project's own data/census.csv (the standard 10,000)."""
    if employees == STANDARD_EMPLOYEES:
        return None
    path = CENSUS_DIR / f"census_{employees}.csv"
    if not path.exists():
        CENSUS_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "generate_census.py"), "--employees", str(employees),
             "--out", str(partial)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        partial.rename(path)
    return path


@dataclass
class Workspace:
    """A directory holding the database, dbt's logs and dbt's target path (its parse cache).

    One per census size and healing on/off: heal and wrapper share one (same command-line vars and profile env,
    so the same warm parse cache), full_build, same_nodes and original the other. `database` puts the database
    elsewhere (two workspaces with different vars, hence target paths, on one database)."""

    root: Path
    project: Path = PROJECT
    census: Path | None = None
    heal: bool = True
    database: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def db(self) -> Path:
        return self.database or self.root / "simulation.duckdb"

    @property
    def variables(self) -> dict[str, object]:
        values: dict[str, object] = {}
        if self.census is not None:
            values["census_path"] = str(self.census)
        if not self.heal:
            values["self_heal_enabled"] = False
        return values

    def dbt(self, *args: str) -> list[str]:
        command = [
            str(DBT), "--log-format", "json", *args,
            "--project-dir", str(self.project), "--profiles-dir", str(PROJECT),
            "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
        ]  # fmt: skip
        if self.variables:
            command += ["--vars", json.dumps(self.variables, sort_keys=True)]
        return command

    @property
    def env(self) -> dict[str, str]:
        return {**dbt_env(self.db), **self.extra_env}

    def reset(self) -> None:
        """A fresh workspace: no database, logs or lock files; only the warm parse cache (target/) stays."""
        self.root.mkdir(parents=True, exist_ok=True)
        for child in self.root.iterdir():
            if child.name == "target":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()


@dataclass
class Strategy:
    """A way to go from a fresh workspace to `fct_workforce_snapshot` built for one year."""

    name: str
    description: str
    heal: bool
    steps: list[list[str]] = field(default_factory=list)  # dbt argument lists, one per invocation
    wrapper: bool = False

    def commands(self, ws: Workspace) -> list[list[str]]:
        if self.wrapper:
            command = [str(SELFHEAL), "simulate", "--workspace", str(ws.root), "--year", "2025",
                       "--project-dir", str(ws.project), "--plain"]  # fmt: skip
            if ws.census is not None:
                command += ["--census", str(ws.census)]
            return [command]
        return [ws.dbt(*step) for step in self.steps]


STRATEGIES = [
    Strategy(
        "heal",
        f"dbt build --select {TARGET_MODEL} (the on-run-start hook heals every missing ancestor and required node)",
        heal=True,
        steps=[["build", "--select", TARGET_MODEL]],
    ),
    Strategy(
        "full_build",
        "dbt build, healing off (--vars '{self_heal_enabled: false}'): the whole project, every model and test",
        heal=False,
        steps=[["build"]],
    ),
    Strategy(
        "same_nodes",
        f"dbt build --selector {SAME_NODES_SELECTOR}, healing off: the same nodes and tests as heal, all built by dbt",
        heal=False,
        steps=[["build", "--selector", SAME_NODES_SELECTOR]],
    ),
    Strategy(
        "original",
        "original initializer, healing off: dbt seed --full-refresh; dbt run --select path:models/staging; "
        "dbt run --select +path:models/foundation; dbt build --select path:models/simulation",
        heal=False,
        steps=[
            ["seed", "--full-refresh"],
            ["run", "--select", "path:models/staging"],
            ["run", "--select", "+path:models/foundation"],
            ["build", "--select", "path:models/simulation"],
        ],
    ),
    Strategy(
        "wrapper",
        "selfheal simulate --year 2025 (guards, then dbt build --select fct_workforce_snapshot fct_yearly_events "
        "with their tests; the hook builds everything they read)",
        heal=True,
        wrapper=True,
    ),
]


def wrapper_available() -> bool:
    return (
        SELFHEAL.exists()
        and subprocess.run([str(SELFHEAL), "simulate", "--help"], capture_output=True, check=False).returncode == 0
    )


# --- the generated 200-model project ---

GEN_LAYERS = 10
GEN_WIDTH = 20
GEN_SEEDS = 4


def _model_name(layer: int, position: int) -> str:
    return f"m_{layer * GEN_WIDTH + position:03d}"


def generate_project() -> tuple[Path, str]:
    """A throwaway project of 200 table models (10 layers of 20, each joining two models of the layer below)
    over 4 seeds, all declared required, installing the snapshot's dbt_self_heal as a `local:` package (its hooks
    come with it). Returns the project dir and the leaf model to select."""
    if GEN_PROJECT.exists():
        shutil.rmtree(GEN_PROJECT)
    models = GEN_PROJECT / "models" / "core"
    seeds = GEN_PROJECT / "seeds"
    models.mkdir(parents=True)
    seeds.mkdir(parents=True)
    (GEN_PROJECT / "dbt_project.yml").write_text(
        """\
name: gen200
version: "1.0.0"
config-version: 2
profile: planalign
flags:
  skip_nodes_if_on_run_start_fails: true
seeds:
  gen200:
    +column_types: {id: integer, value: integer}
    +meta: {self_heal: {required: true}}
models:
  gen200:
    +materialized: table
    +meta: {self_heal: {required: true}}
"""
    )
    (GEN_PROJECT / "packages.yml").write_text(f"packages:\n  - local: {PACKAGE}\n")
    for s in range(GEN_SEEDS):
        rows = "\n".join(f"{i},{i * (s + 1)}" for i in range(1, 11))
        (seeds / f"seed_{s}.csv").write_text(f"id,value\n{rows}\n")
    for layer in range(GEN_LAYERS):
        for pos in range(GEN_WIDTH):
            if layer == 0:
                sql = f"select id, value from {{{{ ref('seed_{pos % GEN_SEEDS}') }}}}\n"
            else:
                left = _model_name(layer - 1, pos)
                right = _model_name(layer - 1, (pos + 1) % GEN_WIDTH)
                sql = (
                    f"select a.id, a.value + b.value as value\n"
                    f"from {{{{ ref('{left}') }}}} as a\njoin {{{{ ref('{right}') }}}} as b using (id)\n"
                )
            (models / f"{_model_name(layer, pos)}.sql").write_text(sql)
    install_packages(GEN_PROJECT)
    return GEN_PROJECT, _model_name(GEN_LAYERS - 1, GEN_WIDTH - 1)
