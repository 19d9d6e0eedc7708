"""Concurrency suite: several wrappers at once on a fresh workspace, a wrapper while plain dbt holds the database,
and a workspace lock whose holder was SIGKILLed.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from pathlib import Path

import psutil

from tests.harness import DBT, REPO, dbt_env, fingerprint, state_rows
from tests.reliability.common import (
    DB_NAME,
    Reference,
    SuiteResult,
    Trial,
    clone_db,
    default_reference,
    diff_fingerprints,
    run_trials,
    selfheal,
    selfheal_cmd,
    wrapper_env,
)

CONCURRENT = 3
# A query that keeps plain dbt connected (holding DuckDB's file lock) until the trial stops it.
LONG_QUERY = "select sum(a.range * b.range) as s from range(200000) a, range(200000) b"


def _wait_until(predicate: object, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(interval)
    return False


def _locked(db: Path) -> bool:
    """Whether some process holds a lock on the file, read from /proc/locks: probing with duckdb.connect would
    itself take the lock for a moment and could make the holder's own open fail."""
    try:
        inode = db.stat().st_ino
        entries = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return False
    return any(line.split()[5].endswith(f":{inode}") for line in entries if len(line.split()) > 5)


def concurrent_inits(trial: Trial, root: Path, reference: Reference) -> None:
    ws = root / "ws"
    procs = [
        subprocess.Popen(
            selfheal_cmd("init", "-w", str(ws), "--json", "--min-free-mb", "1"),
            cwd=REPO,
            env=wrapper_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(CONCURRENT)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    trial.check(
        codes == [0] * CONCURRENT,
        "all invocations succeed",
        [(c, e[-300:]) for c, (_, e) in zip(codes, outputs, strict=True)],
    )
    results = []
    for out, _ in outputs:
        lines = [line for line in out.splitlines() if line.startswith("{")]
        results.append(json.loads(lines[-1]) if lines else {})
    healers = [r for r in results if r.get("created")]
    trial.info["healed_by"] = len(healers)
    trial.check(len(healers) == 1, "exactly one initialization", [r.get("created") for r in results])
    states = [r["state"] for r in state_rows(ws / DB_NAME)]
    trial.check(states == ["completed"], "one completed attempt in the state table", states)
    diff = diff_fingerprints(fingerprint(ws / DB_NAME), reference.fingerprint)
    trial.check(not diff, "result equals the reference", diff, loss=True)


def plain_dbt_holds_database(trial: Trial, root: Path, reference: Reference) -> None:
    ws = root / "ws"
    db = clone_db(reference, ws)
    before = fingerprint(db)
    cmd = [
        str(DBT),
        "show",
        "--inline",
        LONG_QUERY,
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(REPO),
        "--target-path",
        str(root / "dbt-target"),
        "--log-path",
        str(root / "dbt-logs"),
    ]
    holder = subprocess.Popen(cmd, cwd=REPO, env=dbt_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # dbt opens the file briefly while starting up, then again for the query: wait until the lock has been
        # held for a while, so the wrapper meets the long query and not a gap between the two.
        held = False
        for _ in range(3):
            held = _wait_until(lambda: _locked(db) or holder.poll() is not None, 120) and holder.poll() is None
            time.sleep(1.5)
            held = held and _locked(db) and holder.poll() is None
            if held:
                break
        trial.check(held, "plain dbt holds the database", f"dbt exited {holder.poll()}")
        if not held:
            return
        run = selfheal("run", "-w", str(ws), "--", "build", "--select", "fct_workforce_snapshot")
        trial.info.update(code=run.code, exit_code=run.returncode, seconds=round(run.seconds, 1))
        trial.check(
            run.returncode == 10 and run.code == "SH001",
            "refused: SH001, exit 10",
            f"exit {run.returncode} {run.code}: {run.text[-400:]}",
        )
        trial.check(str(holder.pid) in run.text, "message names the holder's PID", run.text[-400:])
        trial.check(bool(run.remediation), "remediation printed", run.text[-300:])
    finally:
        holder.kill()
        holder.wait()
    diff = diff_fingerprints(fingerprint(db), before)
    trial.check(not diff, "nothing damaged", diff, loss=True)


def killed_lock_holder(trial: Trial, root: Path, reference: Reference, *, with_dbt: bool) -> None:
    """SIGKILL a wrapper that holds the workspace lock (with_dbt: and the dbt it started, as a crash would)."""
    ws = root / "ws"
    owner = ws / (DB_NAME + ".lock.owner.json")
    victim = subprocess.Popen(
        selfheal_cmd("init", "-w", str(ws), "--min-free-mb", "1"),
        cwd=REPO,
        env=wrapper_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        got_lock = _wait_until(lambda: owner.exists() or victim.poll() is not None, 60)
        trial.check(
            got_lock and victim.poll() is None, "first invocation holds the workspace lock", f"exit {victim.poll()}"
        )
        _wait_until(lambda: bool(psutil.Process(victim.pid).children()) or victim.poll() is not None, 30)
        children = psutil.Process(victim.pid).children(recursive=True) if victim.poll() is None else []
    finally:
        victim.kill()
        victim.wait()
    if with_dbt:
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        psutil.wait_procs(children, timeout=10)
    trial.info.update(owner_file_left=owner.exists(), dbt_killed=with_dbt, dbt_children=len(children))
    began = time.monotonic()
    run = selfheal("init", "-w", str(ws), "--lock-timeout", "20", "--min-free-mb", "1")
    waited = time.monotonic() - began
    trial.info.update(exit_code=run.returncode, code=run.code, seconds=round(waited, 1))
    trial.check(run.returncode == 0, "the next run is not blocked and succeeds", run.text[-500:])
    trial.check("locked by" not in run.text, "it did not wait for the dead holder", run.text[-300:])
    if not with_dbt:  # the orphaned dbt may still be finishing its own (possibly complete) initialization
        psutil.wait_procs([c for c in children if c.is_running()], timeout=60)
    diff = diff_fingerprints(fingerprint(ws / DB_NAME), reference.fingerprint)
    trial.check(not diff, "result equals the reference", diff, loss=True)


def run(workdir: Path, fast: bool = False) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("concurrency")
    reference = default_reference()
    cases = [
        ("plain dbt holds the database", lambda t: plain_dbt_holds_database(t, workdir / "held", reference)),
        (
            "lock holder SIGKILLed with its dbt",
            lambda t: killed_lock_holder(t, workdir / "k1", reference, with_dbt=True),
        ),
    ]
    if not fast:
        cases.append(
            (
                "lock holder SIGKILLed, its dbt orphaned",
                lambda t: killed_lock_holder(t, workdir / "k2", reference, with_dbt=False),
            )
        )
        cases.insert(
            0,
            (
                f"{CONCURRENT} wrappers at once on a fresh workspace",
                lambda t: concurrent_inits(t, workdir / "fresh", reference),
            ),
        )
    suite.trials = run_trials("concurrency", cases)
    suite.seconds = time.monotonic() - began
    return suite
