"""The real servers, run locally for a simulation: the same app `bluezone serve` starts, on SQLite in the
run's directory, its clock driven by the simulation, reached over HTTP as phones reach it.

A case worker issues codes through the API; a phone uploads through the app's own client code; the
exporter runs on its cadence; downloads are verified against the server's export key.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import func, select

from bluezone.authority.labs import create_lab
from bluezone.authority.realms import create_api_key, create_realm, realm_by_code
from bluezone.clock import ManualClock, local_date
from bluezone.config import load_settings
from bluezone.phone.client import DownloadState, ServerClient
from bluezone.phone.phone import Phone, UploadBundle
from bluezone.phone.storage import MemoryStore
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.intervals import ROLLING_PERIOD
from bluezone.protocol.samples import new_sample_id, qr_payload
from bluezone.protocol.sms import key_id, verify_text
from bluezone.services import Services, run_maintenance
from bluezone.sim.carrier import SimulatedCarrier
from bluezone.store.models import VerificationCode
from bluezone.venues import venues_pb2
from bluezone.web.app import create_app
from bluezone.web.serving import serve_in_background

VENUES_PER_REQUEST = 200  # the server's limit per batch
REALM, REALM_NAME = "DN", "Sở Y tế thành phố Đà Nẵng"
LAB_NAME = "Khoa Xét nghiệm, CDC Đà Nẵng"
TZ_OFFSET_MINUTES = 7 * 60  # dates a case worker enters are Viet Nam's


@dataclass(frozen=True)
class Upload:
    keys: int
    test_type: str
    route: str = "case_worker"  # how the upload was authorised: case_worker, lab or self_report


class LocalAuthority:
    """Start with `with LocalAuthority(directory, clock) as authority:`."""

    def __init__(self, directory: Path, clock: ManualClock) -> None:
        self.clock = clock
        settings = load_settings(data_dir=directory, database_url="")
        self._app = create_app(settings, clock)
        self.services: Services = self._app.state.services
        self.carrier = SimulatedCarrier()
        self.services.sms = self.carrier  # the server's texts reach the simulated phones
        with self.services.db.session() as session:
            create_realm(session, self.services.secrets, REALM, REALM_NAME, self.services.now())
            self._admin_key = create_api_key(
                session, self.services.secrets, REALM, "admin", self.services.now()
            )
            device_key = create_api_key(session, self.services.secrets, REALM, "device", self.services.now())
            lab = create_lab(session, realm_by_code(session, REALM), LAB_NAME, self.services.now())
            self._lab_key = create_api_key(
                session, self.services.secrets, REALM, "lab", self.services.now(), lab_id=lab.id
            )
        # The app ships with this key; it is not fetched from the server it protects against.
        public_key = load_pem_public_key(self.services.secrets.export_public_pem())
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        self._device_key, self._public_key = device_key, public_key
        self._sms_key = self.services.secrets.sms_key.public_key()  # built into the app, as the export key
        self._stack = contextlib.ExitStack()
        self._downloads = DownloadState()
        self._venue_downloads = DownloadState()
        self.uploads: list[Upload] = []

    def __enter__(self) -> LocalAuthority:
        base_url = self._stack.enter_context(serve_in_background(self._app))
        self._http = self._stack.enter_context(httpx.Client(base_url=base_url, timeout=30))
        self.client = ServerClient(base_url, self._device_key, [self._public_key], http=self._http)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()
        self.services.db.dispose()

    def issue_code(self, test_type: str, *, symptom_date: date | None, test_date: date | None) -> str:
        """What a case worker does for a confirmed case (or a declared F1): a one-time code."""
        body: dict[str, str | int] = {"testType": test_type, "tzOffset": TZ_OFFSET_MINUTES}
        if symptom_date is not None:
            body["symptomDate"] = symptom_date.isoformat()
        if test_date is not None:
            body["testDate"] = test_date.isoformat()
        response = self._http.post("/api/issue", json=body, headers={"X-API-Key": self._admin_key})
        response.raise_for_status()
        return str(response.json()["code"])

    def send_lab_results(self, results: Sequence[tuple[str, str, date]]) -> None:
        """What the lab's software does when results are ready: (sample id, result, sample date) each."""
        body = {
            "results": [
                {"sampleId": sample, "result": result, "sampleDate": day.isoformat()}
                for sample, result, day in results
            ]
        }
        response = self._http.post("/api/labs/results", json=body, headers={"X-API-Key": self._lab_key})
        response.raise_for_status()

    def uploads_by_route(self) -> dict[str, int]:
        return {
            r: sum(1 for u in self.uploads if u.route == r) for r in ("case_worker", "lab", "self_report")
        }

    def codes_by_source(self) -> dict[str, int]:
        """Upload authorisations given so far: by case workers (codes) and by labs (positive results)."""
        with self.services.db.session() as session:
            counted = session.execute(
                select(VerificationCode.source, func.count()).group_by(VerificationCode.source)
            ).all()
        return {"case_worker": 0, "lab": 0, **{str(source): int(n) for source, n in counted}}

    def register_venues(self, venues: Sequence[tuple[str, str, str, int]]) -> list[str]:
        """Venues registered by the province, (name, commune, kind, visit minutes) each, two hundred to a
        request; returns the codes printed on their posters."""
        payloads: list[str] = []
        for first in range(0, len(venues), VENUES_PER_REQUEST):
            body = {
                "venues": [
                    {
                        "name": name,
                        "address": name,
                        "communeCode": commune,
                        "kind": kind,
                        "visitMinutes": minutes,
                    }
                    for name, commune, kind, minutes in venues[first : first + VENUES_PER_REQUEST]
                ]
            }
            response = self._http.post("/api/venues/batch", json=body, headers={"X-API-Key": self._admin_key})
            response.raise_for_status()
            payloads += [str(v["payload"]) for v in response.json()["venues"]]
        return payloads

    def upload(
        self,
        code: str,
        teks: list[tuple[int, bytes]],
        first_day: date,
        test_type: str,
        check_ins: Sequence[bytes] = (),
    ) -> int:
        """The user enters the code in the app and agrees: the app's own upload, over HTTP."""
        bundle = self._bundle(teks, first_day, check_ins)
        stored = self.client.upload(code, bundle, REALM)
        route = "self_report" if test_type == "self-report" else "case_worker"
        self.uploads.append(Upload(len(bundle.keys), test_type, route))
        return stored

    def lab_upload(
        self,
        teks: list[tuple[int, bytes]],
        first_day: date,
        sample_day: date,
        check_ins: Sequence[bytes] = (),
    ) -> int:
        """A positive result that reaches the app: the form's QR code was registered at the sample, the lab
        sends the result, the phone's poll finds it, and the user agrees to share. No case worker."""
        sample = new_sample_id()
        test = self.client.register_sample(qr_payload(sample), self.clock.now())
        self.send_lab_results([(sample, "positive", sample_day)])
        test = self.client.check_sample(test)
        assert test.token is not None, "a positive result carries the upload's token"
        bundle = self._bundle(teks, first_day, check_ins)
        stored = self.client.upload_with_token(test.token, bundle, REALM)
        self.uploads.append(Upload(len(bundle.keys), "confirmed", "lab"))
        return stored

    def self_report(self, number: str, test_day: date) -> str:
        """The user reports a positive rapid test in the app; the code comes by text, which the app checks
        against the health authority's text key before it uses it."""
        self.client.self_report(number, test_day)
        text = self.carrier.latest(number)
        assert text is not None, "the server texts every self-report"
        today = local_date(self.clock.now())
        code = verify_text(text, number, {key_id(self._sms_key): self._sms_key}, today).code
        assert code is not None, "a self-report's text carries its code's link"
        return code

    def _bundle(
        self, teks: list[tuple[int, bytes]], first_day: date, check_ins: Sequence[bytes]
    ) -> UploadBundle:
        store = MemoryStore()
        for start, tek in teks:
            store.put_key(start, tek, ROLLING_PERIOD)
        phone = Phone(self.clock, store=store)
        utc_today = datetime.fromtimestamp(self.clock.now(), UTC).date()
        return phone.prepare_upload(min(first_day, utc_today), check_ins)  # the phone counts days in UTC

    def export(self) -> int:
        """The exporter's scheduled run; returns how many files it wrote."""
        return len(run_maintenance(self.services).files)

    def venue_reports(self) -> list[venues_pb2.CheckInProtectedReport]:
        """Risky stays from the venue packages published since the last call, each package verified."""
        return self.client.new_venue_reports(self._venue_downloads)

    def download(self) -> list[list[ExposureKey]]:
        """New export files, each verified with the health authority's public key before it is read."""
        return self.client.new_exports(self._downloads, self.clock.now())
