"""The schema of Bluezone 0.1: realms, keys, codes, exports, follow-up, console users, the campaign, venues
and declarations.

The development builds' ten migrations (0001-0010) were folded into this one before the first release; it
keeps the id of their last, so a database they brought to 0010 is already here. Later changes are new
revisions on top of this one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("structure", sa.String(length=4), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("phones", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_counts")),
        sa.UniqueConstraint("day", "kind", "structure", "commune_code", name=op.f("uq_activity_counts_day")),
    )
    op.create_index(op.f("ix_activity_counts_day"), "activity_counts", ["day"], unique=False)
    op.create_table(
        "activity_days",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_activity_days")),
    )
    op.create_table(
        "activity_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_receipts")),
        sa.UniqueConstraint("day", "kind", "token_hash", name=op.f("uq_activity_receipts_day")),
    )
    op.create_index(op.f("ix_activity_receipts_day"), "activity_receipts", ["day"], unique=False)
    op.create_table(
        "campaign_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.BigInteger(), nullable=False),
        sa.Column("structure", sa.String(length=4), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("area_code", sa.String(length=5), nullable=False),
        sa.Column("installs", sa.BigInteger(), nullable=False),
        sa.Column("smartphones", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.BigInteger(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_counts")),
        sa.UniqueConstraint("as_of", "structure", "area_code", name=op.f("uq_campaign_counts_as_of")),
    )
    op.create_index(
        "ix_campaign_counts_area_code_as_of", "campaign_counts", ["area_code", "as_of"], unique=False
    )
    op.create_index(op.f("ix_campaign_counts_as_of"), "campaign_counts", ["as_of"], unique=False)
    op.create_table(
        "export_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_ts", sa.BigInteger(), nullable=False),
        sa.Column("end_ts", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.BigInteger(), nullable=False),
        sa.Column("key_count", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_batches")),
        sa.UniqueConstraint("start_ts", "end_ts", name=op.f("uq_export_batches_start_ts")),
    )
    op.create_index(op.f("ix_export_batches_end_ts"), "export_batches", ["end_ts"], unique=False)
    op.create_table(
        "realms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realms")),
        sa.UniqueConstraint("code", name=op.f("uq_realms_code")),
        sa.UniqueConstraint("province_code", name=op.f("uq_realms_province_code")),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("rate_percent", sa.Float(), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=False),
        sa.Column("by_day", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("subject", "basis", name=op.f("uq_targets_subject")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("structure", sa.String(length=4), nullable=False),
        sa.Column("area_code", sa.String(length=5), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("report_every_days", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name=op.f("fk_units_parent_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
    )
    op.create_index(op.f("ix_units_area_code"), "units", ["area_code"], unique=False)
    op.create_index(op.f("ix_units_parent_id"), "units", ["parent_id"], unique=False)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_api_keys_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_audit_log_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_realm_id"), "audit_log", ["realm_id"], unique=False)
    op.create_table(
        "check_in_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.LargeBinary(length=160), nullable=False),
        sa.Column("available_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name=op.f("fk_check_in_reports_realm_id_realms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_reports")),
    )
    op.create_index(
        op.f("ix_check_in_reports_available_at"), "check_in_reports", ["available_at"], unique=False
    )
    op.create_index(op.f("ix_check_in_reports_realm_id"), "check_in_reports", ["realm_id"], unique=False)
    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("delete_after", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_declarations_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    op.create_index(op.f("ix_declarations_delete_after"), "declarations", ["delete_after"], unique=False)
    op.create_index(op.f("ix_declarations_realm_id"), "declarations", ["realm_id"], unique=False)
    op.create_table(
        "export_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("batch_num", sa.Integer(), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["export_batches.id"], name=op.f("fk_export_files_batch_id_export_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_files")),
        sa.UniqueConstraint("path", name=op.f("uq_export_files_path")),
    )
    op.create_table(
        "exposures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_data", sa.LargeBinary(length=16), nullable=False),
        sa.Column("rolling_start", sa.Integer(), nullable=False),
        sa.Column("rolling_period", sa.SmallInteger(), nullable=False),
        sa.Column("transmission_risk", sa.SmallInteger(), nullable=False),
        sa.Column("report_type", sa.SmallInteger(), nullable=False),
        sa.Column("days_since_onset", sa.SmallInteger(), nullable=True),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("revised_report_type", sa.SmallInteger(), nullable=True),
        sa.Column("revised_days_since_onset", sa.SmallInteger(), nullable=True),
        sa.Column("revised_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_exposures_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposures")),
        sa.UniqueConstraint("key_data", name=op.f("uq_exposures_key_data")),
    )
    op.create_index(op.f("ix_exposures_created_at"), "exposures", ["created_at"], unique=False)
    op.create_index(op.f("ix_exposures_revised_at"), "exposures", ["revised_at"], unique=False)
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("district_code", sa.String(length=8), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_facilities_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
    )
    op.create_index(op.f("ix_facilities_realm_id"), "facilities", ["realm_id"], unique=False)
    op.create_table(
        "health_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=9), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("arrival_day", sa.Integer(), nullable=True),
        sa.Column("receipt_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("delete_after", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name=op.f("fk_health_declarations_realm_id_realms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_declarations")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_health_declarations_receipt_hash")),
    )
    op.create_index(
        op.f("ix_health_declarations_arrival_day"), "health_declarations", ["arrival_day"], unique=False
    )
    op.create_index(
        op.f("ix_health_declarations_delete_after"), "health_declarations", ["delete_after"], unique=False
    )
    op.create_index(
        op.f("ix_health_declarations_realm_id"), "health_declarations", ["realm_id"], unique=False
    )
    op.create_table(
        "publish_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("keys", sa.SmallInteger(), nullable=False),
        sa.Column("key_ages", sa.String(length=120), nullable=False),
        sa.Column("onset_to_upload", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_publish_events_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_events")),
    )
    op.create_index(op.f("ix_publish_events_day"), "publish_events", ["day"], unique=False)
    op.create_index(op.f("ix_publish_events_realm_id"), "publish_events", ["realm_id"], unique=False)
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=False),
        sa.Column("public_pem", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_signing_keys_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_signing_keys_kid")),
    )
    op.create_table(
        "unit_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("as_of_day", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("smartphone_holders", sa.Integer(), nullable=False),
        sa.Column("installed", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_reports_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_reports")),
        sa.UniqueConstraint("unit_id", "as_of_day", name=op.f("uq_unit_reports_unit_id")),
    )
    op.create_index(op.f("ix_unit_reports_unit_id"), "unit_reports", ["unit_id"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_users_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.String(length=12), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("visit_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("payload", sa.String(length=1024), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_venues_realm_id_realms")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_venues_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("venue_id", name=op.f("uq_venues_venue_id")),
    )
    op.create_index(op.f("ix_venues_commune_code"), "venues", ["commune_code"], unique=False)
    op.create_index(op.f("ix_venues_realm_id"), "venues", ["realm_id"], unique=False)
    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("short_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("long_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("test_type", sa.String(length=16), nullable=False),
        sa.Column("symptom_date", sa.String(length=10), nullable=True),
        sa.Column("test_date", sa.String(length=10), nullable=True),
        sa.Column("issued_at", sa.BigInteger(), nullable=False),
        sa.Column("short_expires_at", sa.BigInteger(), nullable=False),
        sa.Column("long_expires_at", sa.BigInteger(), nullable=False),
        sa.Column("claimed_at", sa.BigInteger(), nullable=True),
        sa.Column("token_used_at", sa.BigInteger(), nullable=True),
        sa.Column("expired_by_hand", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name=op.f("fk_verification_codes_realm_id_realms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
        sa.UniqueConstraint("long_hash", name=op.f("uq_verification_codes_long_hash")),
    )
    op.create_index(
        op.f("ix_verification_codes_issued_at"), "verification_codes", ["issued_at"], unique=False
    )
    op.create_index(
        op.f("ix_verification_codes_short_hash"), "verification_codes", ["short_hash"], unique=False
    )
    op.create_table(
        "verify_failures",
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_keys.id"], name=op.f("fk_verify_failures_api_key_id_api_keys")
        ),
        sa.PrimaryKeyConstraint("api_key_id", "hour", name=op.f("pk_verify_failures")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"], unique=False)
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("verify_failures")
    op.drop_index(op.f("ix_verification_codes_short_hash"), table_name="verification_codes")
    op.drop_index(op.f("ix_verification_codes_issued_at"), table_name="verification_codes")
    op.drop_table("verification_codes")
    op.drop_index(op.f("ix_venues_realm_id"), table_name="venues")
    op.drop_index(op.f("ix_venues_commune_code"), table_name="venues")
    op.drop_table("venues")
    op.drop_table("users")
    op.drop_index(op.f("ix_unit_reports_unit_id"), table_name="unit_reports")
    op.drop_table("unit_reports")
    op.drop_table("signing_keys")
    op.drop_index(op.f("ix_publish_events_realm_id"), table_name="publish_events")
    op.drop_index(op.f("ix_publish_events_day"), table_name="publish_events")
    op.drop_table("publish_events")
    op.drop_index(op.f("ix_health_declarations_realm_id"), table_name="health_declarations")
    op.drop_index(op.f("ix_health_declarations_delete_after"), table_name="health_declarations")
    op.drop_index(op.f("ix_health_declarations_arrival_day"), table_name="health_declarations")
    op.drop_table("health_declarations")
    op.drop_index(op.f("ix_facilities_realm_id"), table_name="facilities")
    op.drop_table("facilities")
    op.drop_index(op.f("ix_exposures_revised_at"), table_name="exposures")
    op.drop_index(op.f("ix_exposures_created_at"), table_name="exposures")
    op.drop_table("exposures")
    op.drop_table("export_files")
    op.drop_index(op.f("ix_declarations_realm_id"), table_name="declarations")
    op.drop_index(op.f("ix_declarations_delete_after"), table_name="declarations")
    op.drop_table("declarations")
    op.drop_index(op.f("ix_check_in_reports_realm_id"), table_name="check_in_reports")
    op.drop_index(op.f("ix_check_in_reports_available_at"), table_name="check_in_reports")
    op.drop_table("check_in_reports")
    op.drop_index(op.f("ix_audit_log_realm_id"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_keys")
    op.drop_index(op.f("ix_units_parent_id"), table_name="units")
    op.drop_index(op.f("ix_units_area_code"), table_name="units")
    op.drop_table("units")
    op.drop_table("targets")
    op.drop_table("realms")
    op.drop_index(op.f("ix_export_batches_end_ts"), table_name="export_batches")
    op.drop_table("export_batches")
    op.drop_index(op.f("ix_campaign_counts_as_of"), table_name="campaign_counts")
    op.drop_index("ix_campaign_counts_area_code_as_of", table_name="campaign_counts")
    op.drop_table("campaign_counts")
    op.drop_index(op.f("ix_activity_receipts_day"), table_name="activity_receipts")
    op.drop_table("activity_receipts")
    op.drop_table("activity_days")
    op.drop_index(op.f("ix_activity_counts_day"), table_name="activity_counts")
    op.drop_table("activity_counts")
