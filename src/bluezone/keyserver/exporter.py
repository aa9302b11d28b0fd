"""Signed export files for every phone to download, and the `index.txt` that lists them.

Keys enter the window their `created_at` falls in. A window is exported once it has closed (plus a grace
period for publishes still committing): its keys, padded with fake keys when there are few (so a file's
size does not reveal how many people uploaded), sorted, split, signed and written atomically. A batch is
claimed with a lease, so two exporters never build the same window and one that dies midway is taken over;
only complete batches are listed in the index. Every key is thus exported exactly once.

With `export_min_keys` set (Corona-Warn-App's rule: 140), a window with fewer new keys is not published: its
keys are carried into the first later window nobody has claimed yet (their `created_at` moved there), until
enough have gathered or `export_hold_max_hours` have passed. Carrying, reading a window's keys and completing
windows found empty all happen under one lock, so no key is moved into a window already read or completed.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bluezone.config import Settings
from bluezone.keyserver.storage import ExportStore
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.store.db import HOLD_LOCK, INDEX_LOCK, Database
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import ExportFile, ExportWindow, Exposure
from bluezone.store.secrets import ServerSecrets

GRACE_SECONDS = 120
LEASE_SECONDS = 60  # renewed after every file: a killed exporter's window is free again within a minute
INDEX = "index.txt"
PUBLIC_KEY = "public-key.pem"


@dataclass
class ExportReport:
    batches: int = 0
    files: list[str] = field(default_factory=list)
    keys: int = 0
    revised: int = 0
    padding: int = 0


def signer(settings: Settings, secrets_: ServerSecrets) -> ex.Signer:
    return ex.Signer(secrets_.export_key, ex.SignatureInfo("v1", settings.region))


def due_windows(settings: Settings, now: int) -> list[tuple[int, int]]:
    """Every closed window within the retention period, oldest first."""
    period = settings.export_period_seconds
    last_end = (now - GRACE_SECONDS) // period * period
    first_start = max(0, last_end - settings.retention_days * 86_400)
    return [(start, start + period) for start in range(first_start, last_end, period)]


class RunClock:
    """The run's time: the `now` it was given plus the time it has been running, so that a lease is always
    checked against the present, not against when the run began."""

    def __init__(self, now: int) -> None:
        self._now, self._began = now, time.monotonic()

    def __call__(self) -> int:
        return self._now + int(time.monotonic() - self._began)


def _claim(db: Database, window: tuple[int, int], now: int) -> int | None:
    """The batch id if this exporter may build the window, else None (done, or another holds it)."""
    start, end = window
    with db.session() as session:
        batch = session.scalar(
            select(ExportWindow).where(ExportWindow.start_ts == start, ExportWindow.end_ts == end)
        )
        if batch is not None:
            if batch.status == "complete" or batch.lease_until > now:
                return None
            taken = session.execute(
                update(ExportWindow)
                .where(
                    ExportWindow.id == batch.id,
                    ExportWindow.status == "open",
                    ExportWindow.lease_until <= now,
                )
                .values(lease_until=now + LEASE_SECONDS)
            )
            return batch.id if taken.rowcount == 1 else None  # type: ignore[attr-defined]
    try:
        with db.session() as session:
            batch = ExportWindow(
                start_ts=start, end_ts=end, status="open", lease_until=now + LEASE_SECONDS, key_count=0
            )
            session.add(batch)
            session.flush()
            return batch.id
    except IntegrityError:  # another exporter claimed it first
        return None


def _settled_starts(db: Database, windows: list[tuple[int, int]], now: int) -> set[int]:
    """Starts of the windows already built or held under a live lease, read in one query, so that a run
    with nothing new to do does not open a transaction per window of the retention period."""
    if not windows:
        return set()
    with db.session() as session:
        rows = session.execute(
            select(
                ExportWindow.start_ts, ExportWindow.end_ts, ExportWindow.status, ExportWindow.lease_until
            ).where(ExportWindow.start_ts >= windows[0][0], ExportWindow.start_ts <= windows[-1][0])
        )
        wanted = set(windows)
        return {
            start
            for start, end, status, lease_until in rows
            if (start, end) in wanted and (status == "complete" or lease_until > now)
        }


def _keys(session: Session, window: tuple[int, int]) -> tuple[list[ExposureKey], list[ExposureKey]]:
    """The window's new keys and its revised keys, each sorted by key bytes (plain rows, not ORM objects)."""
    table = Exposure.__table__.c
    columns = (table.key_data, table.rolling_start, table.rolling_period, table.transmission_risk)
    new = session.connection().execute(
        select(*columns, table.report_type, table.days_since_onset)
        .where(table.created_at >= window[0], table.created_at < window[1])
        .order_by(table.key_data)
    )
    revised = session.connection().execute(
        select(*columns, table.revised_report_type, table.revised_days_since_onset)
        .where(table.revised_at >= window[0], table.revised_at < window[1])
        .order_by(table.key_data)
    )
    report_types = {int(t): t for t in ReportType}
    return tuple(  # type: ignore[return-value]
        [
            ExposureKey(bytes(key), start, period, risk, report_types[report], onset)
            for key, start, period, risk, report, onset in rows
        ]
        for rows in (new, revised)
    )


