"""Votes carry a receipt; bulletins of each close

Revision ID: bdc3f9a579e3
Revises: 864ce953f00f
Create Date: 2026-12-06 19:49:44.897525
"""

import secrets

import sqlalchemy as sa
from alembic import op

import shared.db

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # services/voting/receipts.py, as of this revision

revision = "bdc3f9a579e3"
down_revision = "864ce953f00f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Votes carry a receipt; bulletins of each close."""
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("made_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_bulletins_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
    )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.create_index("ix_bulletins_edition_made", ["edition_id", "made_at"], unique=False)

    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_votes_edition_receipt", ["edition_id", "receipt"], unique=True)
    _receipts_for_confirmed_votes()


def _receipts_for_confirmed_votes() -> None:
    """Votes confirmed before receipts existed get one, so every counted vote is in the
    bulletin (their voters never saw it: the bulletin still adds up)."""
    votes = sa.table("votes", sa.column("id"), sa.column("status"), sa.column("receipt"))
    connection = op.get_bind()
    confirmed = connection.execute(sa.select(votes.c.id).where(votes.c.status != "unconfirmed"))
    for (vote_id,) in confirmed.all():
        drawn = "".join(secrets.choice(ALPHABET) for _ in range(12))
        code = "-".join(drawn[i : i + 4] for i in range(0, 12, 4))
        connection.execute(votes.update().where(votes.c.id == vote_id).values(receipt=code))


def downgrade() -> None:
    """Undo: Votes carry a receipt; bulletins of each close."""
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_edition_receipt")
        batch_op.drop_column("receipt")

    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_index("ix_bulletins_edition_made")

    op.drop_table("bulletins")
