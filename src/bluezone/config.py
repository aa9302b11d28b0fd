"""The one configuration object: `BZ_*` environment variables and an optional TOML file, checked at start."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bluezone.errors import InvalidInput


class Settings(BaseSettings):
    """Every setting, with its environment variable `BZ_<NAME>`; docs/operations.md has the table."""

    model_config = SettingsConfigDict(env_prefix="BZ_", extra="forbid")

    data_dir: Path = Field(Path("bluezone-data"), description="SQLite file, export files and secrets")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite in the data directory")
    master_key: str | None = Field(
        None,
        description="Keep the secrets in the database sealed under this key (32 bytes, base64); none: files",
    )
    kms_key_id: str | None = Field(
        None, description="Seal the secrets in the database with this key of a KMS (AWS KMS's API) instead"
    )
    kms_endpoint: str | None = Field(None, description="The KMS's URL (none: AWS's, from the region)")
    migrate_at_start: bool = Field(
        True,
        description="Migrate the schema when a process starts; false: `bluezone db upgrade` does it once",
    )
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Serve /metrics on this port of metrics_host only, not the public one",
    )
    metrics_host: str = Field("127.0.0.1", description="Where the metrics port listens")
    log_format: str = Field("text", pattern="^(text|json)$", description="text, or json: one object a line")
    region: str = Field("452", description="Export region (Viet Nam's mobile country code)")
    export_period_seconds: int = Field(3600, ge=600, description="Length of one export window")
    export_schedule_seconds: int = Field(300, ge=10, description="How often `serve` runs the exporter")
    export_min_records: int = Field(1000, ge=0, description="Pad smaller non-empty batches with fake keys")
    export_padding_jitter: int = Field(100, ge=0, description="Plus a random 0..N more fake keys")
    export_max_records: int = Field(500_000, ge=1, description="Split larger batches into several files")
    export_min_keys: int = Field(
        0, ge=0, description="Hold a window's keys back into the next until this many (CWA: 140); 0: never"
    )
    export_hold_max_hours: int = Field(
        24, ge=1, le=72, description="Publish held keys after this long however few (padded)"
    )
    exports_store: str = Field(
        "local", description="Where export files go: local (the data directory) or s3://bucket[/prefix]"
    )
    s3_endpoint: str | None = Field(None, description="The S3-compatible service's URL (none: AWS)")
    s3_region: str | None = Field(None, description="The bucket's region, where the service needs one")
    retention_days: int = Field(
        14, ge=10, le=30, description="Keys, codes and export files are deleted after"
    )
    short_code_minutes: int = Field(15, ge=5, le=60, description="Lifetime of an 8-digit code")
    long_code_hours: int = Field(24, ge=1, le=72, description="Lifetime of a 16-character code")
    certificate_minutes: int = Field(15, ge=1, le=60, description="Lifetime of a verification certificate")
    verify_failures_per_client_hour: int = Field(
        20, ge=1, description="Wrong codes a client (address) may send in an hour before it must wait"
    )
    verify_failures_alert_per_hour: int = Field(
        1000, ge=1, description="Wrong codes with one app key in an hour that raise an alert (not a refusal)"
    )
    codes_per_realm_per_day: int = Field(
        5000, ge=1, description="Codes a realm may issue in a day (Viet Nam's), by hand or by its admin keys"
    )
    lab_results_per_day: int = Field(
        20_000, ge=1, description="Results one lab may send in a day (Viet Nam's)"
    )
    lab_retention_days: int = Field(
        21, ge=1, le=60, description="Lab results and phones' sample registrations are deleted after"
    )
    sms_url: str = Field(
        "none",
        description="Where texts go: none, smpp://ID:PASSWORD@HOST:PORT?from=SENDER, or an https:// gateway",
    )
    sms_token: str | None = Field(None, description="Bearer token for an https:// SMS gateway")
    self_reports_per_realm_per_day: int = Field(
        2000, ge=0, description="Self-reported rapid tests a realm accepts in a day (Viet Nam's); 0: none"
    )
    self_report_dedup_days: int = Field(
        90, ge=1, le=365, description="A phone number may self-report once in this many days"
    )
    trusted_proxies: str = Field(
        "127.0.0.1", description="Addresses whose X-Forwarded-For is believed (uvicorn's forwarded_allow_ips)"
    )
    declaration_retention_days: int = Field(
        30, ge=1, le=90, description="F1 contact details are deleted after"
    )
    stats_minimum: int = Field(10, ge=1, description="A day's statistics are released from this many uploads")

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'bluezone.db').resolve()}"
        return self

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"


def load_settings(toml_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from a TOML file (if given), overridden by `BZ_*` variables, overridden by explicit values."""
    if toml_file is not None and not toml_file.is_file():
        raise InvalidInput(f"settings file {toml_file} does not exist", code="bad_config")

    class FileSettings(Settings):
        model_config = SettingsConfigDict(env_prefix="BZ_", extra="forbid", toml_file=toml_file)

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    try:
        chosen = FileSettings if toml_file is not None else Settings
        return chosen(**{k: v for k, v in overrides.items() if v is not None})
    except (ValidationError, tomllib.TOMLDecodeError) as error:
        if isinstance(error, tomllib.TOMLDecodeError):
            raise InvalidInput(f"settings file {toml_file}: {error}", code="bad_config") from None
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise InvalidInput(f"setting {where}: {first['msg']}", code="bad_config") from None
