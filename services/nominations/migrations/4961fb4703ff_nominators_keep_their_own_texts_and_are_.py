"""Nominators keep their own texts and are one per person and innovation; declines wait
for a verified nominee address.

Nominators stored before get their normalised address as key (a second record of the same
person for the same innovation keeps its own key, with its id) and no texts of their own.

Revision ID: 4961fb4703ff
Revises: 896f56f84392
Create Date: 2026-12-06 20:57:31.642333
"""

import sqlalchemy as sa
from alembic import op

import shared.db
from shared.people import normalise

revision = "4961fb4703ff"
down_revision = "896f56f84392"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns, key the nominators stored before, then make the key unique."""
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decline_requested_at", shared.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("nominee_verified_at", shared.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("nominators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("texts", sa.JSON(), nullable=True))
    _key_earlier_nominators()
    with op.batch_alter_table("nominators", schema=None) as batch_op:
        batch_op.alter_column("email_key", existing_type=sa.String(length=320), nullable=False)
        batch_op.alter_column("texts", existing_type=sa.JSON(), nullable=False)
        batch_op.create_unique_constraint(
            "uq_nominators_nomination_email_key", ["nomination_id", "email_key"]
        )


def _key_earlier_nominators() -> None:
    connection = op.get_bind()
    table = sa.table(
        "nominators",
        sa.column("id", sa.String),
        sa.column("nomination_id", sa.String),
        sa.column("email", sa.String),
        sa.column("email_key", sa.String),
        sa.column("texts", sa.JSON),
    )
    seen = set()
    for row in connection.execute(sa.select(table.c.id, table.c.nomination_id, table.c.email)):
        key = normalise(row.email)
        if (row.nomination_id, key) in seen:
            key = f"{key}#{row.id}"
        seen.add((row.nomination_id, key))
        change = sa.update(table).where(table.c.id == row.id).values(email_key=key, texts={})
        connection.execute(change)


def downgrade() -> None:
    """Undo: drop the columns and the key's uniqueness."""
    with op.batch_alter_table("nominators", schema=None) as batch_op:
        batch_op.drop_constraint("uq_nominators_nomination_email_key", type_="unique")
        batch_op.drop_column("texts")
        batch_op.drop_column("email_key")

    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_column("nominee_verified_at")
        batch_op.drop_column("decline_requested_at")
