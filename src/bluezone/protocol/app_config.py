"""The configuration phones follow, signed by the health authority with a key of its own (not the export
key): risk settings, F1/F2 isolation rules, the texts of the alert screens, the oldest app version still
allowed, and an emergency stop. Pure: no I/O.

The file is a signed JSON document (protocol/signed_json.py) named `config`. A phone takes a file only if
it verifies and its version is newer than the one it has, so an old file served again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.errors import FormatError, InvalidInput
from bluezone.protocol import signed_json

CONFIG_FILE = "app-config.json"  # beside the exports: the CDN serves it, phones fetch it with them
VERSION_TEXT = re.compile(r"^\d{1,3}(\.\d{1,3}){0,2}$")
MAX_TEXT = 1000
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Isolation:
    """What an alert asks of its person, as Viet Nam's rules stood (they changed many times in 2021–22)."""

    f1_days: int = 14  # from the day of contact
    f1_at_home: bool = False  # False: a quarantine facility, as in 2020
    f1_test_days: tuple[int, ...] = (1, 7, 14)  # days after the contact on which an F1 is tested
    f2_days: int = 14  # an F2 watches their health (or isolates at home) this long; 0: nothing asked


@dataclass(frozen=True)
class AppConfig:
    version: int
    f1_minutes: int = 15  # within about 2 m for this long in a day makes an F1
    self_report_weight: float = 0.8
    isolation: Isolation = field(default_factory=Isolation)
    # Alert instructions replacing the app's own, by language; empty: the app's texts.
    f1_instructions: Mapping[str, str] = field(default_factory=dict)
    f2_instructions: Mapping[str, str] = field(default_factory=dict)
    min_app_version: str = "1.0.0"
    emergency_stop: bool = False  # the app stops exposure notifications and says why

    def __post_init__(self) -> None:
        _check(1 <= self.version <= 2**31 - 1, "version must be a positive number", "bad_config_version")
        _check(5 <= self.f1_minutes <= 60, "F1 minutes must be 5 to 60", "bad_f1_minutes")
        _check(0.0 <= self.self_report_weight <= 1.0, "the self-report weight is 0 to 1", "bad_weight")
        rules = self.isolation
        _check(0 <= rules.f1_days <= 28 and 0 <= rules.f2_days <= 28, "isolation is 0 to 28 days", "bad_days")
        _check(
            all(0 <= d <= rules.f1_days for d in rules.f1_test_days) and len(rules.f1_test_days) <= 10,
            "test days fall within the F1's isolation",
            "bad_test_days",
        )
        for texts in (self.f1_instructions, self.f2_instructions):
            _check(
                set(texts) <= set(LANGUAGES) and all(len(t) <= MAX_TEXT for t in texts.values()),
                f"instructions are in vi or en, at most {MAX_TEXT} characters",
                "bad_instructions",
            )
        _check(
            bool(VERSION_TEXT.match(self.min_app_version)), "an app version is like 2.1.0", "bad_app_version"
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["isolation"]["f1_test_days"] = list(self.isolation.f1_test_days)
        data["f1_instructions"], data["f2_instructions"] = (
            dict(self.f1_instructions),
            dict(self.f2_instructions),
        )
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AppConfig:
        """A config from its JSON, every field checked; InvalidInput naming what is wrong."""
        try:
            rules = dict(data.get("isolation") or {})
            rules["f1_test_days"] = tuple(int(d) for d in rules.get("f1_test_days", Isolation.f1_test_days))
            fields = {k: v for k, v in data.items() if k != "isolation"}
            return cls(**{**fields, "isolation": Isolation(**rules)})
        except (TypeError, ValueError) as error:
            raise InvalidInput(f"the configuration is not well formed: {error}", code="bad_config") from None


def _check(ok: bool, message: str, code: str) -> None:
    if not ok:
        raise InvalidInput(message, code=code)


def canonical(config: AppConfig) -> bytes:
    return signed_json.canonical(config.as_json())


def sign_config(config: AppConfig, key: ec.EllipticCurvePrivateKey) -> bytes:
    """The file phones download."""
    return signed_json.sign_document("config", config.as_json(), key)


def read_config(data: bytes, keys: Mapping[str, ec.EllipticCurvePublicKey], newer_than: int = 0) -> AppConfig:
    """A downloaded file's config, if it verifies and is newer than `newer_than`: FormatError for a file
    that is not one, SignatureError for a wrong signature or an unknown key, InvalidInput for an old one."""
    document = signed_json.read_document("config", data, keys)
    try:
        config = AppConfig.from_json(document)
    except InvalidInput:
        raise FormatError(
            "the configuration file holds no valid configuration", code="bad_config_file"
        ) from None
    if config.version <= newer_than:
        raise InvalidInput(
            f"configuration {config.version} is not newer than {newer_than}", code="config_old"
        )
    return config


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))
