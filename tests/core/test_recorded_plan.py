"""Recorded plans (issue 17): a healthy run records what it needed under its project digest and selection, and the
next run with the same digest and selection reads that plan instead of walking the graph. The plan is only a
record of which relations to look at: every run still checks that each one exists, is of its kind and was last
found fresh under the digest of this run (input files' sizes and times included), and falls back to the full check
when anything differs."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.harness import PLAN_TABLE, copy_project, run_dbt

LEAF = ["run", "--select", "fct_workforce_snapshot"]
OTHER = ["run", "--select", "int_employee_benefits"]


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def healthy(run: object) -> dict[str, object]:
    assert run.returncode == 0, run.messages  # type: ignore[attr-defined]
    [skipped] = run.events("heal_skipped")  # type: ignore[attr-defined]
    assert skipped["reason"] == "healthy", skipped
    return skipped


def healed(run: object) -> list[str]:
    assert run.returncode == 0, run.messages  # type: ignore[attr-defined]
    [done] = run.events("heal_complete")  # type: ignore[attr-defined]
    return sorted(done["relations"])


def test_a_healthy_rerun_reads_the_plan_its_selection_recorded(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = run_dbt(LEAF, db, project_dir=project)
    assert first.returncode == 0, first.messages
    computed = healthy(run_dbt(LEAF, db, project_dir=project))
    assert computed["plan"] == "computed"
    leaf_record = (
        "select fingerprint, verified_digest, invocation_id, built_by from self_heal_fingerprints "
        "where relation = 'main.fct_workforce_snapshot'"
    )
    [(fingerprint, digest, _, _)] = query(db, leaf_record)
    [(needed, paths)] = query(db, f"select needed, paths from {PLAN_TABLE}")
    assert '"model.planalign.int_baseline_workforce"' in str(needed)
    assert str(paths).endswith('census.csv"]'), "the plan names the input files the needed fingerprints cover"

    debug_log = db.parent / "logs" / "dbt.log"
    debug_log.write_text("")
    recorded = healthy(run_dbt(LEAF, db, project_dir=project))
    assert recorded["plan"] == "recorded"
    statements = debug_log.read_text()
    assert "returning relation" in statements and "on conflict (relation) do update" not in statements
    # What dbt rebuilt under the digest its record was verified under keeps its fingerprint and that digest,
    # recorded as this run's build (restored in one statement by the on-run-end hook, not fingerprinted again).
    assert query(db, leaf_record) == [(fingerprint, digest, recorded["invocation_id"], "dbt")]
    assert not digest.startswith("was:") and not fingerprint.startswith("unfinished:")
    assert recorded["needed_count"] == computed["needed_count"]
    assert recorded["deferred"] == computed["deferred"]

    # Another selection has its own plan; both stay while the project is unchanged.
    assert healthy(run_dbt(OTHER, db, project_dir=project))["plan"] == "computed"
    assert healthy(run_dbt(OTHER, db, project_dir=project))["plan"] == "recorded"
    assert query(db, f"select count(*), count(distinct digest) from {PLAN_TABLE}") == [(2, 1)]


def test_what_a_recorded_plan_cannot_vouch_for_goes_to_the_full_check(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    for _ in range(2):
        assert run_dbt(LEAF, db, project_dir=project).returncode == 0
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"

    # A needed relation dropped behind dbt's back: the recorded plan still names it, the check finds it gone.
    with duckdb.connect(str(db)) as con:
        con.execute("drop table config_age_bands")
    assert healed(run_dbt(LEAF, db, project_dir=project)) == ["config_age_bands"]
    # The heal recorded it verified under the same digest, as the same kind: the plan holds again.
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"

    # A needed table replaced by a view of the same name and rows: the plan recorded it as a table.
    with duckdb.connect(str(db)) as con:
        con.execute("create table kept_bands as select * from config_tenure_bands")
        con.execute("drop table config_tenure_bands")
        con.execute("create view config_tenure_bands as select * from kept_bands")
    assert healed(run_dbt(LEAF, db, project_dir=project)) == ["config_tenure_bands"]
    assert query(db, "select table_type from information_schema.tables where table_name = 'config_tenure_bands'") == [
        ("BASE TABLE",)
    ]
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"

    # A needed relation's record no longer verified under the plan's digest (an older run's record put back).
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update self_heal_fingerprints set verified_digest = 'an-older-digest' "
            "where relation = 'main.int_employee_benefits'"
        )
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "computed"
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"

    # A needed input file replaced: same project digest, other file stats, so the records are not fresh under it.
    census = project / "data" / "census.csv"
    lines = census.read_text().splitlines()
    census.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    run = run_dbt(LEAF, db, project_dir=project)
    assert "stg_census" in healed(run)
    assert query(db, "select count(*) from stg_census") == [(len(lines) // 2 - 1,)]

    # Edited model code: a new project digest, so no plan matches; the old digest's plans go when the new is recorded.
    model = project / "models" / "foundation" / "int_employee_benefits.sql"
    model.write_text(model.read_text() + "\n-- reviewed\n")
    run = run_dbt(LEAF, db, project_dir=project)
    assert "int_employee_benefits" in healed(run)
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "computed"
    assert query(db, f"select count(*) from {PLAN_TABLE}") == [(1,)]
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"


def test_a_mark_taken_off_gives_the_record_back_as_it_was(tmp_path: Path, db: Path) -> None:
    """What dbt skips after marking it (a failed parent, a cancelled run) is unmarked by the on-run-end hook
    (self_heal_restore_unbuilt): the record gets back its fingerprint and the digest it was verified under, so the
    next run still takes the recorded plan instead of re-fingerprinting it."""
    project = copy_project(tmp_path / "project")
    # run-operation commits nothing itself; marking opens a transaction (it is the heal's first write).
    (project / "macros" / "mark_for_test.sql").write_text(
        "{% macro mark_for_test(node_ids, mark) %}{% do dbt_self_heal.self_heal_mark_unfinished(node_ids, mark) %}"
        "{% if mark %}{% do adapter.commit() %}{% endif %}{% endmacro %}\n"
    )
    for _ in range(2):
        assert run_dbt(LEAF, db, project_dir=project).returncode == 0
    record = (
        "select fingerprint, verified_digest from self_heal_fingerprints "
        "where relation = 'main.int_baseline_workforce'"
    )
    [(fingerprint, digest)] = query(db, record)
    assert digest and not digest.startswith("was:")

    def mark(on: bool) -> None:
        run = run_dbt(["run-operation", "mark_for_test", "--args",
                       f"{{node_ids: ['model.planalign.int_baseline_workforce'], mark: {str(on).lower()}}}"],
                      db, project_dir=project)  # fmt: skip
        assert run.returncode == 0, run.messages

    mark(True)
    assert query(db, record) == [("unfinished:" + fingerprint, "was:" + digest)]
    mark(False)
    assert query(db, record) == [(fingerprint, digest)]
    assert healthy(run_dbt(LEAF, db, project_dir=project))["plan"] == "recorded"
