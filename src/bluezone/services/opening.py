"""The server's services, opened once: settings, database (migrated), secrets, clock, texts and metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

from bluezone.campaign import activity
from bluezone.clock import Clock, SystemClock
from bluezone.config import Settings
from bluezone.errors import InvalidInput
from bluezone.keyserver.exporter import PUBLIC_KEY, write_index
from bluezone.keyserver.storage import ExportStore, export_store
from bluezone.protocol.publication import DAILY_INDEX
from bluezone.services.metrics import Metrics
from bluezone.sms.senders import NoSender, SmsSender, sender_from_url
from bluezone.store.db import Database
from bluezone.store.group_commit import GroupCommit
from bluezone.store.secrets import ServerSecrets, public_pem
from bluezone.store.vaults import DatabaseVault, DirectoryVault, KmsMasterKey, LocalMasterKey, Vault
from bluezone.venues import registry as venues

SMS_PUBLIC_KEY = "sms-key.pem"
CONFIG_PUBLIC_KEY = "config-key.pem"


@dataclass
class Services:
    settings: Settings
    db: Database
    secrets: ServerSecrets
    exports: ExportStore
    clock: Clock
    sms: SmsSender = field(default_factory=NoSender)
    metrics: Metrics = field(default_factory=Metrics)
    activity_reports: GroupCommit | None = None  # phones' campaign reports, written many to a commit

    def __post_init__(self) -> None:
        if self.activity_reports is None:
            self.activity_reports = GroupCommit(self.db, activity.store_receipts)

    def now(self) -> int:
        return int(self.clock.now())


def vault_for(settings: Settings, db: Database) -> Vault:
    """The database, under a KMS's key or the environment's master key when one is given; else the data
    directory."""
    if settings.master_key is not None and settings.kms_key_id is not None:
        raise InvalidInput("give master_key or kms_key_id, not both", code="bad_master_key")
    if settings.kms_key_id is not None:
        return DatabaseVault(db, KmsMasterKey.connect(settings.kms_key_id, settings.kms_endpoint))
    if settings.master_key is None:
        return DirectoryVault(settings.secrets_dir)
    return DatabaseVault(db, LocalMasterKey.from_setting(settings.master_key))


def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Database migrated, secrets loaded (created on first start), export store ready."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    if settings.migrate_at_start:
        db.migrate()
    else:
        db.require_current()
    secrets_ = ServerSecrets.load_or_create(vault_for(settings, db))
    exports = export_store(settings)
    exports.put(PUBLIC_KEY, secrets_.export_public_pem())
    exports.put(venues.PUBLIC_KEY, venues.public_pem(secrets_))
    exports.put(SMS_PUBLIC_KEY, public_pem(secrets_.sms_key))  # for the app's build, as the export key
    exports.put(CONFIG_PUBLIC_KEY, public_pem(secrets_.config_key))
    venues.write_index(exports)
    write_index(db, exports)  # phones always find an index, even before the first export
    if not exports.names(DAILY_INDEX):
        exports.put(DAILY_INDEX, b"")
    sms = sender_from_url(settings.sms_url, settings.sms_token)
    return Services(settings, db, secrets_, exports, clock or SystemClock(), sms)
