"""activity counts, units and their reports, targets"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
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
    with op.batch_alter_table("activity_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_counts_day"), ["day"], unique=False)

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
    with op.batch_alter_table("activity_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_receipts_day"), ["day"], unique=False)

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
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_parent_id"), ["parent_id"], unique=False)

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
    with op.batch_alter_table("unit_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_reports_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_reports_unit_id"))

    op.drop_table("unit_reports")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_parent_id"))
        batch_op.drop_index(batch_op.f("ix_units_area_code"))

    op.drop_table("units")
    op.drop_table("targets")
    with op.batch_alter_table("activity_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_receipts_day"))

    op.drop_table("activity_receipts")
    op.drop_table("activity_days")
    with op.batch_alter_table("activity_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_counts_day"))

    op.drop_table("activity_counts")
