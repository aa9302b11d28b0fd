"""DP-3T Bluetooth measurement files: SQLite with a `results` table of packets and ground-truth distances."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bluezone.errors import FormatError, InvalidInput
from bluezone.risk.proximity import Measurements

COLUMNS = (
    "receiver_id",
    "receiver_model",
    "transmitter_id",
    "transmitter_model",
    "timestamp",
    "rssi",
    "ground_truth_distance",
)
SQLITE_MAGIC = b"SQLite format 3\x00"


def read_file(path: Path) -> list[tuple[str, str, str, str, float, float, float | None]]:
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", code="unreadable") from None
    if magic != SQLITE_MAGIC:
        raise FormatError(f"{path} is not an SQLite database", code="not_sqlite")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as connection:
            present = {row[1] for row in connection.execute("PRAGMA table_info(results)")}
            missing = [c for c in COLUMNS if c not in present]
            if missing:
                raise FormatError(f"{path}: table `results` lacks {', '.join(missing)}", code="bad_schema")
            rows = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM results").fetchall()
    except sqlite3.DatabaseError as error:
        raise FormatError(f"{path}: {error}", code="bad_database") from None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row[4], int | float) or not isinstance(row[5], int | float):
            raise FormatError(f"{path}: row {number} has a non-numeric timestamp or rssi", code="bad_row")
        if row[6] is not None and (not isinstance(row[6], int | float) or row[6] < 0):
            raise FormatError(f"{path}: row {number} has an invalid ground-truth distance", code="bad_row")
    return rows


def load(paths: Sequence[Path]) -> Measurements:
    """Every packet of every file; receivers and transmitters are numbered per file."""
    if not paths:
        raise InvalidInput("give at least one measurement file", code="no_input")
    source, receiver, transmitter, rx_model, tx_model, time, rssi, distance = ([] for _ in range(8))
    phone_ids: dict[tuple[int, str], int] = {}
    for number, path in enumerate(paths):
        for rx, rxm, tx, txm, ts, level, dist in read_file(path):
            source.append(number)
            receiver.append(phone_ids.setdefault((number, str(rx)), len(phone_ids)))
            transmitter.append(phone_ids.setdefault((number, str(tx)), len(phone_ids)))
            rx_model.append(str(rxm))
            tx_model.append(str(txm))
            time.append(float(ts))
            rssi.append(float(level))
            distance.append(np.nan if dist is None else float(dist))
    return Measurements(
        source=np.array(source, dtype=np.int64),
        receiver=np.array(receiver, dtype=np.int64),
        transmitter=np.array(transmitter, dtype=np.int64),
        receiver_model=tuple(rx_model),
        transmitter_model=tuple(tx_model),
        time=np.array(time, dtype=np.float64),
        rssi=np.array(rssi, dtype=np.float64),
        distance_m=np.array(distance, dtype=np.float64),
    )
