"""The schema. Times are integer Unix seconds; secrets are stored only as keyed hashes or encrypted."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integers on both databases: a larger one names no row


class Base(DeclarativeBase):
    # Named constraints, the same on SQLite and PostgreSQL, so later migrations can refer to them.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Realm(Base):
    """One province health department."""

    __tablename__ = "realms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)
    province_code: Mapped[str | None] = mapped_column(String(2), unique=True, nullable=True)  # GSO


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"))
    kind: Mapped[str] = mapped_column(String(16))  # admin | device | stats | lab
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    label: Mapped[str] = mapped_column(String(16))  # the key's first characters, to recognise it in lists
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id"), nullable=True)  # a lab key's lab


class SigningKey(Base):
    """A realm's ES256 key for verification certificates; the private half encrypted with a server secret."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"))
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_pem: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean)


class VerificationCode(Base):
    __tablename__ = "verification_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"))
    # 10^8 short codes recur over time: unique only among active codes (checked when issuing).
    short_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    long_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    test_type: Mapped[str] = mapped_column(String(16))
    symptom_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    test_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    issued_at: Mapped[int] = mapped_column(BigInteger, index=True)
    short_expires_at: Mapped[int] = mapped_column(BigInteger)
    long_expires_at: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    token_used_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    expired_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who gave it: a case worker (by hand or through an admin key), or a lab's positive result.
    source: Mapped[str] = mapped_column(String(16), default="case_worker", server_default="case_worker")


class VerifyFailures(Base):
    """Wrong codes per device key per hour: watched (metrics, log, console), never a reason to refuse, since
    every phone of a realm shares its key."""

    __tablename__ = "verify_failures"
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), primary_key=True)
    hour: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)


class GuessCount(Base):
    """Wrong codes per client per hour, the client known only by a keyed hash of its address (kept two hours):
    the guessing throttle."""

    __tablename__ = "guess_counts"
    client: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    hour: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)


class Exposure(Base):
    """A published Temporary Exposure Key. `created_at` is truncated to the hour, or embargoed."""

    __tablename__ = "exposures"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key_data: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    rolling_start: Mapped[int] = mapped_column(Integer)
    rolling_period: Mapped[int] = mapped_column(SmallInteger)
    transmission_risk: Mapped[int] = mapped_column(SmallInteger)
    report_type: Mapped[int] = mapped_column(SmallInteger)
    days_since_onset: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"))
    created_at: Mapped[int] = mapped_column(BigInteger, index=True)
    # Set when a window too small to publish carried the key on into a later one (`created_at` moved there):
    # when it was first due, so that the hold ends after `export_hold_max_hours`.
    held_since: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # A later test can change the report type once (an F1 found positive, a likely case confirmed or
    # cleared); the revision is exported, in `revised_keys`, in the window `revised_at` falls in.
    revised_report_type: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    revised_days_since_onset: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    revised_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class ExportWindow(Base):
    """One export window. `lease_until` lets a second exporter take over one that died midway."""

    __tablename__ = "export_batches"
    __table_args__ = (UniqueConstraint("start_ts", "end_ts"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_ts: Mapped[int] = mapped_column(BigInteger)
    end_ts: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(16))  # open | complete
    lease_until: Mapped[int] = mapped_column(BigInteger)
    key_count: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ExportFile(Base):
    __tablename__ = "export_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("export_batches.id"))
    path: Mapped[str] = mapped_column(String(200), unique=True)
    batch_num: Mapped[int] = mapped_column(Integer)
    batch_size: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)  # keys in the file, padding included


class Declaration(Base):
    """An alerted user's contact details for their province's follow-up queue, sealed with the realm's key."""

    __tablename__ = "declarations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))  # new | code_issued | closed
    delete_after: Mapped[int] = mapped_column(BigInteger, index=True)


