"""`bluezone export`: read and check key export files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bluezone.cli.output import console, print_json
from bluezone.clock import ManualClock
from bluezone.errors import FormatError, InvalidInput, SignatureError
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey

app = typer.Typer(
    rich_markup_mode=None, help="Key export files (export.bin / export.sig zips).", no_args_is_help=True
)

ZIP_MAGIC = b"PK\x03\x04"


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > ex.MAX_ARCHIVE_BYTES:
            raise FormatError(f"{path} is over the {ex.MAX_ARCHIVE_BYTES}-byte limit", code="oversize")
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", code="unreadable") from None


def _key_json(key: ExposureKey) -> dict[str, Any]:
    return {
        "key_data": key.key_data.hex(),
        "transmission_risk_level": key.transmission_risk_level,
        "rolling_start_interval_number": key.rolling_start_interval_number,
        "rolling_period": key.rolling_period,
        "report_type": key.report_type.name if key.report_type is not None else None,
        "days_since_onset_of_symptoms": key.days_since_onset_of_symptoms,
    }


def _info_json(info: ex.SignatureInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "verification_key_version": info.verification_key_version,
        "verification_key_id": info.verification_key_id,
        "signature_algorithm": info.signature_algorithm,
    }
    if info.legacy_app_bundle_id is not None:
        out["legacy_app_bundle_id"] = info.legacy_app_bundle_id
    if info.legacy_android_package is not None:
        out["legacy_android_package"] = info.legacy_android_package
    return out


def inspect_bytes(data: bytes, public_keys: list[bytes]) -> dict[str, Any]:
    """The decoded file as the `export inspect --json` contract defines it."""
    keys = [ex.load_public_key(pem) for pem in public_keys]
    if data.startswith(ZIP_MAGIC):
        archive = ex.read_archive(data)
        batch, present = archive.batch, bool(archive.signatures)
    else:
        batch, archive, present = ex.parse_export_bin(data), None, False
    valid: bool | None = None
    if keys:
        if archive is None:
            raise SignatureError("a bare export.bin carries no signature to verify", code="unsigned")
        ex.verify_archive(archive, keys)
        valid = True
    return {
        "region": batch.region,
        "start_timestamp": batch.start_timestamp,
        "end_timestamp": batch.end_timestamp,
        "batch_num": batch.batch_num,
        "batch_size": batch.batch_size,
        "signature_infos": [_info_json(i) for i in batch.signature_infos],
        "keys": [_key_json(k) for k in batch.keys],
        "revised_keys": [_key_json(k) for k in batch.revised_keys],
        "signature": {"present": present, "valid": valid},
    }


@app.command()
def inspect(
    path: Annotated[Path, typer.Argument(help="An export zip, or a bare export.bin.")],
    public_key: Annotated[
        list[Path] | None, typer.Option("--public-key", help="PEM public key to verify with (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Decode an export file and, given public keys, verify its signature."""
    result = inspect_bytes(_read_file(path), [_read_file(p) for p in public_key or []])
    if as_json:
        print_json(result)
        return
    sig = result["signature"]
    verdict = {True: "[green]valid[/green]", None: "not checked"}[sig["valid"]] if sig["present"] else "none"
    console.print(
        f"[bold]{path.name}[/bold]  region {result['region'] or '-'}  batch {result['batch_num']}/"
        f"{result['batch_size']}  window {result['start_timestamp']}–{result['end_timestamp']}\n"
        f"{len(result['keys'])} keys, {len(result['revised_keys'])} revised; signature: {verdict}"
    )
    table = Table("key", "start interval", "period", "risk", "report type", "onset")
    for key in result["keys"][:20]:
        table.add_row(
            key["key_data"],
            str(key["rolling_start_interval_number"]),
            str(key["rolling_period"]),
            str(key["transmission_risk_level"]),
            key["report_type"] or "-",
            "-" if key["days_since_onset_of_symptoms"] is None else str(key["days_since_onset_of_symptoms"]),
        )
    console.print(table)
    if len(result["keys"]) > 20:
        console.print(f"… and {len(result['keys']) - 20} more (use --json for all)")


@app.command()
def run(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Data directory (default: $BZ_DATA_DIR).")
    ] = None,
    now: Annotated[str | None, typer.Option(help="Act as if at this ISO-8601 time (default: now).")] = None,
) -> None:
    """Build every export batch that is due, then delete what is past retention (for cron)."""
    from bluezone.cli.server import settings_for  # noqa: PLC0415 (the server stack loads only when needed)
    from bluezone.services import open_services, run_maintenance  # noqa: PLC0415

    clock = None
    if now is not None:
        try:
            moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"--now must be an ISO-8601 time, got {now!r}", code="bad_time") from None
        clock = ManualClock((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
    svc = open_services(settings_for(data_dir), clock)
    report = run_maintenance(svc)
    console.print(
        f"{report.batches} batches, {len(report.files)} files, {report.keys} keys (+{report.padding} padding)"
    )
    for path in report.files:
        console.print(f"  {path}")
