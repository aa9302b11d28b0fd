"""`bluezone proximity`: how well a risk preset's attenuation rule judges distance on field measurements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bluezone.cli.output import console, print_json
from bluezone.datasets import dp3t
from bluezone.risk.calibration import bundled_table
from bluezone.risk.presets import PRESETS, preset
from bluezone.risk.proximity import evaluate as evaluate_rule

app = typer.Typer(
    rich_markup_mode=None, help="Distance estimation from Bluetooth attenuation.", no_args_is_help=True
)


@app.command()
def evaluate(
    files: Annotated[list[Path], typer.Argument(help="DP-3T measurement files (SQLite).")],
    distance_m: Annotated[float, typer.Option("--distance-m", help="What counts as close, in metres.")] = 2.0,
    preset_name: Annotated[str, typer.Option("--preset", help=f"One of: {', '.join(PRESETS)}.")] = "bluezone",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Precision, recall, F1, balanced accuracy and AUC for "within the distance", per packet and window."""
    config = preset(preset_name)
    threshold = config.close_db_at(distance_m)
    result = evaluate_rule(dp3t.load(files), config, distance_m, bundled_table())
    if as_json:
        print_json(result)
        return
    table = Table(
        title=f"preset {config.name}: close = within {distance_m:g} m (closeness ≤ {threshold:.1f} dB)"
    )
    table.add_column("")
    for name in ("n", "precision", "recall", "f1", "balanced_accuracy", "auc"):
        table.add_column(name, justify="right")
    for level, figures in result.items():
        table.add_row(
            level.replace("_", " "),
            *(
                "-" if figures[k] is None else str(figures[k])
                for k in ("n", "precision", "recall", "f1", "balanced_accuracy", "auc")
            ),
        )
    console.print(table)
    console.print(
        "Judge by balanced accuracy and AUC: closeness is common in field data, so F1 flatters a rule "
        "that calls everything close."
    )
