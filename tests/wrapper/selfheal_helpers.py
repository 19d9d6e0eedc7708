"""Helpers shared by the wrapper tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SELFHEAL = Path(sys.executable).parent / "selfheal"


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PLANALIGN_PROJECT_DIR", None)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_VERSION_CHECK"] = "false"
    env["COLUMNS"] = "200"
    return env


Runner = Callable[..., subprocess.CompletedProcess[str]]


def make_database(path: Path) -> None:
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create table t as select 1 as a")
    con.close()


def set_storage_version(path: Path, version: int) -> None:
    """Rewrite the storage version in a DuckDB main header and fix its checksum (xor of word hashes)."""
    mask, factor = 2**64 - 1, 0xBF58476D1CE4E5B9
    data = bytearray(path.read_bytes())
    old = [struct.unpack_from("<Q", data, offset)[0] for offset in (8, 16)]
    struct.pack_into("<Q", data, 12, version)
    new = [struct.unpack_from("<Q", data, offset)[0] for offset in (8, 16)]
    checksum = struct.unpack_from("<Q", data, 0)[0]
    for before, after in zip(old, new, strict=True):
        checksum ^= ((before * factor) & mask) ^ ((after * factor) & mask)
    struct.pack_into("<Q", data, 0, checksum)
    path.write_bytes(bytes(data))


def default_sigint() -> None:
    """In the child before exec: Ctrl-C as a terminal delivers it. A disposition the test worker inherited or
    was left with (ignored SIGINT is kept across exec) must not decide whether the wrapper hears it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_until_dbt(command: str, workspace: Path, *, merge_stderr: bool = True) -> subprocess.Popen[str]:
    """Start `selfheal <command> --workspace W --plain` and return once it has printed that dbt is starting."""
    proc = subprocess.Popen(
        [str(SELFHEAL), command, "--workspace", str(workspace), "--plain"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        text=True,
        env=cli_env(),
        preexec_fn=default_sigint,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("selfheal: starting dbt"):
            break
    return proc
