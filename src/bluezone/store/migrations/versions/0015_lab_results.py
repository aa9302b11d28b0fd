"""Lab results to the app: labs, their results, phones' sample registrations, and where a code came from"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_labs_realm_id_realms"),
        sa.PrimaryKeyConstraint("id", name="pk_labs"),
    )
    op.create_index("ix_labs_realm_id", "labs", ["realm_id"])
    op.create_table(
        "lab_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_key", sa.LargeBinary(32), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("sample_date", sa.String(10), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["labs.id"], name="fk_lab_results_lab_id_labs"),
        sa.PrimaryKeyConstraint("id", name="pk_lab_results"),
        sa.UniqueConstraint("sample_key", name="uq_lab_results_sample_key"),
    )
    op.create_index("ix_lab_results_lab_id", "lab_results", ["lab_id"])
    op.create_index("ix_lab_results_received_at", "lab_results", ["received_at"])
    op.create_table(
        "sample_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_key", sa.LargeBinary(32), nullable=False),
        sa.Column("sample_key", sa.LargeBinary(32), nullable=False),
        sa.Column("realm_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.BigInteger(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_sample_registrations_realm_id_realms"),
        sa.PrimaryKeyConstraint("id", name="pk_sample_registrations"),
        sa.UniqueConstraint("token_key", name="uq_sample_registrations_token_key"),
        sa.UniqueConstraint("sample_key", name="uq_sample_registrations_sample_key"),
    )
    op.create_index("ix_sample_registrations_registered_at", "sample_registrations", ["registered_at"])
    with op.batch_alter_table("verification_codes") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="case_worker"))
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("lab_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_api_keys_lab_id_labs", "labs", ["lab_id"], ["id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("lab_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_lab_id_labs", "labs", ["lab_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_lab_id_labs", type_="foreignkey")
        batch.drop_column("lab_id")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("fk_api_keys_lab_id_labs", type_="foreignkey")
        batch.drop_column("lab_id")
    with op.batch_alter_table("verification_codes") as batch:
        batch.drop_column("source")
    op.drop_table("sample_registrations")
    op.drop_table("lab_results")
    op.drop_table("labs")
