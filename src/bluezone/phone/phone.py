"""One phone running the app: it advertises rotating IDs, logs what it hears, matches published keys,
raises F1/F2 alerts and, only when its user acts with a health-authority code, prepares its keys for upload.

Every moment comes from the injected clock; nothing here opens a socket.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from bluezone import __version__
from bluezone.clock import Clock, local_date
from bluezone.errors import InvalidInput
from bluezone.phone.alerts import Alert, alerts_from_risk, no_exposure_text
from bluezone.phone.facilities import FacilityDirectory
from bluezone.phone.guidance import countdown, follow
from bluezone.phone.storage import PhoneStore, SqliteStore
from bluezone.protocol import keys as crypto
from bluezone.protocol import tekmac
from bluezone.protocol.app_config import AppConfig, version_tuple
from bluezone.protocol.backend import CryptoBackend, default_backend
from bluezone.protocol.ble import Metadata, encode_advertisement, parse_advertisement
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.intervals import (
    DAY_SECONDS,
    ROLLING_PERIOD,
    date_to_interval,
    day_start_interval,
    interval_number,
)
from bluezone.protocol.matching import DiagnosisKeys, SightingIndex
from bluezone.risk.calibration import CalibrationTable, attenuation, bundled_table
from bluezone.risk.config import RiskConfig
from bluezone.risk.presets import preset
from bluezone.risk.scoring import DailyRisk, Level, daily_risk, no_risk
from bluezone.risk.windows import exposure_windows
from bluezone.texts import Language, text

RETENTION_DAYS = 14
INFECTIOUS_DAYS_BEFORE_ONSET = 2


@dataclass(frozen=True)
class UploadBundle:
    """What the phone sends after its user enters a code and agrees: keys, and the MAC that binds them."""

    keys: list[ExposureKey]
    hmac_key: bytes  # random per upload; sent to the publish server, never to the verification server
    tekmac: str  # sent to the verification server to get a certificate for exactly these keys (and stays)
    check_ins: tuple[bytes, ...] = ()  # venue stays the user chose to share: serialised protected reports


@dataclass(frozen=True)
class ExposureCheck:
    """The outcome of matching one download of diagnosis keys."""

    new_alerts: list[Alert]  # alerts not shown before
    risk: DailyRisk  # every scored day of exposure
    keys_checked: int
    matched_sightings: int
    checked_at: float

    paused: bool = False  # the health authority's emergency stop: nothing was matched

    def summary(self, language: Language = "vi") -> str:
        if self.paused:
            return text("config.paused", language)
        if self.new_alerts:
            today = local_date(self.checked_at)
            return "\n\n".join(alert.render(language, today) for alert in self.new_alerts)
        return no_exposure_text(self.keys_checked, self.checked_at, language)


class Phone:
    def __init__(
        self,
        clock: Clock,
        *,
        model: str = "",
        store: PhoneStore | None = None,
        calibration: CalibrationTable | None = None,
        risk: RiskConfig | None = None,
        facilities: FacilityDirectory | None = None,
        district_code: str | None = None,
        commune_code: str | None = None,
        backend: CryptoBackend | None = None,
    ) -> None:
        self.clock = clock
        self.model = model
        self.store = store if store is not None else SqliteStore()
        self.calibration = (calibration or bundled_table()).lookup(model)
        self.base_risk = risk or preset("bluezone")
        self.config = AppConfig(version=1)  # the app's built-in configuration until a signed one arrives
        self.risk = follow(self.config, self.base_risk)
        self.facilities = facilities or FacilityDirectory()
        self.district_code = district_code
        self.commune_code = commune_code
        self.backend = backend or default_backend()
        self._metadata = Metadata(tx_power=self.calibration.tx_power).to_bytes()
        self._derived: dict[bytes, tuple[bytes, bytes]] = {}  # TEK → (RPIK, AEMK), today's only
        self._activity_day: int | None = None
        self._activity_tokens: dict[str, bytes] = {}

    # ------------------------------------------------------------ configuration

    def apply_config(self, config: AppConfig) -> None:
        """Follow a configuration the app has verified (phone/client.py fetches and checks it)."""
        self.config = config
        self.risk = follow(config, self.base_risk)

    def must_update(self, app_version: str = __version__) -> bool:
        """Whether this app is older than the oldest version the health authority still allows."""
        return version_tuple(app_version) < version_tuple(self.config.min_app_version)

    # ------------------------------------------------------------ advertising

    def current_key(self) -> ExposureKey:
        """Today's TEK (UTC day), made from fresh randomness the first time it is needed."""
        start = day_start_interval(interval_number(self.clock.now()))
        for stored_start, key, period in self.store.teks():
            if stored_start == start:
                return ExposureKey(key, start, period)
        key = crypto.new_tek()
        self.store.put_key(start, key, ROLLING_PERIOD)
        self._derived.clear()
        return ExposureKey(key, start, ROLLING_PERIOD)

    def broadcast_ids(self) -> tuple[bytes, bytes]:
        """(RPI, AEM) for the current 10-minute interval."""
        tek = self.current_key().key_data
        if tek not in self._derived:
            self._derived = {tek: (crypto.rpik(tek), crypto.aemk(tek))}
        rpik, aemk = self._derived[tek]
        rpi = crypto.rpi(rpik, interval_number(self.clock.now()))
        return rpi, crypto.aem(aemk, rpi, self._metadata)

    def advertisement(self) -> bytes:
        """The 31-byte BLE advertisement to send now."""
        return encode_advertisement(*self.broadcast_ids())

    # ------------------------------------------------------------ scanning

    def hear(self, payload: bytes, rssi: int) -> None:
        """Log one received exposure-notification advertisement."""
        rpi, aem = parse_advertisement(payload)
        self.store.add_sightings([self.clock.now()], [rpi], [aem], [int(rssi)])

    def hear_scan(
        self, rpis: Sequence[bytes], aems: Sequence[bytes], times: Sequence[float], rssi: Sequence[int]
    ) -> None:
        """Log a whole scan's worth of packets at once."""
        self.store.add_sightings(list(map(float, times)), list(rpis), list(aems), list(map(int, rssi)))

    # ------------------------------------------------------------ retention

    def housekeeping(self) -> int:
        """Delete keys, sightings and alert records older than 14 days; return how many rows went."""
        now = self.clock.now()
        oldest_day = day_start_interval(interval_number(now)) - RETENTION_DAYS * ROLLING_PERIOD
        return self.store.purge(oldest_day, now - RETENTION_DAYS * DAY_SECONDS)

    # ------------------------------------------------------------ matching

    def check(self, diagnosis_keys: DiagnosisKeys | Sequence[ExposureKey]) -> ExposureCheck:
        """Match verified, downloaded diagnosis keys against the log and raise any new F1/F2 alerts."""
        keys = (
            diagnosis_keys
            if isinstance(diagnosis_keys, DiagnosisKeys)
            else DiagnosisKeys.from_keys(diagnosis_keys)
        )
        self.housekeeping()
        now = self.clock.now()
        if self.config.emergency_stop:  # the health authority paused notifications: nothing is matched
            return ExposureCheck([], no_risk(), len(keys), 0, now, paused=True)
        sightings = self.store.sightings(self.model)
        matches = SightingIndex(sightings, self.backend).match(keys)
        att = attenuation(
            matches.tx_power, sightings.rssi[matches.sighting], self.calibration.rssi_correction
        )
        windows = exposure_windows(
            np.zeros(len(matches), dtype=np.int64),
            matches.key,
            sightings.time[matches.sighting],
            att,
            self.risk,
        )
        risk = daily_risk(windows, keys, self.risk, today=int(now // DAY_SECONDS))
        facilities = self.facilities.in_district(self.district_code, self.commune_code)
        already = self.store.alerted()
        fresh = []
        for alert in alerts_from_risk(risk, self.risk, facilities):
            day = alert.utc_day
            if (day, int(alert.level)) in already or (
                alert.level is Level.F2 and (day, int(Level.F1)) in already
            ):
                continue
            self.store.mark_alerted(day, int(alert.level))
            fresh.append(self._guided(alert))
        return ExposureCheck(fresh, risk, len(keys), len(matches), now)

    def _guided(self, alert: Alert) -> Alert:
        """The alert with the configuration's instructions and the isolation its rules ask."""
        config = self.config
        instructions = config.f1_instructions if alert.level is Level.F1 else config.f2_instructions
        return replace(
            alert,
            instructions_by_language=instructions,
            isolation=countdown(alert.level, alert.exposure_date, config.isolation),
        )

    # ------------------------------------------------------------ campaign counts

    def activity_token(self, kind: str) -> bytes:
        """A random token for today's install or activity report: the same on a retry today, a new one
        tomorrow, so the server counts the phone once a day and can never link two days."""
        day = int(self.clock.now() // DAY_SECONDS)
        if self._activity_day != day:
            self._activity_day, self._activity_tokens = day, {}
        return self._activity_tokens.setdefault(kind, secrets.token_bytes(16))

    # ------------------------------------------------------------ upload

    def prepare_upload(self, onset_or_test: date, check_ins: Sequence[bytes] = ()) -> UploadBundle:
        """Keys of the infectious window: from 2 days before symptom onset (or the test) until today, and
        the venue stays of that window if the user also agreed to share them (`CheckInBook.reports_since`).

        The app calls this only after its user has entered a health-authority code and agreed to share.
        """
        today = _utc_date(self.clock.now())
        if onset_or_test > today:
            raise InvalidInput("the onset or test date is in the future", code="date_in_future")
        first = date_to_interval(onset_or_test - timedelta(days=INFECTIOUS_DAYS_BEFORE_ONSET))
        self.current_key()
        chosen = [
            ExposureKey(key, start, period) for start, key, period in self.store.teks() if start >= first
        ]
        hmac_key = secrets.token_bytes(32)
        stays = tuple(check_ins)
        return UploadBundle(chosen, hmac_key, tekmac.tekmac(hmac_key, chosen, check_ins=stays), stays)


def _utc_date(unix_seconds: float) -> date:
    return date(1970, 1, 1) + timedelta(days=int(unix_seconds // DAY_SECONDS))
