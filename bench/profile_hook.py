"""Profile the on-run-start hooks by macro: run dbt in-process with every Jinja macro call timed.

    python -m bench.profile_hook --project-dir P --target-path T --db D --select M [--vars JSON]

Prints one JSON object: per macro name (only calls made while an on-run-start hook macro is running) the number
of calls, inclusive seconds (outermost call of a recursion only) and exclusive seconds; when each hook macro ran
and for how long; and the time Jinja spent compiling macro templates on their first use in the process (part of
the callers' times). dbt calls every macro through `MacroGenerator.__call__`, which builds a fresh template
module each time, so the number of calls matters as much as what each macro does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import time
from collections import defaultdict
from typing import Any

HOOK_MACROS = ("self_heal", "self_heal_finalize")


def profile(args: list[str]) -> dict[str, Any]:
    from dbt.cli.main import dbtRunner
    from dbt.clients import jinja as dbt_jinja
    from dbt_common.clients import jinja as common_jinja

    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # calls, inclusive, exclusive
    stack: list[list[Any]] = []  # [name, seconds spent in children]
    hooks: list[tuple[str, float, float]] = []
    emits: list[float] = []  # when each self_heal event was about to be emitted
    compiled: dict[str, float] = {}  # macro name -> seconds Jinja spent compiling its template (first use)
    original = dbt_jinja.MacroGenerator.__call__
    original_template = common_jinja.TemplateCache.get_node_template

    def timed_template(self: Any, node: Any) -> Any:
        if not stack or node.macro_sql in self.file_cache:
            return original_template(self, node)
        start = time.perf_counter()
        try:
            return original_template(self, node)
        finally:
            compiled[node.name] = compiled.get(node.name, 0.0) + time.perf_counter() - start

    def timed(self: Any, *a: Any, **k: Any) -> Any:
        name = self.macro.name
        top = not stack
        if name == "self_heal_emit":
            emits.append(time.perf_counter())
        if top and name not in HOOK_MACROS:
            return original(self, *a, **k)
        stack.append([name, 0.0])
        start = time.perf_counter()
        try:
            return original(self, *a, **k)
        finally:
            end = time.perf_counter()
            elapsed = end - start
            _, children = stack.pop()
            entry = stats[name]
            entry[0] += 1
            entry[2] += elapsed - children
            if all(frame[0] != name for frame in stack):
                entry[1] += elapsed
            if stack:
                stack[-1][1] += elapsed
            if top:
                hooks.append((name, start, end))

    dbt_jinja.MacroGenerator.__call__ = timed  # type: ignore[method-assign]
    common_jinja.TemplateCache.get_node_template = timed_template  # type: ignore[method-assign]
    with contextlib.redirect_stdout(io.StringIO()):
        result = dbtRunner().invoke(args)
    # If dbt had to parse, it rendered the hooks once more at parse time (execute false); keep the run's hooks.
    spans = sorted(hooks, key=lambda h: h[1])
    starts = [start for name, start, _ in spans if name == HOOK_MACROS[0]]
    origin = starts[-1] if starts else 0.0
    spans = [span for span in spans if span[1] >= origin]
    first_event = [t for t in emits if t >= origin][:1]
    macros = sorted(
        ({"macro": n, "calls": int(c), "inclusive_s": round(i, 4), "exclusive_s": round(e, 4)}
         for n, (c, i, e) in stats.items()),
        key=lambda m: -m["exclusive_s"],
    )  # fmt: skip
    return {
        "success": bool(result.success),
        # The bench's warm_hook_seconds starts at the first event; the hook's work before it is not in that figure.
        "before_first_event_s": round(first_event[0] - origin, 4) if first_event else None,
        "hook_calls": [
            {"macro": n, "start_s": round(start - origin, 4), "seconds": round(end - start, 4)}
            for n, start, end in spans
        ],
        "macro_calls": sum(m["calls"] for m in macros),
        "template_compile_seconds": round(sum(compiled.values()), 4),
        "templates_compiled": {n: round(t, 4) for n, t in sorted(compiled.items(), key=lambda x: -x[1])},
        "macros": macros,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--profiles-dir", required=True)
    parser.add_argument("--target-path", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--select", required=True)
    parser.add_argument("--vars")
    opts = parser.parse_args()
    os.environ["PLANALIGN_DB_PATH"] = opts.db
    args = [
        "build", "--select", opts.select, "--project-dir", opts.project_dir, "--profiles-dir", opts.profiles_dir,
        "--target-path", opts.target_path, "--log-path", os.path.join(os.path.dirname(opts.db), "logs"),
    ]  # fmt: skip
    if opts.vars:
        args += ["--vars", opts.vars]
    print(json.dumps(profile(args)))


if __name__ == "__main__":
    main()
