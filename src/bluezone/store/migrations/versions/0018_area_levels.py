"""Local epidemic levels by province and commune, published signed for phones"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_levels",
        sa.Column("area_code", sa.String(5), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("cases_7d", sa.Integer(), nullable=True),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_area_levels_realm_id_realms"),
        sa.PrimaryKeyConstraint("area_code", name="pk_area_levels"),
    )
    op.create_index("ix_area_levels_realm_id", "area_levels", ["realm_id"])


def downgrade() -> None:
    op.drop_table("area_levels")
