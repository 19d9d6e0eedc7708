"""The `selfheal` command line: parses arguments, prints the first line at once, and calls selfheal.api."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # the API pulls in rich, psutil, filelock: imported only once the first line is printed
    from selfheal.api import InitializationResult
    from selfheal.errors import SelfHealError

app = typer.Typer(
    help="Guarded dbt runs on self-healing PlanAlign workspaces (lock, disk, health, progress).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (created if absent).")
]
ProjectOpt = Annotated[
    Path | None,
    typer.Option(help="dbt project dir (default: $PLANALIGN_PROJECT_DIR, else the current directory)."),
]
CensusOpt = Annotated[
    Path | None,
    typer.Option(help="Census CSV (var census_path; default data/census.csv in the project dir)."),
]
LockTimeoutOpt = Annotated[
    float, typer.Option(help="Seconds to wait for another selfheal on this workspace.")
]
MinFreeOpt = Annotated[float, typer.Option(help="Refuse to start with less free disk than this (MB).")]
DeepOpt = Annotated[bool, typer.Option(help="Read every table in full to detect corrupt data blocks.")]
RecreateOpt = Annotated[
    bool, typer.Option(help="Move a corrupt database aside (kept as .corrupt-<ts>) and recreate it.")
]
WaitDbOpt = Annotated[
    bool, typer.Option(help="If another process holds the DuckDB file, wait for it (up to --lock-timeout).")
]
PlainOpt = Annotated[bool, typer.Option(help="Plain line output even on a terminal.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]


def _first_line(workspace: Path) -> None:
    # Printed before anything heavy is imported: the user sees feedback within a fraction of a second.
    sys.stdout.write(f"selfheal: preparing workspace {workspace}...\n")
    sys.stdout.flush()


def _guard_options(
    project_dir: Path | None,
    census: Path | None,
    lock_timeout: float,
    min_free_mb: float,
    deep_check: bool,
    recreate_corrupt: bool,
    wait_for_db: bool,
    plain: bool,
) -> dict[str, Any]:
    from selfheal.progress import PlainReporter, RichReporter

    interactive = sys.stdout.isatty() and not plain
    confirm = None
    if sys.stdin.isatty() and sys.stdout.isatty() and not recreate_corrupt:
        from rich.prompt import Confirm

        def confirm(question: str) -> bool:
            return bool(Confirm.ask(question, default=False))

    return {
        "project_dir": project_dir,
        "census": census,
        "lock_timeout": lock_timeout,
        "min_free_mb": min_free_mb,
        "deep_check": deep_check,
        "recreate_corrupt": recreate_corrupt,
        "wait_for_db": wait_for_db,
        "reporter": RichReporter() if interactive else PlainReporter(),
        "confirm": confirm,
    }


def _fail(error: SelfHealError) -> typer.Exit:
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True, highlight=False)
    console.print(f"[bold red]error {error.code}:[/] {escape(error.message)}")
    console.print(f"[bold]fix:[/] {escape(error.remediation)}")
    return typer.Exit(error.exit_code)


def _summary(result: InitializationResult, as_json: bool) -> None:
    import json

    if as_json:
        print(json.dumps(result.to_dict(), default=str))
        return
    if result.healed and result.created:
        why = [f"missing: {', '.join(result.missing)}"] if result.missing else []
        why += [f"stale: {', '.join(item['relation'] for item in result.stale)}"] if result.stale else []
        names = "; ".join(why) or ", ".join(result.created)
        healed = f"healed {len(result.created)} relations ({names}) in {result.heal_duration_seconds}s"
    elif result.healed:
        healed = "initialization attempted"
    else:
        healed = "nothing to heal"
    counts = result.counts
    ran = ", ".join(f"{counts[k]} {k}" for k in ("seeds", "models", "tests") if counts.get(k)) or "no nodes"
    print(f"selfheal: done in {result.duration_seconds:.1f}s: {healed}; dbt ran {ran}.")
    print(f"selfheal: log {result.log_path}")


def _terminate_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _guarded(call: Any, as_json: bool) -> None:
    from selfheal.errors import SelfHealError

    # Orchestrators stop jobs with SIGTERM: treat it as Ctrl-C so dbt is stopped cleanly and the lock released.
    signal.signal(signal.SIGTERM, _terminate_like_ctrl_c)
    try:
        result = call()
    except SelfHealError as error:
        raise _fail(error) from None
    finally:
        reporter = getattr(call, "reporter", None)
        if reporter is not None:
            reporter.close()
    _summary(result, as_json)


class _Call:
    def __init__(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.reporter = kwargs.get("reporter")

    def __call__(self) -> Any:
        return self.fn(*self.args, **self.kwargs)


@app.command()
def simulate(
    workspace: WorkspaceOpt,
    year: Annotated[int, typer.Option(help="Simulation year (var simulation_year).")] = 2025,
    project_dir: ProjectOpt = None,
    census: CensusOpt = None,
    lock_timeout: LockTimeoutOpt = 600.0,
    min_free_mb: MinFreeOpt = 100.0,
    deep_check: DeepOpt = False,
    recreate_corrupt: RecreateOpt = False,
    wait_for_db: WaitDbOpt = False,
    plain: PlainOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Run one simulation year; a new or partial workspace is initialized first."""
    _first_line(workspace)
    from selfheal import api

    opts = _guard_options(
        project_dir, census, lock_timeout, min_free_mb, deep_check, recreate_corrupt, wait_for_db, plain
    )
    _guarded(_Call(api.simulate, workspace, year, **opts), as_json)


