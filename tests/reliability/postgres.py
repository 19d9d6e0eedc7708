"""PostgreSQL suite: the heal on a private PostgreSQL 15 server (tests/postgres_server.py), with the
jaffle_shop-shaped fixture. kill -9 mid-heal, a model failing mid-heal, 4 concurrent `dbt build` on an empty schema,
and a stale rebuild killed halfway. Lost = a partial heal or a relation changed by a heal that did not finish."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tests.harness import DBT, REPO, dbt_env, install_packages, run_dbt
from tests.postgres_server import PostgresServer, catalog, running_server, state_rows
from tests.reliability.common import SuiteResult, Trial, run_trials

FIXTURE = REPO / "tests" / "fixtures" / "jaffle_shop"
SLOW_PAYMENTS = (
    "{{ config(materialized='table') }}\n"
    "select id as payment_id, order_id, payment_method, amount / 100.0 as amount\n"
    "from {{ ref('raw_payments') }}, (select pg_sleep({{ var('pause', 0) }})) as pause\n"
)


class Env:
    """One trial's project copy and database on the suite's server."""

    def __init__(self, server: PostgresServer, root: Path, name: str) -> None:
        self.server, self.root, self.name = server, root, name
        self.project = root / "jaffle_shop"
        shutil.copytree(FIXTURE, self.project, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs"))
        (self.project / "packages.yml").write_text(f"packages:\n  - local: {REPO / 'dbt_self_heal'}\n")
        (self.project / "models" / "staging" / "stg_payments.sql").write_text(SLOW_PAYMENTS)
        install_packages(self.project)
        server.create_database(name)
        self.profiles = server.profiles_dir(root / "profiles", name)

    def dbt(self, *args: str, run: str = "run") -> Any:
        work = self.root / run
        work.mkdir(exist_ok=True)
        return run_dbt(list(args), work / "unused.duckdb", project_dir=self.project, work_dir=work,
                       profiles_dir=self.profiles)  # fmt: skip

    def start(self, *args: str, run: str, out: Any = subprocess.PIPE) -> subprocess.Popen[str]:
        work = self.root / run
        work.mkdir(exist_ok=True)
        cmd = [str(DBT), "--log-format", "json", *args, "--project-dir", str(self.project), "--profiles-dir",
               str(self.profiles), "--target-path", str(work / "target"), "--log-path", str(work / "logs")]  # fmt: skip
        return subprocess.Popen(cmd, cwd=self.project, env=dbt_env(work / "unused.duckdb"), stdout=out, text=True)

    def catalog(self) -> dict[str, Any]:
        return catalog(self.server, self.name)

    def idle(self) -> None:
        """Wait until the server has closed the killed client's session (and rolled its transaction back)."""
        for _ in range(100):
            with self.server.connect(self.name) as con, con.cursor() as cur:
                cur.execute("select count(*) from pg_stat_activity where datname = current_database() "
                            "and pid <> pg_backend_pid()")  # fmt: skip
                row = cur.fetchone()
            con.close()
            if row == (0,):
                return
            time.sleep(0.1)


def kill_at(proc: subprocess.Popen[str], marker: str, delay: float, timeout: float = 240) -> bool:
    assert proc.stdout is not None
    deadline, seen = time.monotonic() + timeout, False
    for line in proc.stdout:
        if marker in line:
            seen = True
            break
        if time.monotonic() > deadline:
            break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return seen


def matches(got: dict[str, Any], reference: dict[str, Any]) -> str:
    wrong = [name for name, rel in got.items() if reference.get(name) != rel]
    return f"differ from a plain build: {wrong}" if wrong else ""


def kill_mid_heal(server: PostgresServer, root: Path, reference: dict[str, Any], delay: float, trial: Trial) -> None:
    env = Env(server, root, f"rel_kill_{root.name}")
    seen = kill_at(env.start("run", "--select", "customers", "--vars", "{pause: 20}", run="killed"),
                   "building", delay)  # fmt: skip
    trial.info["delay"] = delay
    trial.check(seen, "the heal had started building when killed")
    env.idle()
    left = env.catalog()
    trial.check(left == {}, "nothing of the killed heal is left", sorted(left), loss=True)
    trial.check(state_rows(server, env.name) == [], "no stray in_progress row", state_rows(server, env.name))
    again = env.dbt("run", "--select", "customers")
    trial.check(again.returncode == 0, "the next run heals", again.messages[-800:])
    healed = (again.events("heal_complete") or [{}])[0].get("relations", [])
    trial.check(len(healed) == 6, "and builds all six missing ancestors", healed)
    trial.check(not matches(env.catalog(), reference), "exactly as a plain build", matches(env.catalog(), reference))