class AuditEntry(Base):
    """Who read or acted on personal data, and when; ids only, never the data itself."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    at: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    declaration_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Lab(Base):
    """A laboratory or testing site that sends results, with its own API keys and staff."""

    __tablename__ = "labs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)


class LabResult(Base):
    """A sample's result, found by the keyed hash of its sample id's hash: the server never keeps the id."""

    __tablename__ = "lab_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    result: Mapped[str] = mapped_column(String(8))  # positive | negative | invalid
    sample_date: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[int] = mapped_column(BigInteger, index=True)


class SampleRegistration(Base):
    """A phone's claim on a sample (from the QR code on its form), reached by the phone's registration
    token; `code_id` is the upload authorisation a positive result gave."""

    __tablename__ = "sample_registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    sample_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"))
    registered_at: Mapped[int] = mapped_column(BigInteger, index=True)
    code_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SmsCount(Base):
    """Texts sent, and texts the SMS centre refused or could not take (`failures`), per realm and UTC day."""

    __tablename__ = "sms_counts"
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent: Mapped[int] = mapped_column(Integer)
    failures: Mapped[int] = mapped_column(Integer)


class SelfReport(Base):
    """A phone number that self-reported a positive rapid test, known only by a keyed hash, kept for the
    de-duplication period: one self-report per number in that time."""

    __tablename__ = "self_reports"
    phone_key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    reported_at: Mapped[int] = mapped_column(BigInteger, index=True)


class AppConfigVersion(Base):
    """A version of the configuration phones follow: proposed by one person, published only once another
    approves it (or rejected); the signed file is what phones download."""

    __tablename__ = "app_config_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[str] = mapped_column(String(20_000))  # the config's canonical JSON
    status: Mapped[str] = mapped_column(String(16))  # proposed | published | rejected | replaced
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[int] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)  # why, as the proposer says


class AreaLevel(Base):
    """A province's or commune's epidemic level (Resolution 128/NQ-CP: 1 low to 4 very high), with its cases
    in the last 7 days, as its health department set them; published signed for phones."""

    __tablename__ = "area_levels"
    area_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    cases_7d: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[int] = mapped_column(BigInteger)


class Facility(Base):
    """A health facility an alert points people to."""

    __tablename__ = "facilities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(20))
    district_code: Mapped[str] = mapped_column(String(8))
    commune_code: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """Someone who signs in to the console: case worker, realm admin or viewer of a realm, or system admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int | None] = mapped_column(ForeignKey("realms.id"), nullable=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)
    disabled_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # signs in no more
    last_sign_in_at: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True
    )  # shown to the realm's admin
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary(128), nullable=True)  # sealed; admins'
    # A campaign official's part of the campaign: "area:CODE" or "unit:ID"; none means the whole country.
    scope: Mapped[str | None] = mapped_column(String(16), nullable=True)
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id"), nullable=True)  # lab staff's lab


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    # Signed in with the password only: an admin's session is good for the second factor alone until then.
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class RecoveryCode(Base):
    """One-use codes an admin keeps on paper for a lost authenticator; only their keyed hashes are stored."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    used_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class SignInFailures(Base):
    """Wrong passwords per subject (an account from one client, or one client on any account), known only
    by a keyed hash: each failure past a few doubles the wait before the next try. Kept a day."""

    __tablename__ = "sign_in_failures"
    subject: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[int] = mapped_column(BigInteger, index=True)


class AccountEvent(Base):
    """Who changed a console account, and how: created, disabled, enabled, password reset."""

    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(64), index=True)


class PublishEvent(Base):
    """One successful upload, for statistics only: no identifier, no key, no address."""

    __tablename__ = "publish_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    day: Mapped[int] = mapped_column(Integer, index=True)  # UTC day number
    keys: Mapped[int] = mapped_column(SmallInteger)
    key_ages: Mapped[str] = mapped_column(
        String(120)
    )  # days between each key and the upload, space-separated
    onset_to_upload: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)


class CampaignCount(Base):
    """Installs (and optionally smartphone subscribers and active phones) of one area as of one moment, as
    carriers or the counting service report them. Aggregates only: no identifier of any phone."""

    __tablename__ = "campaign_counts"
    __table_args__ = (
        UniqueConstraint("as_of", "structure", "area_code"),
        Index("ix_campaign_counts_area_code_as_of", "area_code", "as_of"),  # an area's history
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[int] = mapped_column(BigInteger, index=True)  # unix seconds
    structure: Mapped[str] = mapped_column(String(4))  # 2008 | 2025
    level: Mapped[str] = mapped_column(String(8))
    area_code: Mapped[str] = mapped_column(String(5))
    installs: Mapped[int] = mapped_column(BigInteger)
    smartphones: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    active: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    population: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # imported denominators


class ActivityReceipt(Base):
    """A phone's one-day token, kept as a keyed hash only until its day is closed, so that a phone reporting
    twice is counted once. The token is fresh each day: receipts of two days cannot be linked."""

    __tablename__ = "activity_receipts"
    __table_args__ = (UniqueConstraint("day", "kind", "token_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, index=True)  # Viet Nam's day number (UTC+7)
    kind: Mapped[str] = mapped_column(String(8))  # install | active
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # Where the phone's user lives, counted when the day closes (no shared counter row to update per report).
    structure: Mapped[str | None] = mapped_column(String(4), nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String(5), nullable=True)


class ActivityCount(Base):
    """Distinct phones per commune, day and kind."""

    __tablename__ = "activity_counts"
    __table_args__ = (UniqueConstraint("day", "kind", "structure", "commune_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(8))
    structure: Mapped[str] = mapped_column(String(4))
    commune_code: Mapped[str] = mapped_column(String(5))
    phones: Mapped[int] = mapped_column(BigInteger)


class ActivityDay(Base):
    """A day whose counts went into the campaign's snapshots and whose receipts were deleted."""

    __tablename__ = "activity_days"
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_at: Mapped[int] = mapped_column(BigInteger)