def padding_keys(real: list[ExposureKey], settings: Settings) -> list[ExposureKey]:
    """Fake keys with random bytes and the metadata of random real keys, up to min_records + jitter."""
    if not real:
        return []
    target = settings.export_min_records + secrets.randbelow(settings.export_padding_jitter + 1)
    fakes = []
    for _ in range(max(0, target - len(real))):
        model = real[secrets.randbelow(len(real))]
        fakes.append(
            ExposureKey(
                secrets.token_bytes(16),
                model.rolling_start_interval_number,
                model.rolling_period,
                model.transmission_risk_level,
                model.report_type,
                model.days_since_onset_of_symptoms,
            )
        )
    return fakes


def _renew(db: Database, batch_id: int, now: int) -> bool:
    """Extend this exporter's lease on a window it is still building; False when the lease ran out."""
    with db.session() as session:
        renewed = session.execute(
            update(ExportWindow)
            .where(ExportWindow.id == batch_id, ExportWindow.status == "open", ExportWindow.lease_until > now)
            .values(lease_until=now + LEASE_SECONDS)
        )
        return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def _build(
    db: Database,
    settings: Settings,
    secrets_: ServerSecrets,
    store: ExportStore,
    *,
    batch_id: int,
    clock: RunClock,
) -> ExportReport:
    report = ExportReport(batches=1)
    with db.exclusive(HOLD_LOCK) as session:
        batch = session.get(ExportWindow, batch_id)
        assert batch is not None
        window = (batch.start_ts, batch.end_ts)
        keys, revised = _keys(session, window)
        if _too_few(session, settings, window, (keys, revised), clock()):
            return _hold(session, settings, batch, clock())
    fakes = padding_keys(keys or revised, settings)
    written: list[ExportFile] = []
    if keys or revised:
        batches = ex.split_batches(
            keys + fakes,
            start_timestamp=window[0],
            end_timestamp=window[1],
            region=settings.region,
            max_records=settings.export_max_records,
            revised_keys=revised,
        )
        for part in batches:
            relative = f"{settings.region}/{window[0]}-{window[1]}-{part.batch_num:05d}.zip"
            store.put(relative, ex.write_archive(part, [signer(settings, secrets_)]))
            if not _renew(db, batch_id, clock()):
                return ExportReport()  # too slow: another exporter has the window now
            written.append(
                ExportFile(
                    batch_id=batch_id,
                    path=relative,
                    batch_num=part.batch_num,
                    batch_size=part.batch_size,
                    records=len(part.keys) + len(part.revised_keys),
                )
            )
    now = clock()
    with db.session() as session:
        done = session.execute(
            update(ExportWindow)
            .where(ExportWindow.id == batch_id, ExportWindow.status == "open", ExportWindow.lease_until > now)
            .values(status="complete", key_count=len(keys), completed_at=now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return ExportReport()  # the lease ran out and another exporter took over: leave it to them
        session.add_all(written)
    report.files = [f.path for f in written]
    report.keys, report.revised, report.padding = len(keys), len(revised), len(fakes)
    return report


def _too_few(
    session: Session,
    settings: Settings,
    window: tuple[int, int],
    keys: tuple[list[ExposureKey], list[ExposureKey]],
    now: int,
) -> bool:
    """Whether the window's new keys are too few to publish yet: fewer than `export_min_keys`, no revision
    waiting, and none of them due for `export_hold_max_hours` already (counted to now, not to the window's
    end: an exporter catching up publishes what has waited long enough)."""
    new, revised = keys
    if not 0 < len(new) < settings.export_min_keys or revised:
        return False
    table = Exposure.__table__.c
    first_due = session.scalar(
        select(func.min(func.coalesce(table.held_since, table.created_at))).where(
            table.created_at >= window[0], table.created_at < window[1]
        )
    )
    return first_due is not None and now - int(first_due) < settings.export_hold_max_hours * 3600


def _hold(session: Session, settings: Settings, batch: ExportWindow, now: int) -> ExportReport:
    """Complete the window with no file and carry its keys into the first later window nobody has claimed
    (so none has read its keys yet); the caller holds HOLD_LOCK. Nothing moves if the lease ran out."""
    done = session.execute(
        update(ExportWindow)
        .where(ExportWindow.id == batch.id, ExportWindow.status == "open", ExportWindow.lease_until > now)
        .values(status="complete", key_count=0, completed_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return ExportReport()
    claimed = set(session.scalars(select(ExportWindow.start_ts).where(ExportWindow.start_ts >= batch.end_ts)))
    target = batch.end_ts
    while target in claimed:
        target += settings.export_period_seconds
    session.execute(
        update(Exposure)
        .where(Exposure.created_at >= batch.start_ts, Exposure.created_at < batch.end_ts)
        .values(held_since=func.coalesce(Exposure.held_since, Exposure.created_at), created_at=target)
        .execution_options(synchronize_session=False)
    )
    return ExportReport(batches=1)


def write_index(db: Database, store: ExportStore) -> list[str]:
    """List every complete file. Exporters finishing together take turns, and each reads the batches inside
    its turn: the last index written lists everything either of them completed."""
    with db.exclusive(INDEX_LOCK) as session:
        paths = list(
            session.scalars(
                select(ExportFile.path)
                .join(ExportWindow, ExportFile.batch_id == ExportWindow.id)
                .where(ExportWindow.status == "complete")
                .order_by(ExportWindow.end_ts, ExportFile.batch_num)
            )
        )
        store.put(INDEX, "".join(f"{p}\n" for p in paths).encode("ascii"))
    return paths


def run_exports(
    db: Database, settings: Settings, secrets_: ServerSecrets, store: ExportStore, now: int
) -> ExportReport:
    """Build every due window nobody else holds, listing each in the index as soon as it is complete (a run
    killed later loses nothing already built). Windows without a key are completed together in one
    statement: there is nothing to write for them."""
    clock = RunClock(now)
    store.put(PUBLIC_KEY, secrets_.export_public_pem())
    total = ExportReport()
    windows = due_windows(settings, now)
    settled = _settled_starts(db, windows, now)
    windows = [w for w in windows if w[0] not in settled]
    completed, with_keys = _complete_empty(db, windows, settings.export_period_seconds, now)
    total.batches += completed
    for window in windows:
        if window[0] not in with_keys:
            continue
        batch_id = _claim(db, window, clock())
        if batch_id is None:
            continue
        done = _build(db, settings, secrets_, store, batch_id=batch_id, clock=clock)
        if done.files:
            write_index(db, store)
        total.batches += done.batches
        total.files += done.files
        total.keys += done.keys
        total.revised += done.revised
        total.padding += done.padding
    write_index(db, store)
    return total


def _starts_with_keys(session: Session, windows: list[tuple[int, int]], period: int) -> set[int]:
    """Starts of the windows (all `period` long) that hold a new or revised key."""
    if not windows:
        return set()
    first, end = windows[0][0], windows[-1][1]
    table = Exposure.__table__.c
    stamps = [
        *session.scalars(
            select(table.created_at).distinct().where(table.created_at >= first, table.created_at < end)
        ),
        *session.scalars(
            select(table.revised_at).distinct().where(table.revised_at >= first, table.revised_at < end)
        ),
    ]
    return {first + (int(t) - first) // period * period for t in stamps}


def _complete_empty(
    db: Database, windows: list[tuple[int, int]], period: int, now: int
) -> tuple[int, set[int]]:
    """Mark closed windows without keys complete (no upload enters a closed window, and held keys are
    carried only into unclaimed ones, under the same lock); those another exporter holds are left to it.
    Returns how many were marked, and the starts of the windows that hold keys."""
    with db.exclusive(HOLD_LOCK) as session:
        with_keys = _starts_with_keys(session, windows, period)
        rows = [
            {
                "start_ts": start,
                "end_ts": end,
                "status": "complete",
                "lease_until": now,
                "key_count": 0,
                "completed_at": now,
            }
            for start, end in windows
            if start not in with_keys
        ]
        return insert_ignoring_duplicates(
            session, ExportWindow, rows, unique=["start_ts", "end_ts"]
        ), with_keys


def cleanup(db: Database, settings: Settings, store: ExportStore, now: int) -> int:
    """Delete keys and export files older than the retention period; return how many rows went."""
    cutoff = now - settings.retention_days * 86_400
    with db.session() as session:
        old_files = list(
            session.scalars(
                select(ExportFile)
                .join(ExportWindow, ExportFile.batch_id == ExportWindow.id)
                .where(ExportWindow.end_ts < cutoff)
            )
        )
        deleted = len(old_files)
        for old in old_files:
            session.delete(old)
        deleted += session.execute(delete(ExportWindow).where(ExportWindow.end_ts < cutoff)).rowcount  # type: ignore[attr-defined]
        deleted += session.execute(delete(Exposure).where(Exposure.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
    if old_files:  # listed no more before they go
        write_index(db, store)
    for old in old_files:
        store.delete(old.path)
    return int(deleted)
