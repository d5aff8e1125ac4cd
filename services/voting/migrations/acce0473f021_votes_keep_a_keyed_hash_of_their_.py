"""Votes keep a keyed hash of their address's own domain

Revision ID: acce0473f021
Revises: 1e1276c8921d
Create Date: 2026-11-27 05:32:36.198420
"""

import sqlalchemy as sa
from alembic import op

revision = "acce0473f021"
down_revision = "1e1276c8921d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Votes keep a keyed hash of their address's own domain."""
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("domain_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_votes_domain_edition", ["domain_hash", "edition_id"], unique=False
        )


def downgrade() -> None:
    """Undo: Votes keep a keyed hash of their address's own domain."""
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_domain_edition")
        batch_op.drop_column("domain_hash")
