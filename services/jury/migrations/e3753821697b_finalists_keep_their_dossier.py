"""Finalists keep their dossier

Revision ID: e3753821697b
Revises: e9eb907e68c6
Create Date: 2026-12-06 19:47:57.844269
"""

import sqlalchemy as sa
from alembic import op

revision = "e3753821697b"
down_revision = "e9eb907e68c6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Finalists keep their dossier."""
    with op.batch_alter_table("finalists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nominee_domain_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("region", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("theme", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("website", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("problem", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("solution", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("impact", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("nomination_count", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("declined_publicity", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Undo: Finalists keep their dossier."""
    with op.batch_alter_table("finalists", schema=None) as batch_op:
        batch_op.drop_column("declined_publicity")
        batch_op.drop_column("nomination_count")
        batch_op.drop_column("impact")
        batch_op.drop_column("solution")
        batch_op.drop_column("problem")
        batch_op.drop_column("website")
        batch_op.drop_column("theme")
        batch_op.drop_column("region")
        batch_op.drop_column("nominee_domain_hash")
