"""Drift suite: a built workspace whose inputs change (seed values or columns, model code, a var, the census, a
random seed value) is brought up to date by the next plain `dbt run`: the changed relations and their needed
descendants are rebuilt with a reason, nothing else is touched (a sentinel row in an unrelated seed survives), and
the result equals a fresh build of the changed project. A kill in the middle of such a rebuild leaves the old
relations exactly as they were, and the next run finishes the job.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from tests.harness import add_slow_required_model, copy_project, fingerprint, kill_dbt_when, run_dbt
from tests.reliability.common import DB_NAME, SuiteResult, Trial, diff_fingerprints, run_trials

LEAF = ["run", "--select", "fct_workforce_snapshot"]
Change = Callable[[Path, random.Random], tuple[dict[str, Any], set[str]]]  # -> (vars, relations expected stale)


def _edit_seed_value(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    seed = project / "seeds" / "config_merit_rates.csv"
    lines = seed.read_text().splitlines()
    row = rng.randrange(1, len(lines))
    cells = lines[row].split(",")
    cells[-1] = f"{rng.randint(1, 90) / 1000:.4f}"
    lines[row] = ",".join(cells)
    seed.write_text("\n".join(lines) + "\n")
    return {}, {"config_merit_rates", "int_employee_compensation_by_year"}


def _add_seed_column(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    seed = project / "seeds" / "config_age_bands.csv"
    lines = seed.read_text().splitlines()
    seed.write_text("\n".join([lines[0] + ",note", *(f"{line},n{rng.randint(0, 9)}" for line in lines[1:])]) + "\n")
    return {}, {"config_age_bands", "int_baseline_workforce"}


def _edit_model(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    model = project / "models" / "foundation" / "int_employee_benefits.sql"
    model.write_text(model.read_text() + f"\n-- reviewed {rng.randint(0, 999)}\n")
    return {}, {"int_employee_benefits"}


def _change_year(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    return {"simulation_year": rng.choice([2026, 2027])}, {"stg_simulation_parameters", "int_baseline_workforce"}


def _replace_census(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    census = project / "data" / "census.csv"
    lines = census.read_text().splitlines()
    keep = rng.randrange(len(lines) // 3, len(lines) - 1)
    census.write_text("\n".join(lines[:keep]) + "\n")
    return {}, {"stg_census", "int_baseline_workforce"}


def _nothing(project: Path, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    return {}, set()


CHANGES: list[tuple[str, Change]] = [
    ("seed value edited", _edit_seed_value),
    ("seed column added", _add_seed_column),
    ("model code edited", _edit_model),
    ("simulation_year changed", _change_year),
    ("census replaced", _replace_census),
    ("nothing changed", _nothing),
]


def _stale(run: Any) -> dict[str, str]:
    return {item["relation"]: item["reason"] for e in run.events("heal_start") for item in e["stale"]}


def _sentinel(db: Path, add: bool = False) -> bool:
    with duckdb.connect(str(db)) as con:
        if add:
            con.execute("insert into config_tenure_bands select 99, 'sentinel', 90, 99")
        return bool(con.execute("select count(*) from config_tenure_bands where band_id = 99").fetchone()[0])


def drift_trial(trial: Trial, root: Path, change: Change, seed: int) -> None:
    rng = random.Random(seed)
    project = copy_project(root / "project")
    db = root / "ws" / DB_NAME
    db.parent.mkdir(parents=True)
    first = run_dbt(LEAF, db, project_dir=project)
    trial.check(first.returncode == 0, "the workspace builds", first.messages[-400:])
    _sentinel(db, add=True)
    variables, expected = change(project, rng)
    run = run_dbt(LEAF, db, project_dir=project, variables=variables or None)
    stale = _stale(run)
    trial.info.update(stale=stale)
    trial.check(run.returncode == 0, "the next plain dbt run succeeds", run.messages[-400:])
    trial.check(expected <= set(stale), "the changed relations and their descendants are rebuilt", stale)
    trial.check(all(stale.values()), "every rebuilt relation has a reason", stale)
    if not expected:
        trial.check(not run.events("heal_start"), "an unchanged rerun rebuilds nothing", stale)
    trial.check(_sentinel(db), "an unrelated seed is not touched (its sentinel row survives)", "", loss=True)

    fresh = root / "fresh" / DB_NAME
    fresh.parent.mkdir(parents=True)
    clean = run_dbt(LEAF, fresh, project_dir=project, variables=variables or None)
    trial.check(clean.returncode == 0, "a fresh build of the changed project succeeds", clean.messages[-400:])
    with duckdb.connect(str(db)) as con:
        con.execute("delete from config_tenure_bands where band_id = 99")
    diff = diff_fingerprints(fingerprint(db), fingerprint(fresh))
    trial.check(not diff, "the brought-up-to-date workspace equals a fresh build", diff, loss=True)


def kill_trial(trial: Trial, root: Path, seed: int) -> None:
    rng = random.Random(seed)
    project = copy_project(root / "project")
    add_slow_required_model(project)
    db = root / "ws" / DB_NAME
    db.parent.mkdir(parents=True)
    first = run_dbt(LEAF, db, project_dir=project)
    trial.check(first.returncode == 0, "the workspace builds", first.messages[-400:])
    before = fingerprint(db)
    _edit_seed_value(project, rng)
    kill_dbt_when(LEAF, db, "building model int_slow_rates", project_dir=project, target_path=root / "target",
                  variables={"slow": True}, delay=rng.uniform(0.2, 1.5))
    diff = diff_fingerprints(fingerprint(db), before)
    trial.check(not diff, "after the kill every relation is exactly as before the rebuild", diff, loss=True)
    retry = run_dbt(LEAF, db, project_dir=project)
    trial.check(retry.returncode == 0, "the next run succeeds", retry.messages[-400:])
    trial.check("config_merit_rates" in _stale(retry), "the next run rebuilds the stale seed", _stale(retry))


def run(workdir: Path, fast: bool = False, seed: int = 20261126) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("drift")
    changes = CHANGES[:1] + CHANGES[-1:] if fast else CHANGES
    cases: list[tuple[str, Callable[[Trial], None]]] = [
        (name, lambda t, c=change, i=i: drift_trial(t, workdir / f"t{i}", c, seed + i))
        for i, (name, change) in enumerate(changes)
    ]
    if not fast:
        cases.append(("kill during a stale rebuild", lambda t: kill_trial(t, workdir / "kill", seed)))
    suite.trials = run_trials("drift", cases)
    suite.seconds = time.monotonic() - began
    return suite
