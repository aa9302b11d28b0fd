"""Campaign install counts"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_counts")),
        sa.UniqueConstraint("as_of", "structure", "area_code", name=op.f("uq_campaign_counts_as_of")),
    )
    with op.batch_alter_table("campaign_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_counts_as_of"), ["as_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaign_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_counts_as_of"))

    op.drop_table("campaign_counts")
