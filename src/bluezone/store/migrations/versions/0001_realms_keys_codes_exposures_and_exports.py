"""Realms, keys, codes, exposures and exports"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    with op.batch_alter_table("export_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_batches_end_ts"), ["end_ts"], unique=False)

    op.create_table(
        "realms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realms")),
        sa.UniqueConstraint("code", name=op.f("uq_realms_code")),
    )
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
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_exposures_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposures")),
        sa.UniqueConstraint("key_data", name=op.f("uq_exposures_key_data")),
    )
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exposures_created_at"), ["created_at"], unique=False)

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
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_codes_issued_at"), ["issued_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_codes_short_hash"), ["short_hash"], unique=False)

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


def downgrade() -> None:
    op.drop_table("verify_failures")
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_codes_short_hash"))
        batch_op.drop_index(batch_op.f("ix_verification_codes_issued_at"))

    op.drop_table("verification_codes")
    op.drop_table("signing_keys")
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exposures_created_at"))

    op.drop_table("exposures")
    op.drop_table("export_files")
    op.drop_table("api_keys")
    op.drop_table("realms")
    with op.batch_alter_table("export_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_batches_end_ts"))

    op.drop_table("export_batches")
