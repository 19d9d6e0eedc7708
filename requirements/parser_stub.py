"""Write an empty wheel named `dbt-core-experimental-parser` so pip can install dbt-core 1.12 offline.

dbt-core 1.12 requires `dbt-core-experimental-parser>=2.0.0b1`, which PyPI has only as a source archive that
downloads its binary from the internet while building: it cannot install on a machine without internet. dbt runs
that binary only under `--use-v2-parser` (off by default), so an empty distribution of that name satisfies the
requirement for everything this project runs. The stand-in holds no code: `--use-v2-parser` is unavailable in a
venv built with it. Usage: `python requirements/parser_stub.py DIR` writes the wheel into DIR (pip `--find-links`).
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

NAME = "dbt_core_experimental_parser"
VERSION = "2.0.0b1+planalign.stub"  # local label: never mistaken for a release from the registry


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def write_stub(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    dist_info = f"{NAME}-{VERSION}.dist-info"
    files = {
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.1\n"
            "Name: dbt-core-experimental-parser\n"
            f"Version: {VERSION}\n"
            "Summary: Empty stand-in (no code): lets dbt-core 1.12 install offline; --use-v2-parser is unavailable\n"
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: planalign parser_stub.py\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return wheel


if __name__ == "__main__":
    print(write_stub(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements/wheels")))
