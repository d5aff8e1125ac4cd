"""Votes keep the evidence that weighed them: the machine-made look of the mailbox name,
and the fraud signals' scores with their total

Revision ID: e8b1b063bb2c
Revises: a9dc59ab433d
Create Date: 2026-12-06 21:02:24.703214
"""

import sqlalchemy as sa
from alembic import op

revision = "e8b1b063bb2c"
down_revision = "a9dc59ab433d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """votes keep the evidence that weighed them."""
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("machine_name", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))


def downgrade() -> None:
    """Undo: votes keep the evidence that weighed them."""
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_column("score")
        batch_op.drop_column("evidence")
        batch_op.drop_column("machine_name")
