"""Bad-input suite: broken seeds, census and year, unusable workspaces, awkward paths; at dbt and wrapper level.

Each failure case must give its error (hook message at dbt level, catalogue code at wrapper level), a remediation,
a non-zero exit, and leave the database unchanged. The path cases (spaces, non-ASCII, characters that need quoting)
must simply work. The read-only workspace is a tmpfs remounted read-only: we run as root, so chmod stops nothing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from tests.harness import REPO, copy_project, fingerprint, run_dbt
from tests.reliability.common import (
    DB_NAME,
    INIT_ARGS,
    Reference,
    SuiteResult,
    Trial,
    can_mount,
    catalog,
    default_reference,
    diff_fingerprints,
    partial_db,
    run_trials,
    selfheal,
    sha256,
    tmpfs,
)

CENSUS = REPO / "data" / "census.csv"


# --- ways to break an input: each edits a private project copy (or writes a census) and names what must be quoted
def _seed_missing(project: Path) -> None:
    (project / "seeds" / "config_cola.csv").unlink()


def _seed_empty(project: Path) -> None:
    (project / "seeds" / "config_cola.csv").write_text("")


def _seed_ragged(project: Path) -> None:
    seed = project / "seeds" / "config_age_bands.csv"
    seed.write_text(seed.read_text() + "99,broken\n")


def _seed_wrong_type(project: Path) -> None:
    seed = project / "seeds" / "config_merit_rates.csv"
    lines = seed.read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("merit_rate")] = "three percent"
    seed.write_text("\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\n")


SEED_CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (break it, the seed whose table is missing in the workspace, text the error must name)
    "seed file missing": (_seed_missing, "config_cola", "config_cola"),
    "seed file empty": (_seed_empty, "config_cola", "config_cola.csv"),
    "seed file ragged": (_seed_ragged, "config_age_bands", "config_age_bands.csv"),
    "seed value wrongly typed": (_seed_wrong_type, "config_merit_rates", "config_merit_rates.csv"),
}


# At dbt level the empty and the wrongly typed seed are covered by tests/core/test_failures.py; here only the two
# whose failure point differs (dbt's own compile error for a missing file, the hook's header check for a ragged one).
DBT_LEVEL_SEEDS = {"seed file missing", "seed file ragged"}


def census_without_column(path: Path, column: str = "department") -> Path:
    lines = CENSUS.read_text().splitlines()
    index = lines[0].split(",").index(column)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(c for i, c in enumerate(x.split(",")) if i != index) for x in lines) + "\n")
    return path


# --- checks shared by every failure case
def expect_unchanged(
    trial: Trial, db: Path, before_fp: dict[str, object], before_sha: str | None, *, bytes_too: bool
) -> None:
    after_fp = fingerprint(db)
    trial.check(
        not diff_fingerprints(after_fp, before_fp),
        "database unchanged",
        diff_fingerprints(after_fp, before_fp),
        loss=True,
    )
    if bytes_too:
        trial.check(sha256(db) == before_sha, "database file unchanged byte for byte", "bytes differ", loss=True)


def dbt_case(
    trial: Trial,
    root: Path,
    reference: Reference,
    *,
    breaker: Callable[[Path], None] | None = None,
    missing_seed: str = "",
    variables: dict[str, object] | None = None,
    must_name: str,
) -> None:
    project = copy_project(root / "project") if breaker else REPO
    if breaker:
        breaker(project)
    db = partial_db(reference, root / "ws", drop_seeds=[missing_seed] if missing_seed else [])
    before = fingerprint(db)
    run = run_dbt(INIT_ARGS, db, project_dir=project, work_dir=root / "ws", variables=variables)
    text = " ".join(run.messages.split())
    trial.check(run.returncode != 0, "non-zero exit", run.returncode)
    trial.check(must_name in text, f"error names {must_name!r}", text[-600:])
    failed = run.events("heal_failed")
    if failed:
        trial.check(bool(failed[0].get("remediation")), "hook gives a remediation", failed[0])
    else:  # dbt stopped before the hook ran (e.g. a ref to a seed whose file is gone): dbt's own error must say it
        trial.check("error" in text.lower(), "dbt reports the error before healing", text[-600:])
    expect_unchanged(trial, db, before, None, bytes_too=False)


def wrapper_case(
    trial: Trial,
    root: Path,
    reference: Reference,
    args: list[str],
    *,
    codes: set[str],
    must_name: str,
    db: Path | None = None,
    bytes_too: bool = False,
) -> None:
    db = db or partial_db(reference, root / "ws")
    before_fp, before_sha = fingerprint(db), sha256(db)
    run = selfheal(*args)
    trial.info.update(exit_code=run.returncode, code=run.code)
    trial.check(run.returncode != 0, "non-zero exit", run.returncode)
    trial.check(run.code in codes, f"catalogue error {'/'.join(sorted(codes))}", f"got {run.code}: {run.text[-500:]}")
    trial.check(bool(run.remediation), "remediation printed", run.text[-300:])
    trial.check(must_name in run.text, f"message names {must_name!r}", run.text[-500:])
    expect_unchanged(trial, db, before_fp, before_sha, bytes_too=bytes_too)


def wrapper_success(trial: Trial, workspace: Path, census_path: Path, reference: Reference) -> None:
    run = selfheal("init", "--workspace", str(workspace), "--census", str(census_path), "--min-free-mb", "1")
    trial.info.update(exit_code=run.returncode, code=run.code)
    trial.check(run.returncode == 0, "succeeds", run.text[-600:])
    db = workspace / DB_NAME
    diff = diff_fingerprints(fingerprint(db), reference.fingerprint)
    trial.check(not diff, "equals the reference workspace", diff)


# --- the suite
def cases(workdir: Path, reference: Reference, fast: bool = False) -> list[tuple[str, Callable[[Trial], None]]]:
    out: list[tuple[str, Callable[[Trial], None]]] = []

    def add(name: str, body: Callable[[Path, Trial], None]) -> None:
        root = workdir / name.replace(" ", "_").replace("/", "_")
        out.append((name, lambda trial: body(root, trial)))

    seed_cases = list(SEED_CASES.items())[2:3] if fast else list(SEED_CASES.items())
    for name, (breaker, seed, must_name) in seed_cases:
        if name in DBT_LEVEL_SEEDS:
            add(
                f"dbt: {name}",
                lambda root, t, b=breaker, s=seed, m=must_name: dbt_case(
                    t, root, reference, breaker=b, missing_seed=s, must_name=m
                ),
            )
        add(
            f"wrapper: {name}",
            lambda root, t, b=breaker, s=seed, m=must_name: _wrapper_seed(t, root, reference, b, s, m),
        )

    if not fast:
        add(
            "dbt: census file missing",
            lambda root, t: dbt_case(
                t,
                root,
                reference,
                variables={"census_path": str(root / "no such census.csv")},
                must_name="no such census.csv",
            ),
        )
    add(
        "wrapper: census file missing",
        lambda root, t: wrapper_case(
            t,
            root,
            reference,
            ["init", "-w", str(root / "ws"), "--census", str(root / "gone.csv")],
            codes={"SH008"},
            must_name="gone.csv",
            bytes_too=True,
        ),
    )
    add(
        "wrapper: year outside the configured range",
        lambda root, t: wrapper_case(
            t,
            root,
            reference,
            ["simulate", "-w", str(root / "ws"), "--year", "2031"],
            codes={"SH012"},
            must_name="2031",
            bytes_too=True,
        ),
    )
    add("wrapper: workspace path is a file", _workspace_is_file)
    if not fast:
        add(
            "dbt: census missing a column",
            lambda root, t: dbt_case(
                t,
                root,
                reference,
                variables={"census_path": str(census_without_column(root / "census.csv"))},
                must_name=str(root / "census.csv"),
            ),
        )
        add(
            "wrapper: census missing a column",
            lambda root, t: wrapper_case(
                t,
                root,
                reference,
                ["init", "-w", str(root / "ws"), "--census", str(census_without_column(root / "census.csv"))],
                codes={"SH015"},
                must_name=str(root / "census.csv"),
            ),
        )
        add(
            "dbt: year outside the configured range",
            lambda root, t: dbt_case(t, root, reference, variables={"simulation_year": 2031}, must_name="2031"),
        )
        if can_mount():
            add("wrapper: workspace not writable (read-only mount)", _workspace_read_only)
        add(
            "wrapper: paths with spaces and non-ASCII",
            lambda root, t: _awkward_paths(
                t, root, reference, "Plan Align wörkspace ü", "Zensus Daten é/cënsus 2025.csv"
            ),
        )
        add(
            "wrapper: workspace name that needs quoting",
            lambda root, t: _awkward_paths(t, root, reference, 'o\'brien "q" $HOME; x', "census/census.csv"),
        )
        add(
            "wrapper: census path that needs quoting",
            lambda root, t: _awkward_paths(t, root, reference, "ws", "it's here/o'brien;--.csv"),
        )
    return out


def _wrapper_seed(
    trial: Trial, root: Path, reference: Reference, breaker: Callable[[Path], None], seed: str, must_name: str
) -> None:
    project = copy_project(root / "project")
    breaker(project)
    db = partial_db(reference, root / "ws", drop_seeds=[seed])
    wrapper_case(
        trial,
        root,
        reference,
        ["init", "-w", str(root / "ws"), "--project-dir", str(project)],
        codes={"SH007"},
        must_name=must_name,
        db=db,
    )


def _workspace_is_file(root: Path, trial: Trial) -> None:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "not-a-dir"
    path.write_bytes(b"a file where the workspace should be\n")
    before = sha256(path)
    run = selfheal("init", "-w", str(path))
    trial.check(run.returncode != 0, "non-zero exit", run.returncode)
    trial.check(run.code == "SH011", "catalogue error SH011", f"got {run.code}: {run.text[-400:]}")
    trial.check(bool(run.remediation), "remediation printed", run.text[-300:])
    trial.check(sha256(path) == before, "the file is unchanged", "bytes differ", loss=True)
    trial.check(
        sorted(p.name for p in root.iterdir()) == ["not-a-dir"],
        "nothing created next to it",
        sorted(p.name for p in root.iterdir()),
    )


def _workspace_read_only(root: Path, trial: Trial) -> None:
    reference = default_reference()
    mount = root / "ro"
    mount.mkdir(parents=True, exist_ok=True)
    with tmpfs(mount, 64 * 1024) as fs:
        partial_db(reference, fs / "ws")
        before = {p.name: sha256(p) for p in (fs / "ws").iterdir()}
        from tests.reliability.common import remount

        remount(fs, "ro")
        run = selfheal("init", "-w", str(fs / "ws"))
        trial.info.update(exit_code=run.returncode, code=run.code, how="tmpfs remounted read-only")
        trial.check(run.returncode != 0, "non-zero exit", run.returncode)
        trial.check(run.code == "SH011", "catalogue error SH011", f"got {run.code}: {run.text[-400:]}")
        trial.check(bool(run.remediation), "remediation printed", run.text[-300:])
        after = {p.name: sha256(p) for p in (fs / "ws").iterdir()}
        trial.check(after == before, "workspace unchanged byte for byte", f"{before} -> {after}", loss=True)


def _awkward_paths(trial: Trial, root: Path, reference: Reference, workspace: str, census_rel: str) -> None:
    census_path = root / census_rel
    census_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(CENSUS, census_path)
    wrapper_success(trial, root / workspace, census_path, reference)
    names = {n for _, n, _ in catalog(root / workspace / DB_NAME)}
    trial.check("stg_census" in names, "census staged from the awkward path", sorted(names))


def run(workdir: Path, fast: bool = False) -> SuiteResult:
    began = time.monotonic()
    suite = SuiteResult("bad_input")
    reference = default_reference()
    if not can_mount():
        suite.notes.append("read-only workspace case skipped: cannot mount a tmpfs (not root?)")
    suite.trials = run_trials("bad_input", cases(workdir, reference, fast))
    suite.seconds = time.monotonic() - began
    return suite
