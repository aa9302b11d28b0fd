"""campaign: imported population, an index of an area's history, officials' scope"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
    with op.batch_alter_table("campaign_counts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("population", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_campaign_counts_area_code_as_of", ["area_code", "as_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("scope")
    with op.batch_alter_table("campaign_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_counts_area_code_as_of")
        batch_op.drop_column("population")
