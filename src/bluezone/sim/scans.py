"""Every Bluetooth scan of a day's app-pair encounters, with each draw addressed by what it belongs to
(encounter, direction, step, packet), so that one phone's scans can be simulated again, exactly, when a
key it heard is published: the town's log keeps encounters, not scans.

Per encounter and direction, each 5-minute step has the distance `contacts.expand` gives it; the
persistent term (both phones' carriage loss plus slow shadowing) is drawn per 10-minute cell; each of
the 16 advertisements in the receiver's scan is caught with probability p, with its own fast jitter, and
kept when above the floor. The jitter is the sum of a hash's eight bytes scaled to unit variance: normal
to within what the field data can tell (tails cut at 4.9 σ); the persistent term's shadowing is drawn the
same way. A packet is heard when its byte sum is at most what the scan's level allows (`loudest`), so the
chance that a scan hears anything is a function of `loudest` alone, tabled: the day's pass draws that
one event per scan. A heard scan's packets are drawn given it, when a match needs them: the slot of its
first heard packet, that packet's byte sum given that it was heard, then each later slot as above. The
strongest and mean RSSI follow from the heard packets' least and summed byte sums: integers, so that the
C loop and its twin agree exactly. The loop runs in C (`_scans.c`, two threads); `_twin` below is the
same arithmetic in NumPy, for machines without a compiler and for the tests.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim import noise, ragged
from bluezone.sim.contacts import DISTANCE_RANGE_M, DRIFT_FACTORS, SEGMENT_STEPS, Encounters
from bluezone.sim.radio import ADVERTISEMENTS_PER_SCAN, CARRIAGE_LOSS_DB, CARRIAGE_SHARES, Channel

try:
    from bluezone.sim import _scans as _fast  # type: ignore[attr-defined]
except ImportError:  # no compiler when installed: the twin does the same work, slower
    _fast = None
ACCELERATED = _fast is not None

I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

NO_STEP = np.iinfo(np.int16).max  # "not heard" in `Heard.first`
DRIFT_CODE, DIRECTION_CODE, CELL_CODE, SCAN_CODE = 1000, 2000, 1 << 24, 2 << 24
# A step's codes: a packet's byte sum per slot, whether the slot was caught, then the scan's own draws.
SCAN_STRIDE, CAUGHT_SLOT, ANY_SLOT, FIRST_SLOT, FIRST_SUM_SLOT = 64, 16, 32, 33, 34
THREADS = 2
# Where the tables start in `parameters` (the enum in `_scans.c`); each has a row per byte sum.
SUMS = noise.BYTE_SUM_MAX + 1
SCALARS = 16
ANY_AT = SCALARS
FIRST_AT = ANY_AT + SUMS
BELOW_AT = FIRST_AT + SUMS * ADVERTISEMENTS_PER_SCAN
DRIFT_AT = BELOW_AT + SUMS


def cut_short(encounters: Encounters, end: I16) -> Encounters:
    """The encounters ending at step `end` at the latest (where one of the two was isolated)."""
    return Encounters(
        a=encounters.a,
        b=encounters.b,
        start=encounters.start,
        end=np.maximum(np.minimum(encounters.end, end), encounters.start).astype(np.int16),
        setting=encounters.setting,
        distance_m=encounters.distance_m,
    )


@dataclass(frozen=True)
class Heard:
    """Per person as a sender: the first step of the day someone heard them, before and from `split`."""

    first: I16  # (people, 2), NO_STEP where nobody heard them
    scans: int  # scans that heard at least one packet


@dataclass(frozen=True)
class ScanRows:
    """One row per scan that heard at least one packet: as GAEN keeps it, count, strongest and mean."""

    receiver: I32
    sender: I32
    step: I16
    max_rssi: npt.NDArray[np.int8]
    mean_rssi: F32
    packets: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.receiver)


class Radio:
    """The day's channel between the town's phones: who emits how strongly and hears how well (true
    values, not what the calibration table believes), for one run's seed and day."""

    def __init__(
        self, channel: Channel, *, emit_db: F64, hear_db: F64, seed: int, day: int, accelerated: bool = True
    ) -> None:
        self.emit = np.ascontiguousarray(emit_db, np.float32)
        self.hear = np.ascontiguousarray(hear_db, np.float32)
        self.seed, self.day = seed, day
        self.parameters = parameters(channel)
        self.fast = _fast if accelerated else None

    def heard(self, encounters: Encounters, split: int) -> Heard:
        """Who was heard when: every scan of every encounter simulated, only the first heard steps kept."""
        people = len(self.emit)
        fast = self.fast
        if fast is None:
            rows = _twin(self, encounters, None)
            first = np.full((people, 2), NO_STEP, np.int16)
            np.minimum.at(first, (rows.sender, (rows.step >= split).astype(np.intp)), rows.step)
            return Heard(first, len(rows))
        # The threads take turns at blocks of encounters: each gets a share of every kind of gathering.
        firsts = [np.full((people, 2), NO_STEP, np.int16) for _ in range(THREADS)]
        args = self._day_arguments(encounters)
        with ThreadPoolExecutor(THREADS) as pool:
            counts = list(pool.map(lambda t: fast.heard(*args, t, THREADS, split, firsts[t]), range(THREADS)))
        return Heard(np.minimum.reduce(firsts), int(sum(counts)))

    def rows(self, encounters: Encounters, senders: npt.NDArray[np.bool_]) -> ScanRows:
        """Every heard scan of the marked senders' advertisements, simulated again."""
        involved = senders[encounters.a] | senders[encounters.b]
        encounters = encounters.take(involved)
        if self.fast is None:
            return _twin(self, encounters, senders)
        capacity = int(2 * (encounters.end.astype(np.int64) - encounters.start).sum())
        out = ScanRows(
            np.empty(capacity, np.int32),
            np.empty(capacity, np.int32),
            np.empty(capacity, np.int16),
            np.empty(capacity, np.int8),
            np.empty(capacity, np.float32),
            np.empty(capacity, np.int8),
        )
        mask = np.ascontiguousarray(senders, np.uint8)
        n = self.fast.rows(*self._day_arguments(encounters), mask, *_columns(out))
        return ScanRows(
            out.receiver[:n].copy(),
            out.sender[:n].copy(),
            out.step[:n].copy(),
            out.max_rssi[:n].copy(),
            out.mean_rssi[:n].copy(),
            out.packets[:n].copy(),
        )

    def _day_arguments(self, encounters: Encounters) -> tuple[object, ...]:
        columns = (
            np.ascontiguousarray(encounters.a, np.int32),
            np.ascontiguousarray(encounters.b, np.int32),
            np.ascontiguousarray(encounters.setting, np.int8),
            np.ascontiguousarray(encounters.start, np.int16),
            np.ascontiguousarray(encounters.end, np.int16),
            np.ascontiguousarray(encounters.distance_m, np.float32),
        )
        return (self.seed, self.day, *columns, self.emit, self.hear, self.parameters)