class Unit(Base):
    """An agency, business, school, hospital, post office… in one area, possibly inside a parent unit."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    structure: Mapped[str] = mapped_column(String(4))
    area_code: Mapped[str] = mapped_column(String(5), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    report_every_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    created_at: Mapped[int] = mapped_column(BigInteger)


class UnitReport(Base):
    """What a unit's reporter declared as of one day: staff, those with a smartphone, those with the app."""

    __tablename__ = "unit_reports"
    __table_args__ = (UniqueConstraint("unit_id", "as_of_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    as_of_day: Mapped[int] = mapped_column(Integer)  # Viet Nam's day number
    staff: Mapped[int] = mapped_column(Integer)
    smartphone_holders: Mapped[int] = mapped_column(Integer)
    installed: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[int] = mapped_column(BigInteger)


class Target(Base):
    """A rate to reach by a date: an area's share of population or smartphones, or a unit's of staff."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("subject", "basis"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))  # "area:01" or "unit:17"
    basis: Mapped[str] = mapped_column(String(12))  # population | smartphones | staff
    rate_percent: Mapped[float] = mapped_column(Float)
    start_day: Mapped[int] = mapped_column(Integer)
    by_day: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Venue(Base):
    """A registered venue and the signed code printed on its poster (its identity for check-in reports)."""

    __tablename__ = "venues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[str] = mapped_column(String(12), unique=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(100))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    visit_minutes: Mapped[int] = mapped_column(SmallInteger)
    payload: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[int] = mapped_column(BigInteger)


class CheckInReport(Base):
    """A protected report of a stay at a risky venue: the server cannot read it, only publish it."""

    __tablename__ = "check_in_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    report: Mapped[bytes] = mapped_column(LargeBinary(160))  # a serialised CheckInProtectedReport
    available_at: Mapped[int] = mapped_column(BigInteger, index=True)  # the hour it joins a package


class HealthDeclaration(Base):
    """A voluntary or an entry declaration, sealed for the province it concerns; deleted after retention."""

    __tablename__ = "health_declarations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm_id: Mapped[int] = mapped_column(ForeignKey("realms.id"), index=True)
    kind: Mapped[str] = mapped_column(String(9))  # voluntary | entry
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    arrival_day: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # entry only
    receipt_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    delete_after: Mapped[int] = mapped_column(BigInteger, index=True)


class ServerSecret(Base):
    """One of the server's secrets sealed under the master key (when `BZ_MASTER_KEY` is set), so that app
    processes on different machines share them through the database alone."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[int] = mapped_column(BigInteger)
