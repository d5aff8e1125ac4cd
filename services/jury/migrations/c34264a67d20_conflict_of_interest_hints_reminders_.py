"""Conflict-of-interest hints, reminders, jurors' organisation

Revision ID: c34264a67d20
Revises: e3753821697b
Create Date: 2026-12-06 19:56:43.544288
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "c34264a67d20"
down_revision = "e3753821697b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Conflict-of-interest hints, reminders, jurors' organisation."""
    op.create_table(
        "conflict_hints",
        sa.Column("juror_id", sa.String(length=36), nullable=False),
        sa.Column("finalist_id", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("found_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["jurors.id"],
            name=op.f("fk_conflict_hints_juror_id_jurors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("juror_id", "finalist_id", name=op.f("pk_conflict_hints")),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.String(length=36), nullable=False),
        sa.Column("hours_before", sa.Integer(), nullable=True),
        sa.Column("for_close", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=80), nullable=False),
        sa.Column("open_finalists", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["jurors.id"],
            name=op.f("fk_reminders_juror_id_jurors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "juror_id", "hours_before", "for_close", name=op.f("uq_reminders_juror_id")
        ),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_juror_id"), ["juror_id"], unique=False)

    with op.batch_alter_table("jurors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("organisation", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Undo: Conflict-of-interest hints, reminders, jurors' organisation."""
    with op.batch_alter_table("jurors", schema=None) as batch_op:
        batch_op.drop_column("organisation")

    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_juror_id"))

    op.drop_table("reminders")
    op.drop_table("conflict_hints")
