"""Disk suite: too little free space is refused before anything is written; a disk that fills up during healing
(a real tmpfs of a few MB — we run as root — else RLIMIT_FSIZE on the child) leaves the database exactly as before
with an error that says to free space.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from selfheal.disk import estimate_required_bytes

from tests.harness import REPO, fingerprint, run_dbt
from tests.reliability.common import (
    DB_NAME,
    INIT_ARGS,
    Reference,
    SuiteResult,
    Trial,
    can_mount,
    clone_db,
    default_reference,
    diff_fingerprints,
    partial_db,
    remount,
    run_trials,
    selfheal,
    sha256,
    tmpfs,
)

MB = 1024 * 1024
WRAPPER_INPUTS = [REPO / "data" / "census.csv", REPO / "seeds"]  # what the wrapper's free-space estimate reads
DISK_FULL = ("no space left on device", "file too large")


def _tree(path: Path) -> dict[str, str | None]:
    return {str(p.relative_to(path)): sha256(p) for p in sorted(path.rglob("*"))} if path.exists() else {}


def below_threshold(trial: Trial, root: Path, reference: Reference, existing: bool) -> None:
    ws = root / "ws"
    root.mkdir(parents=True, exist_ok=True)
    if existing:
        clone_db(reference, ws)
    before = _tree(root)
    free_mb = shutil.disk_usage(root if root.exists() else root.parent).free // MB
    run = selfheal("init", "-w", str(ws), "--min-free-mb", str(free_mb + 10_000))
    trial.info.update(exit_code=run.returncode, code=run.code)
    trial.check(
        run.returncode == 12 and run.code == "SH003",
        "refused: SH003, exit 12",
        f"exit {run.returncode} {run.code}: {run.text[-400:]}",
    )
    trial.check("free" in run.remediation.lower(), "remediation says to free space", run.remediation)
    trial.check(_tree(root) == before, "nothing written", f"{before} -> {_tree(root)}", loss=existing)


def tiny_filesystem(trial: Trial, root: Path, reference: Reference) -> None:
    with tmpfs(root / "mnt", 2048) as fs:
        run = selfheal("init", "-w", str(fs / "ws"))
        trial.info.update(exit_code=run.returncode, code=run.code)
        trial.check(
            run.returncode == 12 and run.code == "SH003",
            "refused on a 2 MB filesystem: SH003, exit 12",
            f"exit {run.returncode} {run.code}: {run.text[-400:]}",
        )
        trial.check(not any(fs.iterdir()), "nothing written", [p.name for p in fs.iterdir()])


def fills_during_heal(trial: Trial, root: Path, reference: Reference, wrapper: bool) -> None:
    """A partial workspace on a tmpfs with room for its database plus a little: the heal runs out of space."""
    mount = root / "mnt"
    staged = partial_db(reference, root / "staging")
    size = staged.stat().st_size
    # dbt's own files live outside the tmpfs at dbt level; the wrapper keeps logs/ and target/ in the workspace
    # and checks 3x the inputs (~2 MB) first, so it gets that much more room.
    room_kb = (size + (estimate_required_bytes(WRAPPER_INPUTS) + 1024 * 1024 if wrapper else 256 * 1024)) // 1024
    with tmpfs(mount, room_kb) as fs:
        ws = fs / "ws"
        ws.mkdir()
        db = ws / DB_NAME
        shutil.copy2(staged, db)
        before = fingerprint(db)
        if wrapper:
            run = selfheal("init", "-w", str(ws), "--min-free-mb", "0")
            text, code, exit_code = run.text, run.code, run.returncode
            trial.check(
                code == "SH003" and exit_code == 12,
                "catalogue error SH003, exit 12",
                f"exit {exit_code} {code}: {text[-500:]}",
            )
            remediation = run.remediation
        else:
            result = run_dbt(INIT_ARGS, db, work_dir=root / "dbt")
            text, exit_code = " ".join(result.messages.split()), result.returncode
            # dbt ends the run at the failing statement inside the hook; the heal said what to do when it started.
            said = result.events("heal_failed") or result.events("heal_start")
            remediation = str(said[0].get("remediation", "")) if said else ""
        trial.info.update(exit_code=exit_code, tmpfs_kb=room_kb, database_kb=size // 1024)
        trial.check(exit_code != 0, "the heal fails", exit_code)
        trial.check(any(m in text.lower() for m in DISK_FULL), "the disk really filled up", text[-400:])
        trial.check(
            "free disk space" in remediation.lower() or "free space" in remediation.lower(),
            "remediation says to free disk space",
            remediation,
        )
        if exit_code == 0:
            return  # the fault was not injected (checked above); nothing more to judge
        diff = diff_fingerprints(fingerprint(db), before)
        trial.check(not diff, "database exactly as before", diff, loss=True)

        remount(fs, f"size={room_kb + 64 * 1024}k")  # the user frees space: the same workspace now heals
        if wrapper:
            again = selfheal("init", "-w", str(ws), "--min-free-mb", "0")
            ok, detail = again.returncode == 0, again.text[-400:]
        else:
            rerun = run_dbt(INIT_ARGS, db, work_dir=root / "dbt")
            ok, detail = rerun.returncode == 0, rerun.messages[-400:]
        trial.check(ok, "after freeing space the next run succeeds", detail)
        diff = diff_fingerprints(fingerprint(db), reference.fingerprint)
        trial.check(not diff, "and equals the reference", diff, loss=True)


def run(workdir: Path, fast: bool = False) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("disk")
    reference = default_reference()
    cases = [
        ("below --min-free-mb, new workspace", lambda t: below_threshold(t, workdir / "new", reference, False)),
        ("dbt: disk fills during healing", lambda t: fills_during_heal(t, workdir / "fill-dbt", reference, False)),
    ]
    if not fast:
        cases += [
            ("below --min-free-mb, existing database", lambda t: below_threshold(t, workdir / "old", reference, True)),
            ("2 MB filesystem, default threshold", lambda t: tiny_filesystem(t, workdir / "tiny", reference)),
            (
                "wrapper: disk fills during healing",
                lambda t: fills_during_heal(t, workdir / "fill-wrapper", reference, True),
            ),
        ]
    if not can_mount():
        suite.notes.append("cannot mount a tmpfs (not root): disk-full cases need root")
        cases = cases[:1]
    suite.trials = run_trials("disk", cases)
    suite.notes.append("disk full = a tmpfs sized a little above the database (mount -t tmpfs -o size=...)")
    suite.seconds = time.monotonic() - began
    return suite
