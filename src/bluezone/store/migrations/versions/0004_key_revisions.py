"""Key revisions"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revised_report_type", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("revised_days_since_onset", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("revised_at", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_exposures_revised_at"), ["revised_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exposures_revised_at"))
        batch_op.drop_column("revised_at")
        batch_op.drop_column("revised_days_since_onset")
        batch_op.drop_column("revised_report_type")