@app.command()
def init(
    workspace: WorkspaceOpt,
    project_dir: ProjectOpt = None,
    census: CensusOpt = None,
    lock_timeout: LockTimeoutOpt = 600.0,
    min_free_mb: MinFreeOpt = 100.0,
    deep_check: DeepOpt = False,
    recreate_corrupt: RecreateOpt = False,
    wait_for_db: WaitDbOpt = False,
    plain: PlainOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Initialize the workspace (every required seed and model), simulating nothing."""
    _first_line(workspace)
    from selfheal import api

    opts = _guard_options(
        project_dir, census, lock_timeout, min_free_mb, deep_check, recreate_corrupt, wait_for_db, plain
    )
    _guarded(_Call(api.ensure_initialized, workspace, **opts), as_json)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    workspace: WorkspaceOpt,
    dbt_args: Annotated[list[str], typer.Argument(help="dbt arguments after `--`, e.g. -- build --select m")],
    project_dir: ProjectOpt = None,
    census: CensusOpt = None,
    lock_timeout: LockTimeoutOpt = 600.0,
    min_free_mb: MinFreeOpt = 100.0,
    deep_check: DeepOpt = False,
    recreate_corrupt: RecreateOpt = False,
    wait_for_db: WaitDbOpt = False,
    plain: PlainOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Run any dbt command in the workspace with the same guards: selfheal run -w DIR -- build --select m."""
    _first_line(workspace)
    from selfheal import api

    opts = _guard_options(
        project_dir, census, lock_timeout, min_free_mb, deep_check, recreate_corrupt, wait_for_db, plain
    )
    _guarded(_Call(api.run_dbt, workspace, list(dbt_args), **opts), as_json)


@app.command()
def status(workspace: WorkspaceOpt, project_dir: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Show initialization state, missing and stale relations, database health, free disk and lock holder."""
    import json

    from selfheal import api
    from selfheal.errors import SelfHealError

    try:
        result = api.status(workspace, project_dir)
    except SelfHealError as error:
        raise _fail(error) from None
    if as_json:
        print(json.dumps(result.to_dict(), default=str))
        return
    from rich.console import Console

    console = Console(highlight=False)
    colour = {"ok": "green", "missing": "yellow"}.get(result.health, "red")
    console.print(f"workspace  {result.workspace}")
    console.print(f"database   {result.database} [{colour}]{result.health}[/] ({result.detail})")
    console.print(
        f"state      {result.state}" + (" (previous attempt interrupted)" if result.interrupted else "")
    )
    console.print(f"missing    {', '.join(result.missing) or 'none'} (of {len(result.required)} required)")
    _print_stale(console, result.stale, result.stale_detail)
    console.print(f"free disk  {result.free_mb} MB")
    holder = result.lock_holder
    held = "free" if holder is None else f"held by PID {holder.get('pid')} ({holder.get('command')})"
    console.print(f"lock       {held}")


def _print_stale(console: Any, stale: list[dict[str, str]] | None, detail: str | None) -> None:
    from rich.markup import escape

    from selfheal.progress import STALE_LINES, describe_stale

    if stale is None:
        console.print(f"stale      unknown ({escape(detail or 'not checked')})")
        return
    if not stale:
        console.print("stale      none (for a default `selfheal simulate`: its selection, the project's default vars)")
        return
    for index, item in enumerate(stale[:STALE_LINES]):
        console.print(("stale      " if index == 0 else " " * 11) + escape(describe_stale(item)), soft_wrap=True)
    if len(stale) > STALE_LINES:
        console.print(" " * 11 + f"... and {len(stale) - STALE_LINES} more (`status --json` lists every one)")


def main() -> None:
    app()
