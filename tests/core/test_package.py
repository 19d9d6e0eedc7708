"""The self-heal package as a consumer meets it: installed with one packages.yml line, wired by its own hooks or by
the consumer's, configured through vars, and right about what `dbt retry` will run."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import yaml

from tests.harness import REPO, copy_project, relations, run_dbt

GENERIC = REPO / "tests" / "fixtures" / "generic_project"


def consumer_copy(tmp_path: Path, **project_changes: object) -> Path:
    """A copy of the generic consumer project with its dbt_project.yml changed."""
    project = tmp_path / "consumer"
    shutil.copytree(GENERIC, project, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs"))
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n")
    config = yaml.safe_load((project / "dbt_project.yml").read_text())
    config.update(project_changes)
    (project / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return project


def test_a_consumer_can_run_the_heal_before_its_own_hooks(tmp_path: Path, db: Path) -> None:
    """dbt runs the root project's on-run-start hooks before a package's; a consumer whose hook reads a relation
    the heal builds calls the heal first itself and switches the package's own wiring off."""
    project = consumer_copy(
        tmp_path,
        **{
            "on-run-start": [
                "{{ dbt_self_heal.self_heal() }}",
                "create table hook_saw as select count(*) as n from {{ ref('typed_rates') }}",
            ],
            "on-run-end": ["{{ dbt_self_heal.self_heal_finalize() }}"],
            "vars": {"self_heal_package_hooks": False},
        },
    )
    run = run_dbt(["run", "--select", "mart_summary"], db, project_dir=project)
    assert run.returncode == 0, run.messages
    assert len(run.events("heal_start")) == 1, "the package's own hook must not heal a second time"
    with duckdb.connect(str(db), read_only=True) as con:
        [(seen,)] = con.execute("select n from hook_saw").fetchall()
        [(rows,)] = con.execute("select count(*) from typed_rates").fetchall()
    assert seen == rows > 0


def test_settings_scoped_to_the_package_are_honoured(tmp_path: Path, db: Path) -> None:
    project = consumer_copy(tmp_path, vars={"dbt_self_heal": {"self_heal_enabled": False}})
    run = run_dbt(["run", "--select", "mart_summary"], db, project_dir=project)
    [skipped] = run.events("heal_skipped")
    assert skipped["reason"] == "disabled"
    assert run.returncode != 0, "with healing off the missing parents make the run fail, as in plain dbt"


def test_dbt_retry_heals_the_parents_of_what_the_retry_runs(tmp_path: Path, db: Path) -> None:
    project = copy_project(tmp_path / "project")
    census = project / "data" / "census.csv"
    census.rename(census.with_suffix(".bak"))
    failed = run_dbt(["build", "--select", "fct_workforce_snapshot"], db, project_dir=project, write_json=True)
    assert failed.returncode == 1, failed.messages
    census.with_suffix(".bak").rename(census)

    retry = run_dbt(["retry"], db, project_dir=project)
    assert retry.returncode == 0, retry.messages
    [healed] = retry.events("heal_complete")
    assert {"int_experienced_outcomes", "int_new_hires", "fct_yearly_events"} <= set(healed["relations"])
    assert "fct_workforce_snapshot" in relations(db)


def test_an_ancestor_the_heal_does_not_build_is_named_with_how_to_build_it(tmp_path: Path, db: Path) -> None:
    """A Python model (or snapshot, microbatch, external) among the missing ancestors: refused before anything is
    built, never built differently from dbt."""
    project = consumer_copy(tmp_path)
    (project / "models" / "core" / "py_rates.py").write_text(
        "def model(dbt, session):\n    return dbt.ref('typed_rates').df()\n"
    )
    (project / "models" / "marts" / "mart_rates.sql").write_text("select * from {{ ref('py_rates') }}\n")
    run = run_dbt(["run", "--select", "mart_rates"], db, project_dir=project)
    assert run.returncode != 0
    assert "self_heal does not build model.generic.py_rates: it is a python model" in run.messages
    assert "dbt build --select py_rates" in run.messages
    assert relations(db) == {}, "nothing is built when one ancestor cannot be"


def test_a_dbt_version_the_package_does_not_know_gets_one_line_and_the_run_of_plain_dbt(
    tmp_path: Path, db: Path
) -> None:
    """A dbt minor missing from settings.dbt_versions (a newer dbt run with --no-version-check; here the running one
    taken out of a copy of the package): the hooks say so in one line and do nothing else, so the run is the one
    plain dbt makes; self_heal_status refuses in one line naming the version."""
    project = copy_project(tmp_path / "project", install=False)
    settings = project / "dbt_self_heal" / "macros" / "settings" / "self_heal_settings.sql"
    text = settings.read_text(encoding="utf-8")
    listed = "['1.8', '1.9', '1.10', '1.11', '1.12']"
    assert text.count(listed) == 1, "self_heal_settings changed shape"
    settings.write_text(text.replace(listed, "['1.8']"), encoding="utf-8")

    selected = run_dbt(["build", "--select", "fct_workforce_snapshot"], db, project_dir=project)
    assert selected.returncode != 0, "plain dbt cannot build a selection whose ancestors are missing"
    lines = [m for m in selected.messages.splitlines() if "Self-heal: not healing" in m]
    assert len(lines) == 1 and "is not a version this package knows (1.8 to 1.8)" in lines[0], lines
    assert not selected.heal_events and "self_heal_state" not in relations(db, exclude=())

    full = run_dbt(["build"], tmp_path / "full.duckdb", project_dir=project)
    assert full.returncode == 0, full.messages[-2000:]
    assert "fct_workforce_snapshot" in relations(tmp_path / "full.duckdb")
    assert not {"self_heal_state", "self_heal_fingerprints"} & set(relations(tmp_path / "full.duckdb", exclude=()))

    status = run_dbt(["run-operation", "dbt_self_heal.self_heal_status"], db, project_dir=project)
    assert status.returncode != 0
    assert "self_heal_status: dbt_self_heal does not heal here: dbt " in status.messages, status.messages[-2000:]
    assert "is not a version this package knows (1.8 to 1.8)" in status.messages


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last one silently; dbt 1.10+
    warns, which the version matrix treats as a failure)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        doubled = sorted({str(key) for key in keys if keys.count(key) > 1})
        assert not doubled, f"line {node.start_mark.line + 1}: keys given twice: {doubled}"
        return super().construct_mapping(node, deep=deep)


def test_the_package_yaml_gives_no_key_twice() -> None:
    for path in sorted((REPO / "dbt_self_heal").rglob("*.yml")):
        yaml.load(path.read_text(), Loader=_StrictLoader)  # a SafeLoader subclass
