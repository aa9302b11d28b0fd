"""`bluezone keys`: derive what a Temporary Exposure Key broadcasts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bluezone.cli.output import console, parse_hex, print_json
from bluezone.errors import InvalidInput
from bluezone.protocol.ble import Metadata
from bluezone.protocol.keys import derive_ids

app = typer.Typer(
    rich_markup_mode=None, help="Temporary Exposure Keys and the IDs they broadcast.", no_args_is_help=True
)

DEFAULT_METADATA = Metadata(tx_power=0).to_bytes().hex()


@app.command()
def derive(
    tek: Annotated[str, typer.Option(help="The TEK, 32 hex digits.")],
    interval: Annotated[int, typer.Option(help="First ENIntervalNumber (10-minute intervals since 1970).")],
    count: Annotated[int, typer.Option(help="How many intervals, 1..144.")] = 144,
    metadata: Annotated[str, typer.Option(help="BLE metadata, 8 hex digits (version, Tx power, 0, 0).")] = (
        DEFAULT_METADATA
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """RPIK, AEMK and each interval's RPI and AEM."""
    if interval < 0 or interval > 0xFFFFFFFF - count:
        raise InvalidInput(f"interval {interval} out of range", code="bad_interval")
    derived = derive_ids(parse_hex(tek, "--tek", 16), interval, count, parse_hex(metadata, "--metadata", 4))
    if as_json:
        print_json(
            {
                "rpik": derived.rpik.hex(),
                "aemk": derived.aemk.hex(),
                "ids": [{"interval": i, "rpi": r.hex(), "aem": a.hex()} for i, r, a in derived.ids],
            }
        )
        return
    console.print(f"RPIK {derived.rpik.hex()}\nAEMK {derived.aemk.hex()}")
    table = Table("interval", "RPI", "AEM")
    for i, r, a in derived.ids:
        table.add_row(str(i), r.hex(), a.hex())
    console.print(table)
