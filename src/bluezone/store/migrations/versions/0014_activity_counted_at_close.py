"""National scale: a phone's activity report is one row, counted by commune when its day closes"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_receipts") as batch:
        batch.add_column(sa.Column("structure", sa.String(4), nullable=True))
        batch.add_column(sa.Column("commune_code", sa.String(5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_receipts") as batch:
        batch.drop_column("commune_code")
        batch.drop_column("structure")
