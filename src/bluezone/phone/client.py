"""The phone's conversation with the health authority's server, over HTTPS in the app (httpx here).

Downloads follow `index.txt` and fetch only files not seen before (a phone days behind takes the daily
roll-ups instead); each file's signature is verified before its keys are read. Uploads run verify →
certificate → publish, and only when the user has entered a code, or after a lab's positive result for a
sample the user registered (its token stands for the code).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.errors import BluezoneError, FormatError, InvalidInput
from bluezone.phone.facilities import Facility, FacilityDirectory
from bluezone.phone.phone import ExposureCheck, Phone, UploadBundle
from bluezone.protocol import export as ex
from bluezone.protocol.app_config import CONFIG_FILE, AppConfig, read_config
from bluezone.protocol.area_levels import LEVELS_FILE, LocalLevel, read_levels
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.intervals import interval_number
from bluezone.protocol.publication import DAILY_INDEX, INDEX, window_of
from bluezone.protocol.samples import sample_hash, sample_id_from_qr
from bluezone.venues import package, venues_pb2

TIMEOUT = httpx.Timeout(30.0)
POLL_SECONDS = 3600  # phones spread their checks over the hour
ROLLUP_WORTH_FILES = 24  # behind by more than a day's hourly files: fetch closed days' roll-ups


@dataclass(frozen=True)
class SampleTest:
    """A test the user registered by its form's QR code; the app keeps it until the result comes."""

    registration: str
    registered_at: float
    result: str = "pending"  # pending | positive | negative | invalid
    sample_date: date | None = None
    token: str | None = None  # on a positive result: lets the app share its keys, once


class ServerError(BluezoneError):
    """The server refused a request; `code` is the server's own error code."""

    code = "server_error"


@dataclass
class DownloadState:
    """Which export files this phone has processed (the app keeps it between runs)."""

    seen: set[str] = field(default_factory=set)
    poll_offset: float = field(default_factory=lambda: float(secrets.randbelow(POLL_SECONDS)))


def _paths(index: str, name: str) -> list[str]:
    paths = [line.strip() for line in index.splitlines() if line.strip()]
    for path in paths:
        if ".." in path or path.startswith("/"):
            raise FormatError(f"{name} lists an unsafe path {path!r}", code="bad_index")
    return paths


def next_poll(now: float, every_seconds: float, offset_seconds: float) -> float:
    """When the phone next checks for exports: on its own offset within each period (drawn once at install,
    `DownloadState.poll_offset`), so that millions of phones do not all ask on the hour."""
    periods = (now - offset_seconds) // every_seconds + 1
    return periods * every_seconds + offset_seconds


