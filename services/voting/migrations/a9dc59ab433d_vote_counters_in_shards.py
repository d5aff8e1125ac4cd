"""Vote counters in shards

Revision ID: a9dc59ab433d
Revises: bae547386edf
Create Date: 2026-12-06 23:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "a9dc59ab433d"
down_revision = "bae547386edf"
branch_labels = None
depends_on = None

KEY = ["edition_id", "finalist_id", "status"]


def upgrade() -> None:
    """Vote counters in shards: the shard joins the key, existing counts are shard 0."""
    with op.batch_alter_table("vote_counts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shard", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.drop_constraint("pk_vote_counts", type_="primary")
        batch_op.create_primary_key("pk_vote_counts", [*KEY, "shard"])


def downgrade() -> None:
    """Undo: Vote counters in shards (the shards of each counter added up into one row)."""
    counts = sa.table("vote_counts", *(sa.column(name) for name in (*KEY, "shard", "votes")))
    summed = sa.select(*(counts.c[name] for name in KEY), sa.func.sum(counts.c.votes)).group_by(
        *(counts.c[name] for name in KEY)
    )
    connection = op.get_bind()
    rows = connection.execute(summed).all()
    connection.execute(counts.delete())
    with op.batch_alter_table("vote_counts", schema=None) as batch_op:
        batch_op.drop_constraint("pk_vote_counts", type_="primary")
        batch_op.create_primary_key("pk_vote_counts", KEY)
        batch_op.drop_column("shard")
    totals = sa.table("vote_counts", *(sa.column(name) for name in (*KEY, "votes")))
    if rows:
        connection.execute(
            totals.insert(), [dict(zip((*KEY, "votes"), row, strict=True)) for row in rows]
        )
