"""The `pair` scenario: a handful of phones meet, one becomes F0, the others download and match its keys.

Everything real but the air: phones are `bluezone.phone.Phone`, the export is a signed GAEN file the
phones verify before reading, and the radio is `Channel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bluezone.clock import ManualClock
from bluezone.phone.facilities import Facility, FacilityDirectory
from bluezone.phone.phone import ExposureCheck, Phone
from bluezone.protocol import export as ex
from bluezone.protocol.ble import parse_advertisement
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.intervals import interval_to_date
from bluezone.sim.radio import Channel

SCAN_SECONDS = 4.0
ADVERTISING_INTERVAL = 0.25
SCAN_PERIOD = 300.0  # minus a random 0–90 s, as GAEN schedules its scans
REGION = "452"  # Viet Nam's mobile country code
HOAN_KIEM, HANG_BAC = "002", "00037"  # GSO codes of the users' district and commune

HANOI_FACILITIES = FacilityDirectory(
    [
        Facility(
            "Trung tâm Y tế quận Hoàn Kiếm",
            "26 Lương Ngọc Quyến, Hoàn Kiếm, Hà Nội",
            "024 3828 2183",
            HOAN_KIEM,
        ),
        Facility(
            "Trạm Y tế phường Hàng Bạc",
            "Số 4 Hàng Bạc, Hoàn Kiếm, Hà Nội",
            "024 3828 9393",
            HOAN_KIEM,
            HANG_BAC,
        ),
    ]
)


@dataclass(frozen=True)
class Meeting:
    who: str
    start: timedelta  # after the scenario starts
    minutes: float
    distance_m: float


@dataclass(frozen=True)
class PairOutcome:
    name: str
    meeting: Meeting | None
    heard_packets: int
    check: ExposureCheck


@dataclass(frozen=True)
class PairResult:
    f0: str
    onset: date
    keys_published: int
    export_bytes: int
    outcomes: list[PairOutcome]


PEOPLE = {"An": "SM-A515F", "Bình": "SM-G973F", "Chi": "Redmi Note 8", "Dũng": "iPhone 11"}
F0 = "An"
MEETINGS = [
    Meeting("Bình", timedelta(hours=1), minutes=20, distance_m=1.0),
    Meeting("Chi", timedelta(hours=3), minutes=5, distance_m=6.0),
]


@dataclass(frozen=True, order=True)
class Scan:
    """One phone's scan while another phone is in range."""

    time: float
    listener: str
    speaker: str
    distance_m: float


def scan_schedule(start: datetime, rng: np.random.Generator) -> list[Scan]:
    """Both phones of each meeting scan on their own GAEN schedules and hear each other."""
    scans = []
    for meeting in MEETINGS:
        begin = start.timestamp() + meeting.start.total_seconds()
        end = begin + meeting.minutes * 60
        for listener, speaker in ((meeting.who, F0), (F0, meeting.who)):
            t = begin - rng.uniform(0, SCAN_PERIOD)  # the scan cycle was already running
            while t < end:
                if t >= begin:
                    scans.append(Scan(t, listener, speaker, meeting.distance_m))
                t += SCAN_PERIOD - rng.uniform(0, 90)
    return sorted(scans)


class Air:
    """What phones hear of each other, with each pair's shadowing carried from scan to scan."""

    def __init__(self, phones: dict[str, Phone], rng: np.random.Generator) -> None:
        self.phones, self.rng, self.channel = phones, rng, Channel()
        self.shadowing: dict[tuple[str, str], tuple[float, float]] = {}  # pair → (time, dB)

    def scan(self, scan: Scan) -> int:
        """Deliver one scan's packets to the listener; return how many it caught."""
        speaker, listener = self.phones[scan.speaker], self.phones[scan.listener]
        rpi, aem = parse_advertisement(speaker.advertisement())
        previous = self.shadowing.get((scan.listener, scan.speaker))
        elapsed = scan.time - previous[0] if previous else 0.0
        shadow = self.channel.next_slow(previous[1] if previous else None, elapsed, self.rng)
        self.shadowing[(scan.listener, scan.speaker)] = (scan.time, shadow)
        rssi = self.channel.scan_rssi(
            scan.distance_m,
            slow_db=shadow,
            packets=int(SCAN_SECONDS / ADVERTISING_INTERVAL),
            transmitter=speaker.calibration,
            receiver=listener.calibration,
            rng=self.rng,
        )
        times = scan.time + np.sort(self.rng.uniform(0, SCAN_SECONDS, len(rssi)))
        listener.hear_scan([rpi] * len(rssi), [aem] * len(rssi), times.tolist(), rssi.astype(int).tolist())
        return len(rssi)


