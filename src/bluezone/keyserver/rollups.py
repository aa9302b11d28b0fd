"""Daily roll-ups: each closed UTC day's export files merged into one (or a few) signed files, listed in
`index-daily.txt`, so that a phone catching up 14 days fetches 14 files instead of 336.

A roll-up is the union of that day's hourly files, fake keys included, re-signed: it tells nobody anything
the hourly files did not (a roll-up of the real keys alone would show how many people uploaded that day).
It is derived from the files themselves, so building it twice gives the same keys; two exporters at once
may both write it, each copy as valid as the other.
"""

from __future__ import annotations

from sqlalchemy import select

from bluezone.config import Settings
from bluezone.keyserver.exporter import signer
from bluezone.keyserver.storage import ExportStore
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.publication import DAILY, DAILY_INDEX, window_of
from bluezone.store.db import Database
from bluezone.store.models import ExportFile, ExportWindow
from bluezone.store.secrets import ServerSecrets

DAY = 86_400


def daily_prefix(region: str) -> str:
    return f"{region}/{DAILY}/"


def _closed_days(db: Database, settings: Settings, now: int) -> dict[int, list[str]]:
    """Each UTC day within retention whose windows are all complete, with its files in order."""
    period = settings.export_period_seconds
    first = (now - settings.retention_days * DAY) // DAY * DAY
    with db.session() as session:
        windows = session.execute(
            select(ExportWindow.start_ts, ExportWindow.status).where(ExportWindow.start_ts >= first)
        ).all()
        files = session.execute(
            select(ExportWindow.start_ts, ExportFile.path)
            .join(ExportWindow, ExportFile.batch_id == ExportWindow.id)
            .where(ExportWindow.start_ts >= first, ExportWindow.status == "complete")
            .order_by(ExportWindow.start_ts, ExportFile.batch_num)
        ).all()
    complete: dict[int, int] = {}
    for start, status in windows:
        if status == "complete":
            complete[start // DAY * DAY] = complete.get(start // DAY * DAY, 0) + 1
    days: dict[int, list[str]] = {
        day: [] for day, count in complete.items() if count == DAY // period and day + DAY <= now
    }
    for start, path in files:
        if start // DAY * DAY in days:
            days[start // DAY * DAY].append(path)
    return days


def write_rollups(
    db: Database, settings: Settings, secrets_: ServerSecrets, store: ExportStore, now: int
) -> list[str]:
    """Build the roll-up of every closed day that has none yet, then list every roll-up within retention
    (the oldest first). Returns the files written."""
    prefix = daily_prefix(settings.region)
    existing = [name for name in store.names(prefix) if name.endswith(".zip")]
    built = {window_of(name)[0] for name in existing}
    public = ex.load_public_key(secrets_.export_public_pem())
    written = []
    for day, paths in sorted(_closed_days(db, settings, now).items()):
        if day in built or not paths:
            continue
        keys: list[ExposureKey] = []
        revised: list[ExposureKey] = []
        for path in paths:
            batch = ex.read_verified_archive(store.get(path), [public]).batch
            keys += batch.keys
            revised += batch.revised_keys
        for part in ex.split_batches(
            keys,
            start_timestamp=day,
            end_timestamp=day + DAY,
            region=settings.region,
            max_records=settings.export_max_records,
            revised_keys=revised,
        ):
            name = f"{prefix}{day}-{day + DAY}-{part.batch_num:05d}.zip"
            store.put(name, ex.write_archive(part, [signer(settings, secrets_)]))
            written.append(name)
    cutoff = now - settings.retention_days * DAY
    listed = sorted({*existing, *written}, key=lambda n: (window_of(n), n))
    store.put(DAILY_INDEX, "".join(f"{n}\n" for n in listed if window_of(n)[1] >= cutoff).encode("ascii"))
    for stale in (n for n in listed if window_of(n)[1] < cutoff):
        store.delete(stale)
    return written
