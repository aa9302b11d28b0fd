"""Small export windows held back into later ones: when a key was first due"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exposures") as batch:
        batch.add_column(sa.Column("held_since", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exposures") as batch:
        batch.drop_column("held_since")
