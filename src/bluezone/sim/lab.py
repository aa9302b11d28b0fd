"""The `lab` scenario: one case from a lab result to a close contact's alert, with no case worker.

An and Bình sit together for 20 minutes; Chi passes 6 m away. Two days later An has a fever and is tested
at the commune's testing site; An's phone scans the QR code on the sample form. That evening the lab sends
the result through its own API key; An's phone finds it at its next hourly poll, and An agrees to share.
The exporter runs, the other phones download and verify the file, and Bình's phone raises the F1 alert.
Every step is the real phone and server code over HTTP (the server on SQLite in a temporary directory).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bluezone.phone.client import POLL_SECONDS, DownloadState, next_poll
from bluezone.phone.phone import ExposureCheck
from bluezone.protocol.samples import new_sample_id, qr_payload
from bluezone.sim.authority import REALM, LocalAuthority
from bluezone.sim.pair import MEETINGS, live_until, neighbours, scan_schedule

F0 = "An"
TESTED_AFTER = timedelta(days=2, hours=1)  # 08:00 in Viet Nam, two days after the meeting
RESULT_AFTER = timedelta(hours=10)  # the lab's run finishes that evening
EXPORT_EVERY = 3600
EXPORT_MINUTE = 300  # the exporter runs at five past each hour, once the hour's window has closed


@dataclass(frozen=True)
class Step:
    at: float  # unix seconds
    what: str  # a text key: demo.lab.<what>
    values: dict[str, object]


@dataclass(frozen=True)
class LabRun:
    sample_id: str
    sample_date: date
    steps: list[Step]
    polls: int  # how often An's phone asked before the result was there
    keys_published: int
    codes_by_source: dict[str, int]  # upload authorisations: case_worker, lab
    checks: dict[str, ExposureCheck]  # every other phone's check of the export

    @property
    def f1_alerted(self) -> list[str]:
        return [n for n, c in self.checks.items() if any(a.level.name == "F1" for a in c.new_alerts)]


def run_lab(seed: int = 2020, start: datetime = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)) -> LabRun:
    town = neighbours(seed, start)
    rng, clock, phones, air, heard = town.rng, town.clock, town.phones, town.air, town.heard
    tested = start.timestamp() + TESTED_AFTER.total_seconds()
    live_until(air, clock, scan_schedule(start, rng), tested, heard=heard)  # the meetings are on day 0
    steps = [
        Step(start.timestamp() + MEETINGS[0].start.total_seconds(), "met", {"minutes": MEETINGS[0].minutes})
    ]
    with (
        tempfile.TemporaryDirectory(prefix="bluezone-lab-") as directory,
        LocalAuthority(Path(directory), clock) as authority,
    ):
        sample_id = new_sample_id()
        sample_date = datetime.fromtimestamp(tested, UTC).date()
        test = authority.client.register_sample(qr_payload(sample_id), clock.now())
        steps.append(Step(clock.now(), "registered", {"sample": sample_id}))
        result_at = tested + RESULT_AFTER.total_seconds()
        offset = float(rng.integers(POLL_SECONDS))  # drawn once at install, as every phone does
        polls, sent = 0, False
        while test.result == "pending":  # An's phone asks each hour, at its own minute
            at = next_poll(clock.now(), POLL_SECONDS, offset)
            if not sent and at >= result_at:
                live_until(air, clock, [], result_at, heard=heard)
                authority.send_lab_results([(sample_id, "positive", sample_date)])
                steps.append(Step(clock.now(), "lab_sent", {}))
                sent = True
            live_until(air, clock, [], at, heard=heard)
            test = authority.client.check_sample(test)
            polls += 1
        steps.append(Step(clock.now(), "result", {"polls": polls}))
        assert test.token is not None and test.sample_date is not None
        bundle = phones[F0].prepare_upload(test.sample_date)
        published = authority.client.upload_with_token(test.token, bundle, REALM)
        steps.append(Step(clock.now(), "shared", {"keys": published}))
        live_until(air, clock, [], next_poll(clock.now(), EXPORT_EVERY, EXPORT_MINUTE), heard=heard)
        authority.export()  # the exporter's next hourly run
        checks = {}
        for name, phone in phones.items():
            if name != F0:
                batches = authority.client.new_exports(DownloadState(), clock.now())
                checks[name] = phone.check([key for batch in batches for key in batch])
        steps.append(Step(clock.now(), "alerted", {}))
        codes = authority.codes_by_source()
    return LabRun(sample_id, sample_date, steps, polls, published, codes, checks)
