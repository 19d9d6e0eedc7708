"""The error catalogue: every way a guarded run fails: code, exit code, remediation."""

from __future__ import annotations

from typing import ClassVar


class SelfHealError(Exception):
    """Base of every wrapper error: message naming the file/table/setting, remediation, exit code."""

    code: ClassVar[str] = "SH000"
    default_exit_code: ClassVar[int] = 1
    default_remediation: ClassVar[str] = "read the message above, fix the cause, then rerun the same command."
    trigger: ClassVar[str] = "unclassified failure"

    def __init__(self, message: str, remediation: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remediation = remediation or self.default_remediation
        self.exit_code = self.default_exit_code if exit_code is None else exit_code

    def __str__(self) -> str:
        return f"{self.code}: {self.message} (fix: {self.remediation})"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "error_class": type(self).__name__,
            "message": self.message,
            "remediation": self.remediation,
            "exit_code": self.exit_code,
        }


class DatabaseLockedError(SelfHealError):
    code = "SH001"
    default_exit_code = 10
    trigger = "another process (e.g. plain dbt, a notebook) holds the DuckDB file open"
    default_remediation = (
        "wait for that process to finish or stop it, then rerun; "
        "or pass --wait-for-db to wait up to --lock-timeout."
    )


class LockTimeoutError(SelfHealError):
    code = "SH002"
    default_exit_code = 11
    trigger = "another selfheal command kept the workspace lock longer than --lock-timeout"
    default_remediation = (
        "wait for the other selfheal command to finish, or rerun with a larger --lock-timeout."
    )


class InsufficientDiskError(SelfHealError):
    code = "SH003"
    default_exit_code = 12
    trigger = "free space at the workspace below --min-free-mb or below 3x the size of the inputs"
    default_remediation = (
        "free disk space on that filesystem or choose a --workspace on another disk, then rerun."
    )


class CorruptDatabaseError(SelfHealError):
    code = "SH004"
    default_exit_code = 13
    trigger = (
        "the database file is not a readable DuckDB file (bad header, truncated, checksum, WAL mismatch)"
    )
    default_remediation = (
        "rerun with --recreate-corrupt to move the file aside (it is kept, renamed .corrupt-<timestamp>) "
        "and rebuild the workspace."
    )


class VersionMismatchError(SelfHealError):
    code = "SH005"
    default_exit_code = 14
    trigger = "the database file was written by an incompatible DuckDB storage version"
    default_remediation = (
        "open it with the DuckDB version that wrote it (or export/import it), or use a new --workspace; "
        "the file is left untouched."
    )


class InterruptedInitializationWarning(SelfHealError):
    """Not a failure: a previous attempt died mid-way and this run retried it from a clean state (exit 0)."""

    code = "SH006"
    default_exit_code = 0
    trigger = "a previous initialization was interrupted (killed, Ctrl-C, crash); reported as a warning"
    default_remediation = (
        "nothing to do: nothing it built was kept and this run retried it from a clean state."
    )


class SeedFileError(SelfHealError):
    code = "SH007"
    default_exit_code = 16
    trigger = "a seed CSV is missing, empty or has a line that does not match its column types"
    default_remediation = (
        "restore the seed file (e.g. `git checkout -- seeds/<file>.csv`) "
        "or fix the line named above, then rerun."
    )


class MissingCensusError(SelfHealError):
    code = "SH008"
    default_exit_code = 17
    trigger = "the census file named by var census_path (or --census) does not exist"
    default_remediation = "put the census file there or pass --census path/to/census.csv, then rerun."


class CensusFormatError(SelfHealError):
    code = "SH015"
    default_exit_code = 23
    trigger = "the census file exists but cannot be read with the expected columns and types"
    default_remediation = (
        "fix the census file named above: it needs the header and column types stg_census reads "
        "(models/staging/stg_census.sql); regenerate one with scripts/generate_census.py to compare, then rerun."
    )


class ProfileError(SelfHealError):
    code = "SH009"
    default_exit_code = 18
    trigger = "dbt_project.yml, profiles.yml, the profile or the target is missing or invalid"
    default_remediation = (
        "check --project-dir (it must hold dbt_project.yml and profiles.yml) "
        "and the profile/target names, then rerun."
    )


class ModelError(SelfHealError):
    code = "SH010"
    default_exit_code = 19
    trigger = "a model failed to compile or its SQL failed (during healing or the run)"
    default_remediation = (
        "fix the model's SQL named above (`dbt build --select <model> --vars '{self_heal_enabled: false}'` "
        "shows dbt's own error), then rerun."
    )


class WorkspaceNotWritableError(SelfHealError):
    code = "SH011"
    default_exit_code = 20
    trigger = "the workspace path is a file, or it (or its nearest existing parent) is not writable"
    default_remediation = (
        "choose a --workspace directory you can write to (or fix its permissions), then rerun."
    )


class SimulationYearError(SelfHealError):
    code = "SH012"
    default_exit_code = 21
    trigger = "--year outside the years configured in seeds/config_simulation.csv"
    default_remediation = (
        "pass a --year listed in seeds/config_simulation.csv, or add a row for that year there."
    )


class DbtFailedError(SelfHealError):
    code = "SH013"
    default_exit_code = 22
    trigger = "dbt failed for another reason (bad arguments, failing data test, crash)"
    default_remediation = (
        "read dbt's error above and the dbt log under <workspace>/logs/, fix the cause, then rerun."
    )


class UserInterruptedError(SelfHealError):
    code = "SH014"
    default_exit_code = 130
    trigger = "the user pressed Ctrl-C (SIGINT); dbt was stopped cleanly"
    default_remediation = (
        "rerun the same command; an initialization cut short is rolled back and retried automatically."
    )


CATALOGUE: tuple[type[SelfHealError], ...] = (
    DatabaseLockedError,
    LockTimeoutError,
    InsufficientDiskError,
    CorruptDatabaseError,
    VersionMismatchError,
    InterruptedInitializationWarning,
    SeedFileError,
    MissingCensusError,
    ProfileError,
    ModelError,
    WorkspaceNotWritableError,
    SimulationYearError,
    DbtFailedError,
    UserInterruptedError,
    CensusFormatError,
)
