"""Corruption suite: damage a healed workspace's database six ways; each must be detected, kept byte for byte, and
recreated only with consent (`--recreate-corrupt`), the corrupt file moved aside as `.corrupt-<UTC timestamp>`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb

from tests.harness import fingerprint
from tests.reliability.common import (
    DB_NAME,
    Reference,
    SuiteResult,
    Trial,
    clone_db,
    db_files,
    default_reference,
    diff_fingerprints,
    run_trials,
    selfheal,
    sha256,
)

HEADER = 4096  # DuckDB: a file header block, then two database headers of 4096 bytes each, then data blocks


def _opens(db: Path, deep: bool = False) -> str | None:
    """None when the file opens (and with deep=True every table reads in full); else the error."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
            if deep:
                for schema, name in tables:
                    con.execute(f'select count(*), sum(hash(t)) from "{schema}"."{name}" t').fetchall()
    except Exception as exc:  # duckdb raises several types for damaged files
        return str(exc).splitlines()[0]
    return None


def truncate_half(db: Path, workdir: Path) -> None:
    """Cut the file in half, as an interrupted copy does (the catalog survives: opening the file still works)."""
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)


def zero(db: Path, workdir: Path) -> None:
    db.write_bytes(bytes(db.stat().st_size))


def foreign(db: Path, workdir: Path) -> None:
    db.write_text("employee_id,annual_compensation\nEMP_1,100\n" * 200)


def damage_header(db: Path, workdir: Path) -> None:
    with db.open("r+b") as handle:
        for start in (HEADER, 2 * HEADER):  # both database headers: DuckDB falls back to the other one
            handle.seek(start + 8)
            handle.write(b"\xa5" * 64)


def damage_data_block(db: Path, workdir: Path) -> None:
    """Overwrite bytes inside a data block that a full read reaches but opening and the catalog do not."""
    size = db.stat().st_size
    original = db.read_bytes()
    for fraction in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.8):
        offset = max(3 * HEADER + 64, int(size * fraction))
        with db.open("r+b") as handle:
            handle.seek(offset)
            handle.write(b"\x5a" * 256)
        if _opens(db) is None and _opens(db, deep=True) is not None:
            return
        db.write_bytes(original)
    raise RuntimeError("found no data block whose damage only a full read detects")


def foreign_wal(db: Path, workdir: Path) -> None:
    """Put the WAL of another database (committed but not checkpointed) next to this one."""
    other = workdir / "other" / "other.duckdb"
    other.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(other))
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("set wal_autocheckpoint = '1GB'")
    con.execute("create table foreign_rows as select range as id from range(1000)")
    con.close()
    wal = other.with_name(other.name + ".wal")
    if not wal.exists():
        raise RuntimeError("could not produce a WAL to plant")
    db.with_name(db.name + ".wal").write_bytes(wal.read_bytes())


CASES: dict[str, tuple[Callable[[Path, Path], None], bool]] = {
    # name: (damage, needs the deep check to be seen)
    "truncated file": (truncate_half, False),
    "zeroed file": (zero, False),
    "foreign file": (foreign, False),
    "damaged header": (damage_header, False),
    "damaged data block": (damage_data_block, True),
    "foreign .wal": (foreign_wal, False),
}


def corruption_trial(
    trial: Trial, *, root: Path, reference: Reference, damage: Callable[[Path, Path], None], deep: bool, recreate: bool
) -> None:
    ws = root / "ws"
    db = clone_db(reference, ws)
    damage(db, root)
    originals = db_files(ws)
    trial.check(_opens(db, deep=True) is not None, "injected damage is real (a full read fails)", "reads")
    deep_flag = ["--deep-check"] if deep else []

    status = selfheal("status", "-w", str(ws), "--json")
    health = status.json().get("health")
    if deep:  # status does no full read: it may say ok, but it must answer (exit 0 or a catalogue error)
        trial.check(
            status.returncode == 0 or status.code is not None, "status answers without a traceback", status.text[-300:]
        )
    else:
        trial.check(health == "corrupt", "status reports health=corrupt", f"{health}: {status.text[-300:]}")

    refused = selfheal("init", "-w", str(ws), *deep_flag)
    trial.info.update(without_consent=refused.code, exit_code=refused.returncode)
    trial.check(
        refused.returncode == 13 and refused.code == "SH004",
        "detected: SH004, exit 13",
        f"exit {refused.returncode} {refused.code}: {refused.text[-400:]}",
    )
    trial.check(
        "--recreate-corrupt" in refused.remediation, "remediation names --recreate-corrupt", refused.remediation
    )
    trial.check(db_files(ws) == originals, "without consent the files are untouched", db_files(ws), loss=True)
    trial.check(not list(ws.glob("*.corrupt-*")), "without consent nothing is moved", list(ws.glob("*.corrupt-*")))

    if not recreate:
        return
    healed = selfheal("init", "-w", str(ws), "--recreate-corrupt", *deep_flag)
    trial.check(healed.returncode == 0, "with --recreate-corrupt the workspace is rebuilt", healed.text[-500:])
    for name, digest in originals.items():
        if digest is None:
            continue
        kept = sorted(ws.glob(f"{name}.corrupt-*"))
        trial.check(len(kept) == 1, f"{name} moved aside as .corrupt-<ts>", [k.name for k in kept])
        preserved = any(sha256(k) == digest for k in kept) or sha256(ws / name) == digest
        trial.check(preserved, f"{name} preserved byte for byte", [k.name for k in kept], loss=True)
    diff = diff_fingerprints(fingerprint(ws / DB_NAME), reference.fingerprint)
    trial.check(not diff, "recreated workspace equals the reference", diff)


def run(workdir: Path, fast: bool = False) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("corruption")
    reference = default_reference()
    chosen = {"zeroed file", "damaged data block", "foreign .wal"} if fast else set(CASES)
    # Moving aside is one code path; it is exercised for a DB-only, a deep-check-only and a DB+WAL damage.
    recreate = {"foreign .wal"} if fast else {"damaged header", "damaged data block", "foreign .wal"}
    cases = []
    for index, (name, (damage, deep)) in enumerate(CASES.items()):
        if name in chosen:
            body = partial(
                corruption_trial,
                root=workdir / f"case{index}",
                reference=reference,
                damage=damage,
                deep=deep,
                recreate=name in recreate,
            )
            cases.append((name, body))
    suite.trials = run_trials("corruption", cases)
    suite.notes.append("moved aside and recreated (with consent): " + ", ".join(sorted(recreate & chosen)))
    suite.seconds = time.monotonic() - began
    return suite
