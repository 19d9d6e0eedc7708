"""On PostgreSQL an edited seed and an edited model are healed with their reasons, and rebuilding them never takes a
view along that the heal does not rebuild (dbt-postgres drops with CASCADE)."""

from __future__ import annotations

from pathlib import Path

from tests.postgres.conftest import PgDatabase, copy_fixture


def reasons(run_events: list[dict[str, object]]) -> dict[str, str]:
    [start] = run_events
    return {str(item["relation"]): str(item["reason"]) for item in start["stale"]}  # type: ignore[attr-defined]


def test_an_edited_seed_and_an_edited_model_are_healed_with_their_reasons(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    first = pg.dbt(["run", "--select", "customers"], project)
    assert first.returncode == 0, first.messages

    seed = project / "seeds" / "raw_customers.csv"
    seed.write_text(seed.read_text() + "101,Zed,Z.\n")
    model = project / "models" / "staging" / "stg_orders.sql"
    model.write_text(model.read_text().replace("status from", "upper(status) as status from"))
    second = pg.dbt(["run", "--select", "customers"], project)
    assert second.returncode == 0, second.messages
    why = reasons(second.events("heal_start"))
    assert set(why) == {"raw_customers", "stg_customers", "stg_orders"}
    assert "raw_customers" in why["raw_customers"] and "changed" in why["raw_customers"]
    assert "code of stg_orders changed" in why["stg_orders"]
    assert "raw_customers" in why["stg_customers"]
    assert pg.query("select count(*) from main.raw_customers") == [(101,)]
    assert pg.query("select count(*) from main.customers") == [(101,)]
    assert pg.query("select distinct status from main.stg_orders where status <> upper(status)") == []

    third = pg.dbt(["run", "--select", "customers"], project)
    assert third.returncode == 0, third.messages
    assert not third.events("heal_start")


def test_views_outside_the_run_survive_a_stale_seed_and_a_rebuilt_view_and_read_the_new_rows(
    tmp_path: Path, pg: PgDatabase
) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    first = pg.dbt(["run", "--select", "customers"], project)
    assert first.returncode == 0, first.messages
    # Views nobody's dbt run builds: one on the seed, one on a staging view, one on that one.
    pg.query("create view main.customer_names as select first_name from main.raw_customers")
    pg.query("create view main.customer_initials as select left(last_name, 1) as initial from main.stg_customers")
    pg.query("comment on view main.customer_initials is 'made by hand'")
    pg.query("create view main.initial_counts as select initial, count(*) as n from main.customer_initials group by 1")

    seed = project / "seeds" / "raw_customers.csv"
    seed.write_text(seed.read_text() + "101,Zed,Z.\n")
    second = pg.dbt(["run", "--select", "customers"], project)
    assert second.returncode == 0, second.messages
    assert set(reasons(second.events("heal_start"))) == {"raw_customers", "stg_customers"}
    assert pg.query("select count(*) from main.customer_names") == [(101,)]
    assert pg.query("select count(*) from main.customer_initials") == [(101,)]
    assert pg.query("select n from main.initial_counts where initial = 'Z'") == [(1 + _initials(project, "Z"),)]
    assert pg.query("select obj_description('main.customer_initials'::regclass, 'pg_class')") == [("made by hand",)]
    restored = [e["relation"] for e in second.events("dependant_restored")]
    assert restored == ["main.customer_initials", "main.initial_counts"], "the seed was truncated, not dropped"


def _initials(project: Path, letter: str) -> int:
    lines = (project / "seeds" / "raw_customers.csv").read_text().splitlines()[1:-1]
    return sum(1 for line in lines if line.split(",")[2].startswith(letter))


def test_a_seed_whose_columns_change_is_reloaded_and_the_views_on_it_come_back(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    first = pg.dbt(["run", "--select", "customers"], project)
    assert first.returncode == 0, first.messages
    pg.query("create view main.customer_names as select first_name from main.raw_customers")
    seed = project / "seeds" / "raw_customers.csv"
    lines = seed.read_text().splitlines()
    seed.write_text("\n".join([lines[0] + ",vip"] + [line + ",true" for line in lines[1:]]) + "\n")
    second = pg.dbt(["run", "--select", "customers"], project)
    assert second.returncode == 0, second.messages
    columns = [c[:2] for c in pg.catalog()["main.raw_customers"]["columns"]]
    assert columns == [("id", "integer"), ("first_name", "text"), ("last_name", "text"), ("vip", "boolean")]
    assert pg.query("select count(*) from main.customer_names") == [(100,)]
    assert [e["relation"] for e in second.events("dependant_restored")] == ["main.customer_names"]


def test_a_healthy_rerun_reads_its_recorded_plan_and_sees_what_was_dropped(tmp_path: Path, pg: PgDatabase) -> None:
    """The recorded plan (self_heal_check_recorded) on PostgreSQL: its row is read, its relations looked at and its
    unfinished marks made in the catalog query, inside the advisory lock's transaction."""
    project = copy_fixture("jaffle_shop", tmp_path)
    runs = [pg.dbt(["run", "--select", "customers"], project) for _ in range(3)]
    assert all(run.returncode == 0 for run in runs), runs[-1].messages
    assert [run.events("heal_skipped")[0]["plan"] for run in runs[1:]] == ["computed", "recorded"]
    assert pg.query("select count(*) from main.self_heal_fingerprints where fingerprint like 'unfinished:%'") == [(0,)]

    pg.query("drop table main.raw_payments cascade")  # takes the view stg_payments along
    healed = pg.dbt(["run", "--select", "customers"], project)
    assert healed.returncode == 0, healed.messages
    assert sorted(healed.events("heal_complete")[0]["relations"]) == ["raw_payments", "stg_payments"]


def test_views_on_a_rebuilt_view_come_back_as_they_were_and_one_that_no_longer_fits_is_left_to_dbt(
    tmp_path: Path, pg: PgDatabase
) -> None:
    """dbt-postgres replaces stg_customers (its code changed) with DROP ... CASCADE. What depended on it comes back
    with what it carried (options, owner, grants, comments, a materialized view's index); a selected view among them
    is then built by dbt itself (dbt's relation cache is told it exists again); a dbt view whose old definition no
    longer fits is left dropped with a warning: plain dbt, which would not have touched its parent, succeeds too."""
    project = copy_fixture("jaffle_shop", tmp_path)
    staging = project / "models" / "staging"
    (staging / "stg_customer_firsts.sql").write_text("select customer_id, first_name from {{ ref('stg_customers') }}\n")
    (staging / "stg_customer_initials.sql").write_text(
        "select customer_id, left(last_name, 1) as initial from {{ ref('stg_customers') }}\n")
    (project / "models" / "marts" / "customer_list.sql").write_text(
        "select customer_id, first_name from {{ ref('stg_customers') }}\n")
    first = pg.dbt(["run"], project)
    assert first.returncode == 0, first.messages
    for role in ("self_heal_owner", "self_heal_reader"):
        pg.query(f"do $$ begin create role {role}; exception when duplicate_object then null; end $$")
    pg.query("create view main.customer_names with (security_barrier) as select first_name from main.stg_customers")
    pg.query("comment on column main.customer_names.first_name is 'given name'")
    pg.query("grant select on main.customer_names to self_heal_reader")
    pg.query("alter view main.customer_names owner to self_heal_owner")
    pg.query("create materialized view main.customer_counts as select count(*) as n from main.stg_customers")
    pg.query("create index customer_counts_n on main.customer_counts (n)")

    model = staging / "stg_customers.sql"
    model.write_text(model.read_text().replace("last_name", "last_name as surname"))
    run = pg.dbt(["run", "--select", "customer_list", "stg_customer_firsts"], project)
    assert run.returncode == 0, run.messages[-3000:]
    assert set(reasons(run.events("heal_start"))) == {"stg_customers"}
    assert {e["relation"] for e in run.events("dependant_restored")} == {
        "main.customer_names", "main.customer_counts", "main.stg_customer_firsts", "main.stg_customer_initials"}
    [dropped] = run.events("dependant_dropped")
    assert dropped["unique_id"] == "model.jaffle_shop.stg_customer_initials"
    assert "dbt build --select stg_customer_initials" in run.messages
    assert pg.query("select to_regclass('main.stg_customer_initials')") == [(None,)]

    assert pg.query(
        "select c.reloptions, pg_get_userbyid(c.relowner), has_table_privilege('self_heal_reader', c.oid, 'select'),"
        " col_description(c.oid, 1) from pg_class c where c.oid = 'main.customer_names'::regclass"
    ) == [(["security_barrier=true"], "self_heal_owner", True, "given name")]
    assert pg.query("select indexname from pg_indexes where schemaname = 'main' and tablename = 'customer_counts'") == [
        ("customer_counts_n",)]
    assert pg.query("select n from main.customer_counts") == [(100,)]
    assert pg.query("select column_name from information_schema.columns where table_schema = 'main'"
                    " and table_name = 'stg_customer_firsts' order by ordinal_position") == [
        ("customer_id",), ("first_name",)]


def test_a_materialized_view_found_as_a_table_is_rebuilt_as_one(tmp_path: Path, pg: PgDatabase) -> None:
    project = copy_fixture("jaffle_shop", tmp_path)
    (project / "models" / "marts" / "customer_count.sql").write_text(
        "{{ config(materialized='materialized_view') }}\nselect count(*) as n from {{ ref('stg_customers') }}\n")
    (project / "models" / "marts" / "count_report.sql").write_text("select n from {{ ref('customer_count') }}\n")
    first = pg.dbt(["run", "--select", "count_report"], project)
    assert first.returncode == 0, first.messages[-3000:]
    pg.query("drop materialized view main.customer_count")
    pg.query("create table main.customer_count as select 0::bigint as n")
    second = pg.dbt(["run", "--select", "count_report"], project)
    assert second.returncode == 0, second.messages[-3000:]
    assert "is a table but customer_count is materialized as materialized_view" in reasons(
        second.events("heal_start"))["customer_count"]
    assert pg.query("select relkind from pg_class where oid = 'main.customer_count'::regclass") == [("m",)]
    assert pg.query("select n from main.count_report") == [(100,)]


def test_a_relation_whose_replacement_would_drop_the_users_functions_or_columns_is_kept(
    tmp_path: Path, pg: PgDatabase
) -> None:
    """DROP ... CASCADE of a stale table would take a function whose body reads it, a function returning its row
    type and another table's column of that type (with the rows in it). Plain `dbt run --select` of a model
    downstream never touches that table, so the heal keeps it as it is, says why, and builds the rest."""
    project = copy_fixture("jaffle_shop", tmp_path)
    (project / "models" / "marts" / "customer_ids.sql").write_text(
        "{{ config(materialized='table') }}\nselect customer_id from {{ ref('customers') }}\n")
    first = pg.dbt(["run"], project)
    assert first.returncode == 0, first.messages[-3000:]
    pg.query("create schema app")
    pg.query("create function app.n_customers() returns bigint language sql begin atomic"
             " select count(*) from main.customers; end")
    pg.query("create function app.all_customers() returns setof main.customers language sql"
             " as 'select * from main.customers'")
    pg.query("create table app.keep (k int, c main.customers)")
    pg.query("insert into app.keep (k) values (1)")
    model = project / "models" / "marts" / "customers.sql"
    model.write_text(model.read_text() + "\n-- edited\n")
    staging = project / "models" / "staging" / "stg_orders.sql"
    staging.write_text(staging.read_text() + "\n-- edited\n")

    run = pg.dbt(["run", "--select", "customer_ids"], project)
    assert run.returncode == 0, run.messages[-3000:]
    [kept] = run.events("stale_kept")
    assert [item["relation"] for item in kept["stale"]] == ["customers"]
    for words in ("function app.n_customers()", "function app.all_customers()", "column c of table app.keep"):
        assert words in kept["message"], kept["message"]
    assert run.events("heal_complete")[0]["relations"] == ["stg_orders"]
    assert run.events("heal_complete")[0]["models"] == 1, "the count leaves the kept relation out"
    assert pg.query("select app.n_customers()") == [(100,)]
    assert pg.query("select count(*) from app.keep where k = 1") == [(1,)]
    assert pg.query("select count(*) from information_schema.columns where table_schema = 'app'"
                    " and table_name = 'keep'") == [(2,)]
    again = pg.dbt(["run", "--select", "customer_ids"], project)
    assert again.returncode == 0, again.messages[-3000:]
    assert [item["relation"] for item in again.events("stale_kept")[0]["stale"]] == ["customers"], "said every run"
    assert pg.query("select app.n_customers()") == [(100,)]