def by_person(encounters: Encounters, people: int, *, accelerated: bool = True) -> tuple[I64, I32]:
    """Every person's encounters: rows[offsets[p]:offsets[p + 1]] are those p is in (as a, then as b)."""
    offsets = np.zeros(people + 1, np.int64)
    if _fast is not None and accelerated:
        rows = np.empty(2 * len(encounters), np.int32)
        _fast.by_person(
            np.ascontiguousarray(encounters.a, np.int32),
            np.ascontiguousarray(encounters.b, np.int32),
            offsets,
            rows,
        )
        return offsets, rows
    member = np.concatenate([encounters.a, encounters.b])
    np.cumsum(np.bincount(member, minlength=people), out=offsets[1:])
    return offsets, (np.argsort(member, kind="stable") % max(len(encounters), 1)).astype(np.int32)


def parameters(channel: Channel) -> F64:
    """The channel as the C loop reads it (the order of the enum in `_scans.c`)."""
    shares = np.cumsum(CARRIAGE_SHARES)
    scalars = [
        channel.attenuation_at_1m_db,
        10 * channel.path_loss_exponent,
        channel.fast_sigma_db,
        channel.sensitivity_dbm,
        *np.log10(DISTANCE_RANGE_M),
        *CARRIAGE_LOSS_DB,
        shares[0],
        shares[1],
        channel.rest_of_slow_db / noise.BYTES_SD,  # dB per byte of the sum
        channel.persistent_median_db,
        noise.BYTES_MEAN,
        noise.BYTES_SD,
        channel.capture_probability,
    ]
    heard_any, first_slot = heard_tables(channel.capture_probability)
    tables = (heard_any, first_slot.ravel(), noise.BYTE_SUM_CDF, np.log10(DRIFT_FACTORS))
    return np.concatenate([np.array(scalars, np.float64), *tables])


def heard_tables(capture: float) -> tuple[F64, F64]:
    """Per `loudest` byte sum: the chance that a scan hears any packet, and the distribution of the slot of
    its first heard packet given that it heard one (cumulative, 16 per row, ending at 1). A slot's packet
    is heard with chance capture × P(byte sum ≤ loudest), independently of the others."""
    n = ADVERTISEMENTS_PER_SCAN
    log_missed = np.log1p(-capture * noise.BYTE_SUM_CDF)  # per slot, in logs: exact for tiny chances
    heard_any = -np.expm1(n * log_missed)
    first_slot = np.expm1(np.arange(1, n + 1) * log_missed[:, None]) / np.expm1(n * log_missed)[:, None]
    first_slot[:, -1] = 1.0
    return heard_any, first_slot


def _columns(rows: ScanRows) -> tuple[npt.NDArray[np.generic], ...]:
    return rows.receiver, rows.sender, rows.step, rows.max_rssi, rows.mean_rssi, rows.packets


