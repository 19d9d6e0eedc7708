"""The dbt packages a project declares: install them (`dbt deps`, offline for local packages) when one is missing.

The reference workspace installs the self-heal package like any consumer does, so a fresh clone or a project copied
without its `dbt_packages/` needs one `dbt deps` before the first run. Concurrent starts share a project directory,
so the install runs under a lock of its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from filelock import FileLock, Timeout

from selfheal.errors import ProfileError

DEPS_TIMEOUT_SECONDS = 300.0


def declared_packages(project_dir: Path) -> list[str]:
    """Names of the packages in packages.yml (a local package is named by its own dbt_project.yml)."""
    path = project_dir / "packages.yml"
    if not path.is_file():
        return []
    try:
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("packages") or []
    except (yaml.YAMLError, AttributeError) as exc:
        raise ProfileError(
            f"{path} is not valid YAML with a `packages:` list: {exc}",
            f"fix {path} (see README, 'Using the package from another dbt project'), then rerun.",
        ) from exc
    names = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if "local" in entry:
            local = (project_dir / str(entry["local"])).resolve()
            try:
                meta = yaml.safe_load((local / "dbt_project.yml").read_text(encoding="utf-8")) or {}
            except OSError as exc:
                raise ProfileError(
                    f"{path} installs the local package {entry['local']!r}, but {local / 'dbt_project.yml'} "
                    f"cannot be read ({exc.strerror}).",
                    f"restore that folder or correct its path in {path}, then rerun.",
                ) from exc
            names.append(str(meta.get("name", local.name)))
        else:
            names.append(str(entry.get("package") or entry.get("git") or entry).rsplit("/", 1)[-1])
    return names


def missing_packages(project_dir: Path) -> list[str]:
    installed = project_dir / "dbt_packages"
    return [name for name in declared_packages(project_dir) if not (installed / name).exists()]


def ensure_packages(project_dir: Path, dbt_exe: str, env: dict[str, str]) -> list[str]:
    """Run `dbt deps` when a declared package is not installed; return the names that were missing."""
    if not missing_packages(project_dir):
        return []
    lock = FileLock(str(project_dir / "dbt_packages.lock"))
    try:
        with lock.acquire(timeout=DEPS_TIMEOUT_SECONDS):
            missing = missing_packages(project_dir)  # another start may have installed them meanwhile
            if not missing:
                return []
            proc = subprocess.run(
                [dbt_exe, "deps", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
                cwd=project_dir,
                env=env,
                capture_output=True,
                text=True,
                timeout=DEPS_TIMEOUT_SECONDS,
                check=False,
            )
    except Timeout as exc:
        raise ProfileError(
            f"another process kept {project_dir / 'dbt_packages.lock'} for {DEPS_TIMEOUT_SECONDS:g}s "
            "while installing the project's dbt packages.",
            f"wait for it, or run `dbt deps --project-dir {project_dir}` yourself, then rerun.",
        ) from exc
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        raise ProfileError(
            f"`dbt deps` could not install {', '.join(missing)} for {project_dir}: {' '.join(tail)}",
            f"check {project_dir / 'packages.yml'} (only `local:` packages install offline), "
            f"run `dbt deps --project-dir {project_dir}`, then rerun.",
        )
    return missing
