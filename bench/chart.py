"""The one chart of `make bench`: median wall time against census size, one line per strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI or these machines
import matplotlib.pyplot as plt

STYLE = {"heal": "o-", "full_build": "s-", "same_nodes": "v-", "original": "^-", "wrapper": "D-"}


def draw(results: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for strategy, by_size in results["median_wall_seconds"].items():
        points = sorted((int(size), value) for size, value in by_size.items() if value is not None)
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, STYLE.get(strategy, "x-"), label=strategy)
    heal = sorted(
        (int(size), entry["heal_seconds"])
        for size, entry in results["init_seconds_by_employees"].items()
        if entry.get("heal_seconds") is not None
    )
    if heal:
        xs, ys = zip(*heal, strict=True)
        ax.plot(xs, ys, "o--", color="grey", label="heal: the hook's healing alone")
    ax.axhline(30, color="red", linewidth=0.8, linestyle=":", label="target: 1M employees initialized in 30 s")
    ax.set_xscale("log")
    ax.set_xlabel("census size (employees)")
    ax.set_ylabel("seconds (median), fresh workspace -> fct_workforce_snapshot")
    machine = results["machine"]
    ax.set_title(f"Time to a first simulation year ({machine['cpu_count']} CPUs, dbt {machine['dbt_core']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
