"""Texts counted per realm and day, and self-reported rapid tests de-duplicated by keyed hash"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_counts",
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_sms_counts_realm_id_realms"),
        sa.PrimaryKeyConstraint("realm_id", "day", name="pk_sms_counts"),
    )
    op.create_table(
        "self_reports",
        sa.Column("phone_key", sa.LargeBinary(32), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_self_reports_realm_id_realms"),
        sa.PrimaryKeyConstraint("phone_key", name="pk_self_reports"),
    )
    op.create_index("ix_self_reports_realm_id", "self_reports", ["realm_id"])
    op.create_index("ix_self_reports_reported_at", "self_reports", ["reported_at"])


def downgrade() -> None:
    op.drop_table("self_reports")
    op.drop_table("sms_counts")
