"""Stale relations (issue 10): a relation built from inputs that have changed since is rebuilt like a missing one,
with the reason said, and an unchanged rerun rebuilds nothing unselected."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb

from tests.harness import DBT, REPO, add_slow_required_model, copy_project, dbt_env, kill_dbt_when, run_dbt, state_rows

LEAF = ["run", "--select", "fct_workforce_snapshot"]


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def stale_of(run: object) -> dict[str, str]:
    events = run.events("heal_start")  # type: ignore[attr-defined]
    return {item["relation"]: item["reason"] for event in events for item in event["stale"]}


def built(tmp_path: Path, db: Path) -> Path:
    project = copy_project(tmp_path / "project")
    first = run_dbt(LEAF, db, project_dir=project)
    assert first.returncode == 0, first.messages
    return project


def test_an_edited_seed_is_reloaded_and_its_needed_descendants_rebuilt(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    seed = project / "seeds" / "config_merit_rates.csv"
    seed.write_text(seed.read_text().replace("0.0350", "0.5000"))
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    stale = stale_of(run)
    assert stale["config_merit_rates"].startswith("seeds/config_merit_rates.csv changed since it was loaded at")
    assert "parent config_merit_rates" in stale["int_employee_compensation_by_year"]
    assert "config_age_bands" not in stale, "only the edited seed and what descends from it is rebuilt"
    assert "config_merit_rates is stale: seeds/config_merit_rates.csv changed" in run.messages
    assert (0.5,) in query(db, "select distinct merit_rate from config_merit_rates")
    [row] = [r for r in state_rows(db) if r["invocation_id"] == run.events("heal_start")[0]["invocation_id"]]
    assert "config_merit_rates" in json.dumps(json.loads(row["plan"])["stale"])


def test_a_seed_whose_columns_changed_reloads_without_full_refresh(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    seed = project / "seeds" / "config_age_bands.csv"
    lines = seed.read_text().splitlines()
    seed.write_text("\n".join([lines[0] + ",note", *(line + ",x" for line in lines[1:])]) + "\n")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert "config_age_bands" in stale_of(run)
    columns = [name for (name,) in query(db, "select column_name from duckdb_columns() "
                                             "where table_name = 'config_age_bands' order by column_index")]
    assert columns[-1] == "note"


def test_edited_model_code_rebuilds_it_and_its_children(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    model = project / "models" / "foundation" / "int_baseline_workforce.sql"
    model.write_text(model.read_text() + "\n-- reviewed\n")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    stale = stale_of(run)
    assert stale["int_baseline_workforce"] == "code of int_baseline_workforce changed"
    assert "parent int_baseline_workforce is rebuilt" in stale["int_employee_compensation_by_year"]
    assert not any(name.startswith("config_") for name in stale)


def test_a_changed_var_rebuilds_what_reads_it(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    run = run_dbt(LEAF, db, project_dir=project, variables={"simulation_year": 2026})
    assert run.returncode == 0, run.messages
    stale = stale_of(run)
    assert "var simulation_year 2025 → 2026" in stale["stg_simulation_parameters"]
    assert query(db, "select distinct simulation_year from int_baseline_workforce") == [(2026,)]
    assert not any(name.startswith("config_") for name in stale), "seeds do not read the var"


def test_a_replaced_input_file_rebuilds_the_model_reading_it(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    census = project / "data" / "census.csv"
    lines = census.read_text().splitlines()
    census.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    stale = stale_of(run)
    assert "input file of var census_path (data/census.csv) changed" in stale["stg_census"]
    assert query(db, "select count(*) from stg_census") == [(len(lines) // 2 - 1,)]


def test_two_identical_runs_rebuild_nothing_unselected(tmp_path: Path, db: Path) -> None:
    """Sentinel rows in unselected needed relations survive reruns, also with partial parsing off, another
    --target-path and another working directory (the fingerprints do not depend on them)."""
    project = built(tmp_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("insert into config_age_bands values (99, 'sentinel', 200, 300)")
    rows_before = query(db, "select count(*), min(built_at) from self_heal_fingerprints")
    census = str(project / "data" / "census.csv")
    for extra, cwd in (([], None), (["--no-partial-parse"], None), ([], tmp_path)):
        env = dbt_env(db)
        cmd = [str(DBT), "--log-format", "json", *LEAF, *extra, "--project-dir", str(project), "--profiles-dir",
               str(REPO), "--target-path", str(tmp_path / f"target{len(extra)}{cwd is not None}")]
        if cwd is not None:  # census_path is relative to where dbt runs, so that run gives the same file absolutely
            cmd += ["--vars", json.dumps({"census_path": census})]
        proc = subprocess.run(cmd, cwd=cwd or project, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout[-2000:]
        starts = [line for line in proc.stdout.splitlines() if '\\"event\\": \\"heal_start\\"' in line]
        if cwd is None:
            assert not starts, f"an identical run rebuilt something: {starts}"
    assert ("sentinel",) in query(db, "select band_label from config_age_bands")
    assert query(db, "select count(*), min(built_at) from self_heal_fingerprints") == rows_before


def test_a_view_where_the_node_is_a_table_is_rebuilt(tmp_path: Path, db: Path) -> None:
    project = built(tmp_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("create table cola_copy as select * from config_cola")
        con.execute("drop table config_cola")
        con.execute("create view config_cola as select * from cola_copy")
    run = run_dbt(LEAF, db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert stale_of(run)["config_cola"] == "is a view but config_cola is materialized as seed"
    assert query(db, "select table_type from information_schema.tables where table_name = 'config_cola'") == [
        ("BASE TABLE",)
    ]


def test_unrecorded_relations_are_adopted_by_default_and_rebuilt_on_request(tmp_path: Path, db: Path) -> None:
    """Adoption trusts what an unrecorded relation of the right kind and columns holds (a row added by hand stays);
    `self_heal_unrecorded: rebuild` rebuilds it instead."""
    project = built(tmp_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("delete from self_heal_fingerprints where relation like '%config_cola'")
        con.execute("insert into config_cola values (2099, 0.02)")
    adopted = run_dbt(LEAF, db, project_dir=project)
    assert adopted.returncode == 0, adopted.messages
    assert [e["relations"] for e in adopted.events("adopted")] == [["config_cola"]]
    assert (2099,) in query(db, "select simulation_year from config_cola"), "an adopted relation is kept as it is"

    with duckdb.connect(str(db)) as con:
        con.execute("delete from self_heal_fingerprints where relation like '%config_cola'")
    rebuilt = run_dbt(LEAF, db, project_dir=project, variables={"self_heal_unrecorded": "rebuild"})
    assert rebuilt.returncode == 0, rebuilt.messages
    assert "no fingerprint record" in stale_of(rebuilt)["config_cola"]
    assert (2099,) not in query(db, "select simulation_year from config_cola")

    bad = run_dbt(LEAF, db, project_dir=project, variables={"self_heal_unrecorded": "sometimes"})
    assert bad.returncode != 0 and "self_heal_unrecorded" in bad.messages


def test_a_kill_during_a_stale_rebuild_keeps_the_old_relation_and_the_next_run_rebuilds(
    tmp_path: Path, db: Path
) -> None:
    project = copy_project(tmp_path / "project")
    slow = add_slow_required_model(project)
    first = run_dbt(LEAF, db, project_dir=project)
    assert first.returncode == 0, first.messages
    before = query(db, "select * from config_merit_rates order by all")
    seed = project / "seeds" / "config_merit_rates.csv"
    seed.write_text(seed.read_text().replace("0.0350", "0.5000"))
    kill_dbt_when(LEAF, db, "building model int_slow_rates", project_dir=project, target_path=tmp_path / "target",
                  variables={"slow": True})
    assert query(db, "select * from config_merit_rates order by all") == before, "the old seed must be intact"

    slow.unlink()
    shutil.rmtree(tmp_path / "target", ignore_errors=True)
    retry = run_dbt(LEAF, db, project_dir=project)
    assert retry.returncode == 0, retry.messages
    assert "config_merit_rates" in stale_of(retry)
    assert (0.5,) in query(db, "select distinct merit_rate from config_merit_rates")
