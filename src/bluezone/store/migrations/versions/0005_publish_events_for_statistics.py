"""Publish events for statistics"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publish_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("keys", sa.SmallInteger(), nullable=False),
        sa.Column("key_ages", sa.String(length=120), nullable=False),
        sa.Column("onset_to_upload", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name=op.f("fk_publish_events_realm_id_realms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_events")),
    )
    with op.batch_alter_table("publish_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publish_events_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_publish_events_realm_id"), ["realm_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publish_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publish_events_realm_id"))
        batch_op.drop_index(batch_op.f("ix_publish_events_day"))

    op.drop_table("publish_events")
