"""Wrong codes counted per client for the guessing throttle"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guess_counts",
        sa.Column("client", sa.LargeBinary(length=16), nullable=False),
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client", "hour", name=op.f("pk_guess_counts")),
    )


def downgrade() -> None:
    op.drop_table("guess_counts")
