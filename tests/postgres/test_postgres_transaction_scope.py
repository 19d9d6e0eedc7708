"""On PostgreSQL dbt commits each node, and some statements live only until that commit: `set local` in a SQL header,
a `create temp table ... on commit drop`, and statements that cannot run inside a transaction at all (a before_begin
`vacuum`). The heal builds in one transaction; each node must still see what it would see in plain dbt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.postgres.conftest import REPO

MODELS = {
    # set local lasts until dbt's commit of a_tokyo: b_after reads the session's time zone again.
    "a_tokyo.sql": "{{ config(sql_header=\"set local timezone = 'Asia/Tokyo';\") }}\n"
                   "select 1 as id, '2024-01-01 00:00:00+00'::timestamptz::text as ts_text\n",
    "b_after.sql": "select id, current_setting('TimeZone') as tz,\n"
                   "'2024-01-01 00:00:00+00'::timestamptz::text as ts_text from {{ ref('a_tokyo') }}\n",
    # Two models make the same on-commit-drop temp table: each has its own in plain dbt.
    "a_params.sql": "{% call set_sql_header(config) %}create temporary table params on commit drop as "
                    "select 2 as rate;{% endcall %}\n"
                    "select id, v * (select rate from params) as v from {{ ref('s') }}\n",
    "b_params.sql": "{% call set_sql_header(config) %}create temp table params on commit drop as "
                    "select 3 as rate;{% endcall %}\n"
                    "select id, v * (select rate from params) as v from {{ ref('a_params') }}\n",
    # VACUUM cannot run inside a transaction block: dbt runs before_begin hooks outside its transaction.
    "t_pre.sql": "{{ config(pre_hook=before_begin(\"vacuum {{ ref('s') }}\")) }}\nselect id, v from {{ ref('s') }}\n",
    "leaf.sql": "select b.tz, b.ts_text, p.v, t.v as raw from {{ ref('b_after') }} as b\n"
                "join {{ ref('b_params') }} as p on p.id = b.id join {{ ref('t_pre') }} as t on t.id = b.id\n",
}


def _project(dest: Path) -> Path:
    project = dest / "scoped"
    (project / "models").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: scoped\nversion: '1.0'\nconfig-version: 2\nprofile: planalign\n"
        "flags:\n  skip_nodes_if_on_run_start_fails: true\nmodels:\n  scoped:\n    +materialized: table\n")
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n")
    (project / "seeds" / "s.csv").write_text("id,v\n1,10\n2,20\n")
    for name, sql in MODELS.items():
        (project / "models" / name).write_text(sql)
    return project


def test_what_lasts_until_a_nodes_commit_in_dbt_ends_with_the_node_in_the_heal(
    tmp_path: Path, new_database: Any
) -> None:
    project = _project(tmp_path)
    healed_db, built_db = new_database("healed"), new_database("built")
    built = built_db.dbt(["build"], project, variables={"self_heal_enabled": False})
    assert built.returncode == 0, built.messages[-3000:]
    healed = healed_db.dbt(["build", "--select", "leaf"], project)
    assert healed.returncode == 0, healed.messages[-3000:]
    [complete] = healed.events("heal_complete")
    assert sorted(complete["relations"]) == ["a_params", "a_tokyo", "b_after", "b_params", "s", "t_pre"]
    assert [e["name"] for e in healed.events("after_commit")] == ["t_pre"], "the vacuum runs after the heal's commit"

    expected = [("Etc/UTC", "2024-01-01 00:00:00+00", 60, 10)]  # the server's zone is UTC; rate 2, then 3
    assert built_db.query("select tz, ts_text, v, raw from main.leaf where raw = 10") == expected
    assert healed_db.query("select tz, ts_text, v, raw from main.leaf where raw = 10") == expected
    healed_catalog, built_catalog = healed_db.catalog(), built_db.catalog()
    for name in ("main.a_tokyo", "main.b_after", "main.a_params", "main.b_params", "main.t_pre", "main.leaf"):
        assert healed_catalog[name] == built_catalog[name], name

    again = healed_db.dbt(["build", "--select", "leaf"], project)
    assert again.returncode == 0, again.messages[-3000:]
    assert not again.events("heal_start"), "t_pre's record was finished once its vacuum ran"
