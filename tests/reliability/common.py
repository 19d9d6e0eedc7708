"""Shared machinery of the fault-injection suites: trials, workspaces, references, the wrapper, mounts.

A trial records named checks; a failed check marked `loss` means user data was lost or damaged (a database
changed when it must not, a corrupt file not kept byte for byte, a partial heal). Nothing here decides an
outcome by itself: clean and lost are computed from the checks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tests.harness import REPO, fingerprint, run_dbt

SELFHEAL = Path(sys.executable).with_name("selfheal")
DB_NAME = "simulation.duckdb"
# What `selfheal init` runs: a data test tagged self_heal_init, so the hook heals every required node.
INIT_ARGS = ["test", "--select", "tag:self_heal_init"]
CACHE = REPO / "target" / "reliability-cache"
# Trials run side by side: each mostly waits on dbt start-up and subprocesses, so 3 keep 2 cores busy.
WORKERS = int(os.environ.get("RELIABILITY_WORKERS", "3"))


# --- bookkeeping
@dataclass
class Check:
    name: str
    ok: bool
    loss: bool
    detail: str = ""


@dataclass
class Trial:
    suite: str
    name: str
    checks: list[Check] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    crashed: str | None = None

    def check(self, ok: bool, name: str, detail: Any = "", *, loss: bool = False) -> bool:
        self.checks.append(Check(name, bool(ok), loss, "" if ok else str(detail)[:600]))
        return bool(ok)

    @property
    def clean(self) -> bool:
        return self.crashed is None and bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def lost(self) -> bool:
        return any(c.loss and not c.ok for c in self.checks)

    def failures(self) -> list[str]:
        out = [f"{c.name}{' [DATA LOSS]' if c.loss else ''}: {c.detail}" for c in self.checks if not c.ok]
        return out + ([f"crashed: {self.crashed}"] if self.crashed else [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "clean": self.clean,
            "lost": self.lost,
            "seconds": round(self.seconds, 2),
            "checks": len(self.checks),
            "failures": self.failures(),
            "info": self.info,
        }


@dataclass
class SuiteResult:
    suite: str
    trials: list[Trial] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> int:
        return sum(t.clean for t in self.trials)

    @property
    def lost(self) -> int:
        return sum(t.lost for t in self.trials)

    @property
    def passed(self) -> bool:
        return bool(self.trials) and self.lost == 0 and self.clean == len(self.trials)

    def line(self) -> str:
        return f"{self.suite}: {len(self.trials)} trials, {self.clean} clean, {self.lost} lost"

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "trials": len(self.trials),
            "clean": self.clean,
            "lost": self.lost,
            "seconds": round(self.seconds, 1),
            "notes": self.notes,
            "results": [t.to_dict() for t in self.trials],
        }


TrialFn = Callable[[Trial], None]


def run_trial(suite: str, name: str, body: TrialFn) -> Trial:
    """Run one trial; an exception in the harness itself is recorded (the trial is not clean), not raised."""
    trial = Trial(suite, name)
    began = time.monotonic()
    try:
        body(trial)
    except Exception as exc:  # a broken trial must show up in the table, not abort the other suites
        trial.crashed = f"{type(exc).__name__}: {exc}"[:600]
    trial.seconds = time.monotonic() - began
    return trial


def run_trials(suite: str, cases: Sequence[tuple[str, TrialFn]], workers: int = WORKERS) -> list[Trial]:
    """Run independent trials on `workers` threads (each drives its own subprocesses); keep case order."""
    results: list[Trial | None] = [None] * len(cases)
    pending = list(enumerate(cases))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                index, (name, body) = pending.pop(0)
            results[index] = run_trial(suite, name, body)

    threads = [threading.Thread(target=worker) for _ in range(max(1, min(workers, len(cases))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [t for t in results if t is not None]


# --- databases
def sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def db_files(workspace: Path) -> dict[str, str | None]:
    """sha256 of the database and its WAL: what `byte for byte` compares."""
    return {name: sha256(workspace / name) for name in (DB_NAME, DB_NAME + ".wal")}


def catalog(db: Path) -> list[tuple[str, str, str]]:
    """(schema, name, type) of every relation in the file, read-only, including the state table."""
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            (s, n, k)
            for s, n, k in con.execute(
                "select table_schema, table_name, table_type from information_schema.tables "
                "where table_catalog = current_database() order by 1, 2"
            ).fetchall()
        ]


def diff_fingerprints(got: dict[str, Any], want: dict[str, Any]) -> str:
    """A short description of how two fingerprints differ ('' when equal)."""
    if got == want:
        return ""
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    changed = sorted(k for k in set(got) & set(want) if got[k] != want[k])
    return f"missing={missing} extra={extra} changed={changed}"


def drop_relations(db: Path, keep: Callable[[str], bool]) -> None:
    """Drop every relation whose name `keep` rejects (views first), then checkpoint: a partial workspace."""
    with duckdb.connect(str(db)) as con:
        rows = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() order by table_type desc"
        ).fetchall()
        for schema, name, kind in rows:
            if not keep(name):
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} "{schema}"."{name}" cascade')
        con.execute("checkpoint")


# --- references
_ref_lock = threading.Lock()


def census(rows: int) -> Path:
    """A generated census of `rows` employees (fixed seed), cached under target/ across runs."""
    path = CACHE / f"census_{rows}.csv"
    with _ref_lock:
        if not path.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.csv")
            subprocess.run(
                [
                    sys.executable,
                    str(REPO / "scripts" / "generate_census.py"),
                    "--employees",
                    str(rows),
                    "--out",
                    str(tmp),
                ],
                check=True,
                capture_output=True,
            )
            tmp.rename(path)
    return path


@dataclass(frozen=True)
class Reference:
    """An uninterrupted initialization of a fresh workspace: its file (to copy) and its fingerprint."""

    db: Path
    fingerprint: dict[str, Any]
    relations: frozenset[str]
    heal_seconds: float


def build_reference(workdir: Path, variables: dict[str, Any] | None = None) -> Reference:
    """`dbt test --select <one seed test>` on a fresh workspace: the hook heals every required relation."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / DB_NAME
    run = run_dbt(INIT_ARGS, db, variables=variables)
    if run.returncode != 0:
        raise RuntimeError(f"reference build failed ({run.returncode}): {run.messages[-2000:]}")
    [done] = run.events("heal_complete")
    fp = fingerprint(db)
    return Reference(db, fp, frozenset(k.split(".", 1)[1] for k in fp), float(done["duration_seconds"]))


