"""Editions keep an audit log of changes and when their rules were fixed

Revision ID: d25f7a9988b5
Revises: dfa2ccfb167d
Create Date: 2026-12-06 20:11:08.653639
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "d25f7a9988b5"
down_revision = "dfa2ccfb167d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Editions keep an audit log of changes and when their rules were fixed."""
    op.create_table(
        "edition_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old", sa.JSON(), nullable=False),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.Column("staff", sa.String(length=80), nullable=False),
        sa.Column("changed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_edition_changes_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_changes")),
    )
    with op.batch_alter_table("edition_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_edition_changes_edition_id"), ["edition_id"], unique=False
        )

    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rules_fixed_at", shared.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Undo: Editions keep an audit log of changes and when their rules were fixed."""
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.drop_column("rules_fixed_at")

    with op.batch_alter_table("edition_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_changes_edition_id"))

    op.drop_table("edition_changes")