def _twin(radio: Radio, encounters: Encounters, senders: npt.NDArray[np.bool_] | None) -> ScanRows:
    """The C loop in NumPy: every (encounter, direction, step), then up to 16 packets each."""
    (a1m, n10, fast, floor, log_min, log_max, *rest) = radio.parameters[:SCALARS].tolist()
    states, (share0, share01, rest_per_byte, median), capture = np.array(rest[:3]), rest[3:7], rest[9]
    heard_any = radio.parameters[ANY_AT:FIRST_AT]
    first_slot = radio.parameters[FIRST_AT:BELOW_AT].reshape(SUMS, ADVERTISEMENTS_PER_SCAN)
    below, drift_decades = radio.parameters[BELOW_AT:DRIFT_AT], radio.parameters[DRIFT_AT:]
    e = encounters
    row, offset = ragged.runs(np.maximum(e.end.astype(np.int64) - e.start, 0))
    prefix = noise.seeded(radio.seed)
    for coordinate in (radio.day, e.a[row], e.b[row], e.setting[row], e.start[row]):
        prefix = noise.absorb(prefix, coordinate)
    segment = noise.absorb(prefix, DRIFT_CODE + offset // SEGMENT_STEPS)
    # The distance as contacts.expand draws it, in decades: one logarithm per encounter, not per segment.
    decades = np.clip(
        np.log10(e.distance_m.astype(np.float64))[row] + drift_decades[noise.byte_sums(noise.mix(segment))],
        log_min,
        log_max,
    )
    attenuation = a1m + n10 * decades

    # Both directions of every step: `pick` is the step's position above.
    pick = np.tile(np.arange(len(row)), 2)
    direction = np.repeat([0, 1], len(row))
    if senders is not None:
        keep = senders[np.where(direction == 0, e.a[row[pick]], e.b[row[pick]])]
        pick, direction = pick[keep], direction[keep]
    sender = np.where(direction == 0, e.a[row[pick]], e.b[row[pick]])
    receiver = np.where(direction == 0, e.b[row[pick]], e.a[row[pick]])
    step = e.start[row[pick]].astype(np.int64) + offset[pick]
    attenuation = attenuation[pick]
    state = noise.absorb(prefix[pick], DIRECTION_CODE + direction)

    def draw(code: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
        return noise.mix(noise.absorb(state, code))

    # One persistent term per 10 minutes: a hash's two halves pick both phones' carriage, a second
    # hash's bytes give the rest of the slow shadowing.
    cell_code = CELL_CODE + (step // 2) * 4
    halves = draw(cell_code)
    u0 = (halves >> np.uint64(32)).astype(np.float64) * (1.0 / 2**32)
    u1 = (halves & np.uint64(0xFFFFFFFF)).astype(np.float64) * (1.0 / 2**32)
    carriage = (
        states[(u0 >= share0).astype(int) + (u0 >= share01)]
        + states[(u1 >= share0).astype(int) + (u1 >= share01)]
    )
    slow = carriage + (noise.byte_sums(draw(cell_code + 1)) - noise.BYTES_MEAN) * rest_per_byte - median
    level = radio.emit[sender].astype(np.float64) - radio.hear[receiver] - attenuation - slow

    # A packet is heard when level - fast·(b - mean)/sd reaches the floor, b its byte sum: b ≤ `loudest`.
    reach = np.floor((level - floor) * (noise.BYTES_SD / fast) + noise.BYTES_MEAN)
    loudest = np.clip(reach, 0, noise.BYTE_SUM_MAX).astype(np.int64)
    code = SCAN_CODE + step * SCAN_STRIDE
    some = (reach >= 0) & (noise.to_uniform(draw(code + ANY_SLOT)) < heard_any[loudest])
    state, code, loudest, level = state[some], code[some], loudest[some], level[some]
    # The first heard packet: its slot, then its byte sum given that it was heard (by inversion).
    u = noise.to_uniform(draw(code + FIRST_SLOT))
    first = (u[:, None] >= first_slot[loudest, :-1]).sum(axis=1)
    least = np.searchsorted(
        below, noise.to_uniform(draw(code + FIRST_SUM_SLOT)) * below[loudest], side="left"
    )
    heard, total = np.ones(len(code), np.int64), least.copy()
    for j in range(1, ADVERTISEMENTS_PER_SCAN):
        caught = noise.to_uniform(draw(code + CAUGHT_SLOT + j)) < capture
        b = noise.byte_sums(draw(code + j))
        got = (j > first) & caught & (b <= loudest)
        heard += got
        total += np.where(got, b, 0)
        least = np.where(got, np.minimum(least, b), least)
    strongest = level - fast * ((least - noise.BYTES_MEAN) / noise.BYTES_SD)
    mean = level - fast * ((total / heard - noise.BYTES_MEAN) / noise.BYTES_SD)
    return ScanRows(
        receiver[some].astype(np.int32),
        sender[some].astype(np.int32),
        step[some].astype(np.int16),
        np.rint(strongest).astype(np.int8),
        (np.rint(mean * 10.0) / 10.0).astype(np.float32),
        heard.astype(np.int8),
    )