def error_mid_heal(server: PostgresServer, root: Path, reference: dict[str, Any], trial: Trial) -> None:
    env = Env(server, root, f"rel_error_{root.name}")
    model = env.project / "models" / "staging" / "stg_payments.sql"
    model.write_text(SLOW_PAYMENTS.replace("payment_method,", "no_such_column,"))
    failed = env.dbt("run", "--select", "customers")
    trial.check(failed.returncode == 2, "dbt stops at the failing model", failed.returncode)
    trial.check("building model stg_payments" in failed.messages, "the line before the error names the model")
    left = env.catalog()
    trial.check(left == {}, "nothing of the failed heal is left", sorted(left), loss=True)
    model.write_text(SLOW_PAYMENTS)
    again = env.dbt("run", "--select", "customers")
    trial.check(again.returncode == 0, "once fixed, the next run heals", again.messages[-800:])
    trial.check(not matches(env.catalog(), reference), "exactly as a plain build", matches(env.catalog(), reference))


def concurrent_builds(server: PostgresServer, root: Path, reference: dict[str, Any], trial: Trial) -> None:
    env = Env(server, root, f"rel_conc_{root.name}")
    for i in range(4):
        (env.project / "models" / "marts" / f"leaf_{i}.sql").write_text(
            f"select {i} as leaf, count(*) as n from {{{{ ref('stg_orders') }}}} o\n"
            "join {{ ref('stg_payments') }} p on p.order_id = o.order_id\n"
        )
    with server.connect(env.name) as con, con.cursor() as cur:
        cur.execute("create schema main")
    con.close()
    logs = [root / f"leaf_{i}.jsonl" for i in range(4)]
    handles = [log.open("w") for log in logs]
    procs = [env.start("build", "--select", f"leaf_{i}", run=f"leaf_{i}", out=handles[i]) for i in range(4)]
    for proc, handle in zip(procs, handles, strict=True):
        proc.wait(timeout=900)
        handle.close()
    codes = [proc.returncode for proc in procs]
    trial.check(codes == [0, 0, 0, 0], "all four builds succeed", codes)
    heals = [e for log in logs for e in _events(log.read_text()) if e["event"] == "heal_complete"]
    trial.check(len(heals) == 1, "exactly one of them heals", len(heals))
    states = [row["state"] for row in state_rows(server, env.name)]
    trial.check(states == ["completed"], "one state row, completed (none in_progress)", states)
    trial.check(not matches({k: v for k, v in env.catalog().items() if "leaf_" not in k}, reference),
                "the healed relations are those of a plain build", "")  # fmt: skip


def stale_rebuild_killed(server: PostgresServer, root: Path, reference: dict[str, Any], trial: Trial) -> None:
    env = Env(server, root, f"rel_stale_{root.name}")
    first = env.dbt("run", "--select", "customers")
    trial.check(first.returncode == 0, "the first heal", first.messages[-800:])
    before = env.catalog()
    seed = env.project / "seeds" / "raw_payments.csv"
    seed.write_text(seed.read_text() + "1000,1,coupon,100\n")
    seen = kill_at(env.start("run", "--select", "customers", "--vars", "{pause: 20}", run="killed"),
                   "building model stg_payments", 1.0)  # fmt: skip
    trial.check(seen, "the stale rebuild was under way when killed")
    env.idle()
    after = env.catalog()
    changed = sorted(name for name in before if after.get(name) != before[name])
    trial.check(not changed, "every relation is as it was before the killed rebuild", changed, loss=True)
    again = env.dbt("run", "--select", "customers")
    stale = sorted(item["relation"] for item in (again.events("heal_start") or [{}])[0].get("stale", []))
    trial.check(again.returncode == 0 and stale == ["raw_payments", "stg_payments"],
                "the next run rebuilds exactly the stale ones", stale)  # fmt: skip


def _events(text: str) -> list[dict[str, Any]]:
    found = []
    for line in text.splitlines():
        try:
            msg = json.loads(line).get("data", {}).get("msg", "")
        except json.JSONDecodeError:
            continue
        if msg.startswith("self_heal "):
            found.append(json.loads(msg[len("self_heal ") :]))
    return found


def run(work: Path, kill_trials: int = 3, seed: int = 20251212) -> SuiteResult:
    began = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    result = SuiteResult("postgres")
    with running_server() as server:
        ref = Env(server, work / "reference", "rel_reference")
        built = ref.dbt("build", "--vars", "{self_heal_enabled: false}")
        if built.returncode != 0:
            raise RuntimeError(f"the plain reference build failed: {built.messages[-1500:]}")
        reference = ref.catalog()
        rng = random.Random(seed)
        cases: list[tuple[str, Callable[[Trial], None]]] = [
            (f"kill -9 mid-heal #{i + 1}", partial(kill_mid_heal, server, work / f"kill{i}", reference,
                                                    round(rng.uniform(0.0, 2.0), 2)))
            for i in range(kill_trials)
        ]  # fmt: skip
        cases += [
            ("model failing mid-heal", partial(error_mid_heal, server, work / "error", reference)),
            ("4 concurrent dbt build, empty schema", partial(concurrent_builds, server, work / "conc", reference)),
            ("stale rebuild killed halfway", partial(stale_rebuild_killed, server, work / "stale", reference)),
        ]
        result.trials = run_trials("postgres", cases, workers=2)
    result.seconds = time.monotonic() - began
    result.notes.append("a private PostgreSQL 15 server; each trial its own database; the fixture's stg_payments "
                        "made a table that sleeps when var pause is set, so a kill lands mid-heal")  # fmt: skip
    return result
