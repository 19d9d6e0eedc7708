"""A generated dbt project of 226 nodes (126 models and seeds, 100 tests) shaped like real ones, for `make bench`.

    python -m bench.large_fixture DEST PACKAGE     # writes the project to DEST, installing PACKAGE (local:)

What it holds (deterministic, no randomness): 6 typed seeds; 30 staging views over them; 10 ephemeral models, one
of which names a source that never exists only in a `-- depends on: {{ source(...) }}` comment; 60 intermediate
tables in 6 layers of 10, each joining two models of the layer below (some through an ephemeral), a few calling a
macro that introspects `graph` and one that runs a query at execution time, a few with pre/post hooks; 20
incremental marts with a unique_key; a unique test on every intermediate model and not_null/unique on the marts
(100 tests; 226 nodes in all). Selecting `mart_00` leaves its ancestors unselected: the hook heals 34 of them
(6 seeds, 28 models). The `large_same_nodes` selector selects the same nodes as that heal run (ancestors without
their tests, plus `mart_00` with its tests), for plain dbt to build side by side.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

SEEDS = 6
STAGING = 30
EPHEMERALS = 10
LAYERS = 6
WIDTH = 10
MARTS = 20
SELECTED = "mart_00"
SAME_NODES_SELECTOR = "large_same_nodes"

PROJECT_YML = """\
name: large_fixture
version: "1.0.0"
config-version: 2
profile: planalign
flags:
  skip_nodes_if_on_run_start_fails: true
seeds:
  large_fixture:
    +column_types: {id: integer, grp: integer, amount: double, label: varchar}
models:
  large_fixture:
    staging: {+materialized: view}
    ephemeral: {+materialized: ephemeral}
    intermediate: {+materialized: table}
    marts: {+materialized: incremental, +unique_key: id}
"""

SELECTORS_YML = f"""\
selectors:
  - name: {SAME_NODES_SELECTOR}
    definition:
      union:
        - method: fqn
          value: {SELECTED}
          parents: true
          indirect_selection: empty
        - method: fqn
          value: {SELECTED}
"""

MACROS = """\
{#- Introspects the graph at compile time, as real projects' macros do (counting, listing columns). -#}
{% macro model_count() %}
  {%- if execute -%}
    {{ return(graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list | length) }}
  {%- endif -%}
  {{ return(0) }}
{% endmacro %}

{#- Runs a query at execution time (only under execute), as pivot-style macros do. -#}
{% macro max_group(relation) %}
  {%- if execute -%}
    {%- set row = run_query('select coalesce(max(grp), 0) from ' ~ relation).rows[0] -%}
    {{ return(row[0]) }}
  {%- endif -%}
  {{ return(0) }}
{% endmacro %}
"""


def _int(layer: int, pos: int) -> str:
    return f"int_{layer}_{pos}"


def _tests(names: list[str], tests: str) -> str:
    lines = ["version: 2", "models:"]
    for name in names:
        lines += [f"  - name: {name}", "    columns:", "      - name: id", f"        data_tests: [{tests}]"]
    return "\n".join(lines) + "\n"


def node_count() -> dict[str, int]:
    """Nodes the generated project holds, by kind (two tests per tested model)."""
    models = STAGING + EPHEMERALS + LAYERS * WIDTH + MARTS
    tests = LAYERS * WIDTH + 2 * MARTS
    return {"seeds": SEEDS, "models": models, "tests": tests, "total": SEEDS + models + tests}


def generate(dest: Path, package: Path, *, postgres: bool = False) -> tuple[Path, str]:
    """Write the project to `dest` (replacing it), for PostgreSQL with `postgres` (DuckDB's `double` is spelled
    `double precision` there). Returns the project dir and the model to select."""
    settings = PROJECT_YML.replace("amount: double", "amount: double precision") if postgres else PROJECT_YML
    files: dict[str, str] = {
        "dbt_project.yml": settings,
        "selectors.yml": SELECTORS_YML,
        "packages.yml": f"packages:\n  - local: {package}\n",
        "macros/introspection.sql": MACROS,
        "models/sources.yml": "version: 2\nsources:\n  - name: raw\n    schema: raw\n    loader: audit_export\n"
                              "    tables: [{name: audit}]\n",
    }  # fmt: skip
    for s in range(SEEDS):
        rows = "\n".join(f"{i},{(i * (s + 3)) % 7},{i * 1.5 + s},l{i % 4}" for i in range(1, 41))
        files[f"seeds/seed_{s}.csv"] = f"id,grp,amount,label\n{rows}\n"
    for n in range(STAGING):
        files[f"models/staging/stg_{n:02d}.sql"] = (
            f"select id, grp, amount * {n + 1} as amount, label\nfrom {{{{ ref('seed_{n % SEEDS}') }}}}\n"
        )
    for e in range(EPHEMERALS):
        comment = "-- depends on: {{ source('raw', 'audit') }}\n" if e == 0 else ""
        files[f"models/ephemeral/eph_{e}.sql"] = (
            f"{comment}select id, grp, amount + {e} as amount\nfrom {{{{ ref('stg_{e:02d}') }}}}\n-- ephemeral {e}"
        )
    for layer in range(LAYERS):
        for pos in range(WIDTH):
            name = _int(layer, pos)
            if layer == 0:
                left = f"eph_{pos}" if pos < EPHEMERALS else f"stg_{pos:02d}"
                right = f"stg_{(pos + 1) % STAGING:02d}"
            else:
                left, right = _int(layer - 1, pos), _int(layer - 1, (pos + 1) % WIDTH)
            config = ""
            if pos % 5 == 1:
                config = "{{ config(pre_hook=\"select 1\", post_hook=\"select count(*) from {{ this }}\") }}\n"
            extra = ", {{ model_count() }} as models_seen" if pos % 4 == 2 else ""
            if pos % 7 == 3:
                extra += f", {{{{ max_group(ref('{right}')) }}}} as max_grp"
            files[f"models/intermediate/{name}.sql"] = (
                f"{config}select a.id, a.grp, a.amount + b.amount as amount{extra}\n"
                f"from {{{{ ref('{left}') }}}} as a\njoin {{{{ ref('{right}') }}}} as b using (id)\n"
            )
    for m in range(MARTS):
        top = _int(LAYERS - 1, m % WIDTH)
        files[f"models/marts/mart_{m:02d}.sql"] = (
            f"select id, grp, amount, {m} as mart\nfrom {{{{ ref('{top}') }}}}\n"
            "{% if is_incremental() %}where id not in (select id from {{ this }}){% endif %}\n"
        )
    files["models/intermediate/_intermediate.yml"] = _tests(
        [_int(layer, pos) for layer in range(LAYERS) for pos in range(WIDTH)], "unique")
    files["models/marts/_marts.yml"] = _tests([f"mart_{m:02d}" for m in range(MARTS)], "not_null, unique")
    if dest.exists():
        shutil.rmtree(dest)
    for relative, text in files.items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest, SELECTED


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), Path(sys.argv[2]))[0])