def clone_db(reference: Reference, workspace: Path) -> Path:
    workspace.mkdir(parents=True, exist_ok=True)
    target = workspace / DB_NAME
    shutil.copy2(reference.db, target)
    return target


# --- the wrapper
@dataclass
class WrapperRun:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def code(self) -> str | None:
        match = re.search(r"error (SH\d{3}):", self.stderr)
        return match[1] if match else None

    @property
    def remediation(self) -> str:
        match = re.search(r"^fix:\s*(.+)", self.stderr, re.MULTILINE | re.DOTALL)
        return " ".join(match[1].split()) if match else ""

    @property
    def text(self) -> str:
        return " ".join((self.stdout + "\n" + self.stderr).split())

    def json(self) -> dict[str, Any]:
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("{"):
                return dict(json.loads(line))
        return {}


def wrapper_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_VERSION_CHECK="false", COLUMNS="400", TERM="dumb")
    env.pop("PLANALIGN_DB_PATH", None)
    return env


def selfheal_cmd(*args: str) -> list[str]:
    return [str(SELFHEAL), *args]


def selfheal(*args: str, timeout: float = 240) -> WrapperRun:
    """Run the `selfheal` console script as a user would, stdin not a terminal (so it never prompts)."""
    began = time.monotonic()
    proc = subprocess.run(
        selfheal_cmd(*args),
        cwd=REPO,
        env=wrapper_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return WrapperRun(list(args), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - began)


def wrapper_available(*needles: str) -> str | None:
    """None when the wrapper's CLI exists and its help mentions every needle; else why not."""
    if not SELFHEAL.exists():
        return f"no console script {SELFHEAL}"
    for sub in ("init", "status", "run", "simulate"):
        proc = subprocess.run(
            selfheal_cmd(sub, "--help"), capture_output=True, text=True, env=wrapper_env(), check=False
        )
        if proc.returncode != 0:
            return f"`selfheal {sub} --help` exits {proc.returncode}"
    helps = subprocess.run(selfheal_cmd("init", "--help"), capture_output=True, text=True, env=wrapper_env())
    for needle in needles:
        if needle not in helps.stdout:
            return f"`selfheal init` has no option {needle}"
    return None


# --- mounts
@contextmanager
def tmpfs(path: Path, size_kb: int, *, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of `size_kb` at path (needs root): a disk that really fills up, or one that refuses writes."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], check=True)
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True)


def can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with tmpfs(Path(tmp) / "m", 64):
                return True
        except (subprocess.CalledProcessError, OSError):
            return False


_default: Reference | None = None


def default_reference() -> Reference:
    """The reference workspace (data/census.csv) initialized once per process, in a private temp dir."""
    global _default
    with _ref_lock:
        if _default is None:
            _default = build_reference(Path(tempfile.mkdtemp(prefix="reliability-ref-")) / "ws")
        return _default


def partial_db(reference: Reference, workspace: Path, *, drop_seeds: Sequence[str] = ()) -> Path:
    """A workspace whose seeds exist (minus drop_seeds) and whose models are missing: the hook has work to do."""
    db = clone_db(reference, workspace)
    drop_relations(db, lambda name: name.startswith("config_") and name not in drop_seeds)
    return db
