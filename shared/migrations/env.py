"""Alembic's environment for every service: the caller (shared/schema.py) passes the
service's tables and a connection; each service keeps its own history in
services/<name>/migrations."""

from alembic import context
from sqlalchemy import text

# An arbitrary constant: concurrent upgrades of one PostgreSQL database (several
# instances starting at once) wait for each other instead of racing.
UPGRADE_LOCK = 7_316_042


def run_migrations_online() -> None:
    """Run the migrations on the connection the caller opened, in one transaction."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes["metadata"],
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})"))
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported: connect to the database")
run_migrations_online()