def live_until(
    air: Air, clock: ManualClock, scans: list[Scan], until: float, *, heard: dict[str, int]
) -> list[Scan]:
    """Run the phones day by day until `until` (each makes its key for each day) and deliver the scans
    before then, counting what each heard; return the scans still to come."""
    while clock.now() < until:
        day_end = min((clock.now() // 86_400 + 1) * 86_400, until)
        for phone in air.phones.values():
            phone.current_key()
        for scan in [s for s in scans if s.time < day_end]:
            clock.set(max(clock.now(), scan.time))
            heard[scan.listener] += air.scan(scan)
        scans = [s for s in scans if s.time >= day_end]
        clock.set(day_end)
    return scans


def resident(clock: ManualClock, model: str) -> Phone:
    """A phone whose user chose phường Hàng Bạc as their commune."""
    return Phone(
        clock, model=model, facilities=HANOI_FACILITIES, district_code=HOAN_KIEM, commune_code=HANG_BAC
    )


@dataclass
class Neighbours:
    """The scenario's people with their phones, one clock and the air between them."""

    rng: np.random.Generator
    clock: ManualClock
    phones: dict[str, Phone]
    air: Air
    heard: dict[str, int]  # packets each phone heard


def neighbours(seed: int, start: datetime) -> Neighbours:
    rng = np.random.default_rng(seed)
    clock = ManualClock(start.timestamp())
    phones = {name: resident(clock, model) for name, model in PEOPLE.items()}
    return Neighbours(rng, clock, phones, Air(phones, rng), dict.fromkeys(PEOPLE, 0))


def run_pair(seed: int = 2020, start: datetime = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)) -> PairResult:
    town = neighbours(seed, start)
    rng, clock, phones, air, heard = town.rng, town.clock, town.phones, town.air, town.heard
    scans = scan_schedule(start, rng)
    # Two days after meeting, An has symptoms, and tests positive the day after.
    onset = (start + timedelta(days=2)).date()
    tested = (start + timedelta(days=3, hours=6)).timestamp()
    live_until(air, clock, scans, tested, heard=heard)

    # An shares with a health-authority code.
    upload = phones[F0].prepare_upload(onset)
    published = [
        ExposureKey(
            key.key_data,
            key.rolling_start_interval_number,
            key.rolling_period,
            report_type=ReportType.CONFIRMED_TEST,
            days_since_onset_of_symptoms=(interval_to_date(key.rolling_start_interval_number) - onset).days,
        )
        for key in upload.keys
    ]
    signer = ex.Signer.generate(REGION)
    window_end = int(clock.now()) // 3600 * 3600
    batch = ex.ExportBatch(
        start_timestamp=window_end - 86_400, end_timestamp=window_end, region=REGION, keys=published
    )
    export_file = ex.write_archive(batch, [signer])

    # Every other phone downloads the file, verifies it, then matches.
    public_key = signer.private_key.public_key()
    clock.advance(3600)
    outcomes = []
    for name, phone in phones.items():
        if name == F0:
            continue
        archive = ex.read_archive(export_file)
        ex.verify_archive(archive, [public_key])
        met = next((m for m in MEETINGS if m.who == name), None)
        outcomes.append(PairOutcome(name, met, heard[name], phone.check(archive.batch.keys)))
    return PairResult(F0, onset, len(published), len(export_file), outcomes)
