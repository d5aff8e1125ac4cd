"""Criteria keep an audit log of their replacements

Revision ID: 87fd5a189856
Revises: c34264a67d20
Create Date: 2026-12-06 20:17:53.925904
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "87fd5a189856"
down_revision = "c34264a67d20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Criteria keep an audit log of their replacements."""
    op.create_table(
        "criteria_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("old", sa.JSON(), nullable=False),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.Column("staff", sa.String(length=80), nullable=False),
        sa.Column("changed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_criteria_changes_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_changes")),
    )
    with op.batch_alter_table("criteria_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criteria_changes_edition_id"), ["edition_id"], unique=False
        )


def downgrade() -> None:
    """Undo: Criteria keep an audit log of their replacements."""
    with op.batch_alter_table("criteria_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_changes_edition_id"))

    op.drop_table("criteria_changes")