class ServerClient:
    def __init__(
        self,
        base_url: str,
        device_api_key: str,
        export_public_keys: Sequence[ec.EllipticCurvePublicKey],
        *,
        http: httpx.Client | None = None,
    ) -> None:
        if not export_public_keys:
            raise InvalidInput("the app needs the health authority's export public key", code="no_public_key")
        self.http = http or httpx.Client(base_url=base_url, timeout=TIMEOUT)
        self.api_key = device_api_key
        self.public_keys = list(export_public_keys)

    # ------------------------------------------------------------ downloads

    def new_exports(self, state: DownloadState, now: float) -> list[list[ExposureKey]]:
        """Keys of every export file listed since the last call, each file verified first. A phone behind
        by more than a day's files fetches the closed days' roll-ups instead of their hourly files."""
        hourly = [p for p in _paths(self._get(f"/exports/{INDEX}").text, INDEX) if p not in state.seen]
        batches = []
        if len(hourly) > ROLLUP_WORTH_FILES:
            for daily in _paths(self._get(f"/exports/{DAILY_INDEX}").text, DAILY_INDEX):
                start, end = window_of(daily)
                covered = [p for p in hourly if start <= window_of(p)[0] < end]
                if daily in state.seen or len(covered) < 2:
                    continue
                batches.append(self._keys_of(daily, now))
                state.seen.update([daily, *covered])
            hourly = [p for p in hourly if p not in state.seen]
        for path in hourly:
            batches.append(self._keys_of(path, now))
            state.seen.add(path)
        return batches

    def _keys_of(self, path: str, now: float) -> list[ExposureKey]:
        archive = ex.read_verified_archive(
            self._get(f"/exports/{path}").content, self.public_keys, now_interval=interval_number(now)
        )
        return archive.batch.keys + archive.batch.revised_keys

    def new_venue_reports(self, state: DownloadState) -> list[venues_pb2.CheckInProtectedReport]:
        """Reports of risky stays from every venue package listed since the last call, each verified first."""
        index = self._get(f"/exports/{package.PACKAGES}/{package.INDEX}").text
        found: list[venues_pb2.CheckInProtectedReport] = []
        for path in (line.strip() for line in index.splitlines()):
            if not path or path in state.seen:
                continue
            if ".." in path or path.startswith("/"):
                raise FormatError(f"the venue index lists an unsafe path {path!r}", code="bad_index")
            body = package.read_verified_package(self._get(f"/exports/{path}").content, self.public_keys)
            found.extend(body.check_in_protected_reports)
            state.seen.add(path)
        return found

    def new_config(self, keys: Mapping[str, ec.EllipticCurvePublicKey], newer_than: int) -> AppConfig | None:
        """The health authority's configuration, if one newer than the phone's is published; verified with
        the configuration key the app was built with (not the export key) before anything is taken from it."""
        response = self.http.get(f"/exports/{CONFIG_FILE}")
        if response.status_code == 404:
            return None  # none published yet: the app's own
        if response.status_code != 200:
            raise ServerError(f"GET {CONFIG_FILE} answered {response.status_code}", code="download_failed")
        try:
            return read_config(response.content, keys, newer_than)
        except InvalidInput:  # not newer: an old file served again changes nothing
            return None

    def local_levels(self, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> dict[str, LocalLevel]:
        """The epidemic levels by area, verified with the configuration key; none before any is set."""
        response = self.http.get(f"/exports/{LEVELS_FILE}")
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            raise ServerError(f"GET {LEVELS_FILE} answered {response.status_code}", code="download_failed")
        return read_levels(response.content, keys)

    # ------------------------------------------------------------ uploads

    def upload(self, code: str, bundle: UploadBundle, realm_code: str) -> int:
        """verify → certificate → publish; return how many keys the server stored."""
        verified = self._post("/api/verify", {"code": code}, api_key=True)
        return self.upload_with_token(str(verified["token"]), bundle, realm_code)

    def upload_with_token(self, token: str, bundle: UploadBundle, realm_code: str) -> int:
        """certificate → publish, with the token a code or a positive lab result gave."""
        certificate = self._post(
            "/api/certificate", {"token": token, "ekeyhmac": bundle.tekmac}, api_key=True
        )["certificate"]
        published = self._post(
            "/v1/publish",
            {
                "temporaryExposureKeys": [
                    {
                        "key": base64.b64encode(k.key_data).decode(),
                        "rollingStartNumber": k.rolling_start_interval_number,
                        "rollingPeriod": k.rolling_period,
                        "transmissionRisk": k.transmission_risk_level,
                    }
                    for k in bundle.keys
                ],
                "healthAuthorityID": realm_code,
                "verificationPayload": certificate,
                "hmacKey": base64.b64encode(bundle.hmac_key).decode(),
                "checkInProtectedReports": [base64.b64encode(r).decode() for r in bundle.check_ins],
            },
        )
        return int(published["insertedExposures"])

    def register_sample(self, qr_text: str, now: float) -> SampleTest:
        """The user scanned the QR code on their test form: register the sample (its id's hash only)."""
        hashed = sample_hash(sample_id_from_qr(qr_text))
        answer = self._post("/api/tests/register", {"sampleHash": hashed}, api_key=True)
        return SampleTest(registration=str(answer["registration"]), registered_at=now)

    def check_sample(self, test: SampleTest) -> SampleTest:
        """Ask for the sample's result; on a positive one, the answer carries the upload's token."""
        answer = self._post("/api/tests/result", {"registration": test.registration}, api_key=True)
        day = answer.get("sampleDate")
        return replace(
            test,
            result=str(answer["result"]),
            sample_date=None if day is None else date.fromisoformat(day),
            token=answer.get("token") or test.token,
        )

    def self_report(self, number: str, test_date: date, symptom_date: date | None = None) -> None:
        """The user reports a positive rapid test: the server texts a code to their number (which confirms
        it); the app then reads the text (`protocol.sms.verify_text`) and uploads with its code."""
        body = {"phone": number, "testDate": test_date.isoformat()}
        if symptom_date is not None:
            body["symptomDate"] = symptom_date.isoformat()
        self._post("/api/self-report", body, api_key=True, expect=202)

    def declare(self, realm_code: str, details: dict[str, str]) -> None:
        """Send the user's contact details to their province's follow-up queue (only when they choose to)."""
        self._post("/api/declarations", {"realm": realm_code, **details}, api_key=True, expect=202)

    def report_activity(self, kind: str, commune_code: str, token: bytes) -> None:
        """The install (once) or today's activity, for the campaign's counts: no identifier, a day's token."""
        body = {"kind": kind, "communeCode": commune_code, "token": base64.b64encode(token).decode()}
        self._post("/api/campaign/activity", body, api_key=True, expect=202)

    def facilities(self, realm_code: str) -> FacilityDirectory:
        """The province's health facilities, for the alert screen."""
        listed = self._get(f"/api/facilities/{realm_code}").json()
        return FacilityDirectory(
            Facility(f["name"], f["address"], f["phone"], f["districtCode"], f["communeCode"]) for f in listed
        )

    def chaff(self) -> None:
        """A fake upload, the same three requests as a real one (verify, certificate, publish) with the same
        key and sizes; the server answers alike and stores nothing."""
        code = "".join(secrets.choice("0123456789") for _ in range(8))
        token = self._post("/api/verify", {"code": code}, api_key=True, chaff=True)["token"]
        mac = base64.b64encode(secrets.token_bytes(32)).decode()
        certificate = self._post(
            "/api/certificate", {"token": token, "ekeyhmac": mac}, api_key=True, chaff=True
        )
        fake_keys = [
            {"key": base64.b64encode(secrets.token_bytes(16)).decode(), "rollingStartNumber": 0}
        ] * 14
        body = {
            "temporaryExposureKeys": fake_keys,
            "healthAuthorityID": "chaff",
            "verificationPayload": certificate["certificate"],
            "hmacKey": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        self._post("/v1/publish", body, chaff=True)

    def chaff_result_poll(self) -> None:
        """A fake result poll, as a phone with no test sends now and then: on the wire, like a real one."""
        self._post("/api/tests/result", {"registration": secrets.token_urlsafe(24)}, api_key=True, chaff=True)

    # ------------------------------------------------------------ plumbing

    def _get(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        if response.status_code != 200:
            raise ServerError(f"GET {path} answered {response.status_code}", code="download_failed")
        return response

    def _post(
        self,
        path: str,
        body: dict[str, Any],
        *,
        api_key: bool = False,
        chaff: bool = False,
        expect: int = 200,
    ) -> dict[str, Any]:
        headers = {"X-API-Key": self.api_key} if api_key else {}
        if chaff:
            headers["X-Chaff"] = "1"
        body = {
            **body,
            "padding": base64.b64encode(secrets.token_bytes(secrets.randbelow(512) + 512)).decode(),
        }
        response = self.http.post(path, json=body, headers=headers)
        payload: dict[str, Any] = response.json()
        if response.status_code != expect:
            raise ServerError(
                f"{path}: {payload.get('error', response.status_code)}", code=str(payload.get("code"))
            )
        return payload


def sync_and_check(phone: Phone, client: ServerClient, state: DownloadState) -> list[ExposureCheck]:
    """Download what is new and match each file against the phone's log."""
    return [phone.check(keys) for keys in client.new_exports(state, phone.clock.now())]
