"""Kill suite: SIGKILL a fresh workspace's initialization at a random moment; check all-or-nothing, recovery.

The moment is uniform over the heal window (first hook event to `heal_complete`) measured by an uninterrupted
calibration run under the same load (one per worker, run side by side), drawn from a seeded RNG up front.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tests.harness import DBT, REPO, SELF_HEAL_TABLES, dbt_env, fingerprint, run_dbt, state_rows
from tests.reliability.common import (
    DB_NAME,
    INIT_ARGS,
    Reference,
    SuiteResult,
    Trial,
    catalog,
    census,
    default_reference,
    diff_fingerprints,
    run_trial,
)

ANCHOR = ("check_tables", "started")  # the first hook event: the window is measured from here
RUN_TIMEOUT = 240.0


@dataclass
class Streamed:
    returncode: int
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)  # (seconds since anchor, event)
    killed_at: float | None = None  # seconds since anchor


def _heal_event(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    msg = str(data.get("data", {}).get("msg", ""))
    if data.get("info", {}).get("name") == "JinjaLogInfo" and msg.startswith("self_heal "):
        return dict(json.loads(msg[len("self_heal ") :]))
    return None


def _is(event: dict[str, Any], step: str, status: str) -> bool:
    return event.get("event") == "step" and event.get("step") == step and event.get("status") == status


def stream_init(
    db: Path,
    variables: dict[str, Any] | None,
    kill_after: float | None = None,
    anchor: tuple[str, str] = ANCHOR,
) -> Streamed:
    """Run the init command, timing hook events from the anchor event; SIGKILL dbt `kill_after` s after it."""
    work = db.parent
    cmd = [
        str(DBT),
        "--log-format",
        "json",
        *INIT_ARGS,
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(REPO),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    if variables:
        cmd += ["--vars", json.dumps(variables)]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=dbt_env(db), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    result = Streamed(returncode=0)
    anchor_time: float | None = None
    timer: threading.Timer | None = None
    deadline = threading.Timer(RUN_TIMEOUT, proc.kill)
    deadline.start()

    def kill() -> None:
        if proc.poll() is None:
            result.killed_at = time.monotonic() - (anchor_time or 0.0)
            os.kill(proc.pid, signal.SIGKILL)

    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            event = _heal_event(line)
            if event is None:
                continue
            now = time.monotonic()
            if anchor_time is None and _is(event, *anchor):
                anchor_time = now
                if kill_after is not None:
                    timer = threading.Timer(kill_after, kill)
                    timer.start()
            result.events.append((now - (anchor_time or now), event))
        result.returncode = proc.wait()
    finally:
        deadline.cancel()
        if timer is not None:
            timer.join()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    return result


def _phase(streamed: Streamed) -> str:
    """The last hook event dbt printed before the kill: where in the initialization the kill landed."""
    if streamed.killed_at is None:
        return "not killed (finished first)"
    before = [e for t, e in streamed.events if t <= streamed.killed_at]
    if not before:
        return "before hook"
    last = before[-1]
    return f"{last['step']} {last['status']}" if last["event"] == "step" else last["event"]


def reset_workspace(work: Path) -> None:
    """Remove the database (and WAL/temp files) but keep target/: partial parsing stays warm."""
    for path in work.glob(DB_NAME + "*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def kill_trial(
    trial: Trial,
    *,
    work: Path,
    reference: Reference,
    variables: dict[str, Any] | None,
    kill_after: float,
    anchor: tuple[str, str] = ANCHOR,
) -> None:
    db = work / DB_NAME
    reset_workspace(work)
    streamed = stream_init(db, variables, kill_after, anchor)
    phase = _phase(streamed)
    trial.info.update(kill_after=round(kill_after, 3), phase=phase, killed=streamed.killed_at is not None)
    seen = [e for t, e in streamed.events if streamed.killed_at is None or t <= streamed.killed_at]
    row_written = any(_is(e, "load_seeds", "started") for e in seen)  # emitted after the state row is inserted

    # 1. all or nothing, nothing stray
    rels = catalog(db)
    names = {n for _, n, _ in rels}
    healed = names - set(SELF_HEAL_TABLES)
    trial.info["relations_after_kill"] = len(healed)
    trial.check(
        healed in (set(), set(reference.relations)),
        "all or none of the healed relations",
        f"{len(healed)} of {len(reference.relations)} present: {sorted(healed)}",
        loss=True,
    )
    stray = sorted(f"{s}.{n}" for s, n, _ in rels if n not in reference.relations | set(SELF_HEAL_TABLES))
    trial.check(not stray, "no stray or temporary relation", stray)
    schemas = {s for s, _, _ in rels}
    trial.check(schemas <= {"main"}, "no schema left behind", sorted(schemas))

    # 2. the state table tells the story
    rows = state_rows(db)
    states = [r["state"] for r in rows]
    interrupted = [r for r in rows if r["state"] == "in_progress"]
    if healed:
        trial.check(states == ["completed"], "state row completed with the relations", states)
    elif row_written:
        trial.check(states == ["in_progress"], "state shows the interrupted attempt", states)
    else:
        trial.check(states in ([], ["in_progress"]), "no state row, or an in_progress one", states)

    # 3. the next ordinary run succeeds and equals an uninterrupted build
    retry = run_dbt(INIT_ARGS, db, variables=variables)
    trial.check(retry.returncode == 0, "next ordinary run succeeds", retry.messages[-800:])
    if interrupted:
        reported = [e.get("previous_invocation_id") for e in retry.events("previous_interrupted")]
        trial.check(reported == [interrupted[0]["invocation_id"]], "next run reports previous_interrupted", reported)
        after = state_rows(db)
        trial.check(
            [r["state"] for r in after] == ["failed", "completed"] and str(after[0]["error"]).startswith("interrupted"),
            "interrupted attempt marked failed, retry completed",
            [(r["state"], r["error"]) for r in after],
        )
    diff = diff_fingerprints(fingerprint(db), reference.fingerprint)
    trial.check(not diff, "result equals an uninterrupted build", diff, loss=True)


def _calibrate(work: Path, variables: dict[str, Any] | None) -> tuple[float, Streamed]:
    reset_workspace(work)
    streamed = stream_init(work / DB_NAME, variables)
    if streamed.returncode != 0:
        raise RuntimeError(f"calibration run in {work} failed with exit code {streamed.returncode}")
    done = [t for t, e in streamed.events if e["event"] == "heal_complete"]
    if not done:
        raise RuntimeError("calibration run emitted no heal_complete")
    return done[0], streamed


def run(
    workdir: Path, trials: int = 20, seed: int = 20251212, census_rows: int = 200_000, workers: int = 2
) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("kill")
    variables = {"census_path": str(census(census_rows))} if census_rows else None
    works = [workdir / "kill" / f"w{i}" for i in range(workers)]
    for work in works:
        work.mkdir(parents=True, exist_ok=True)

    # Calibration: one uninterrupted run per worker side by side (the trials' load; warms partial parsing).
    windows: list[float | None] = [None] * workers
    errors: list[str] = []

    def calibrate(i: int) -> None:
        try:
            windows[i] = _calibrate(works[i], variables)[0]
        except Exception as exc:  # reported in the notes; the suite then has no trials and fails
            errors.append(str(exc))

    threads = [threading.Thread(target=calibrate, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        suite.notes.append("calibration failed: " + "; ".join(errors))
        suite.seconds = time.monotonic() - began
        return suite
    ref_db = workdir / "kill" / "reference.duckdb"
    shutil.copy2(works[0] / DB_NAME, ref_db)
    ref_print = fingerprint(ref_db)
    reference = Reference(ref_db, ref_print, frozenset(k.split(".", 1)[1] for k in ref_print), 0.0)
    same = [diff_fingerprints(fingerprint(w / DB_NAME), ref_print) for w in works[1:]]
    if any(same):
        suite.notes.append(f"calibration builds differ from each other: {same}")
    window = max(w for w in windows if w is not None)
    suite.notes.append(
        f"census {census_rows or 'data/census.csv'} rows; heal window {[round(w or 0, 2) for w in windows]}s "
        f"(check_tables started -> heal_complete); kill offsets uniform in [0, {window:.2f}] s, seed {seed}"
    )
    rng = random.Random(seed)
    offsets = [rng.uniform(0.0, window) for _ in range(trials)]

    results: list[Trial | None] = [None] * trials
    queue = list(range(trials))
    lock = threading.Lock()

    def worker(work: Path) -> None:
        while True:
            with lock:
                if not queue:
                    return
                i = queue.pop(0)
            results[i] = run_trial(
                "kill",
                f"kill at +{offsets[i]:.2f}s",
                lambda t, i=i: kill_trial(
                    t, work=work, reference=reference, variables=variables, kill_after=offsets[i]
                ),
            )

    threads = [threading.Thread(target=worker, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    suite.trials = [t for t in results if t is not None]
    phases: dict[str, int] = {}
    for t in suite.trials:
        phases[str(t.info.get("phase"))] = phases.get(str(t.info.get("phase")), 0) + 1
    suite.notes.append(f"kills landed in: {phases}")
    suite.seconds = time.monotonic() - began
    return suite


def run_fast(workdir: Path) -> SuiteResult:
    """One trial for `make test`: the reference census, killed as soon as the model build starts."""
    began = time.monotonic()
    suite = SuiteResult("kill")
    work = workdir / "kill-fast"
    work.mkdir(parents=True, exist_ok=True)
    reference = default_reference()
    body = partial(
        kill_trial,
        work=work,
        reference=reference,
        variables=None,
        kill_after=0.0,
        anchor=("build_foundation", "started"),
    )
    suite.trials = [run_trial("kill", "kill when build_foundation starts", body)]
    suite.seconds = time.monotonic() - began
    return suite
