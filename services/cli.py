"""The project's commands: `python -m services.cli --help`.

run          every service, worker and relay in the foreground (make run)
migrate      bring every service's database to the newest migration (make migrate)
revision     write a new migration of one service from its models
staff-token  a new staff token, accepted by all three services (make staff-token)
revoke-token revoke a staff member's tokens in all three services
worker       the rq worker of one service (wraps `rq worker` with the bus's settings)
relay        the outbox relay of one service
erase-voters erase the personal data of an edition's voters (hashes and counts stay)
privacy      a person's data from every service (export), or their erasure (erase)
"""

from __future__ import annotations

import json
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from rq import SimpleWorker
from sqlalchemy.orm import Session

from services import registry
from shared import config, logs
from shared.auth import SCOPES, new_token, revoke_tokens, store_token
from shared.backends import backends
from shared.queues import SERIALIZER, queue
from shared.relay import Relay

SERVICE = click.Choice(config.SERVICES)
# rq looks for dead jobs in its maintenance pass; every 15 s instead of every 10 minutes.
MAINTENANCE_INTERVAL = 15
WORKER_TTL = 30


@click.group()
def cli() -> None:
    """Radicale Vernieuwers campaign platform."""


@contextmanager
def transaction_of(service: str) -> Iterator[Session]:
    """A session in one transaction (committed at the end) on one service's database, as the
    environment configures it, inside the service's app context (what it publishes reads
    the service's settings); its connections are closed afterwards."""
    app = registry.create_app(service)
    try:
        with app.app_context(), backends().sessions.begin() as session:
            yield session
    finally:
        app.extensions["rv"].engine.dispose()


def migrate_databases() -> None:
    """Bring every service's database to its newest migration (creating its tables)."""
    for service in config.SERVICES:
        registry.schema(service).upgrade(registry.load_settings(service).database_url)


def issue_staff_token(name: str, scopes: tuple[str, ...]) -> str:
    """A new token whose hash is stored in every service's database."""
    token = new_token()
    for service in config.SERVICES:
        with transaction_of(service) as session:
            store_token(session, token, name, scopes)
    return token


@cli.command()
def migrate() -> None:
    """Bring every service's database to its newest migration."""
    migrate_databases()
    click.echo("databases at the newest migration")


@cli.command()
@click.argument("service", type=SERVICE)
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--shared", is_flag=True, help="Of the tables every service keeps (shared/).")
def revision(service: str, message: str, shared: bool) -> None:
    """Write a new migration of SERVICE (or, with --shared, of the tables every service
    keeps) holding what the models add to the last one."""
    schema = registry.schema(service)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/{service}.db"
        schema.upgrade(url)
        schema.revision(url, message, "shared" if shared else None)


@cli.command("staff-token")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES), default=("admin",))
def staff_token_command(name: str, scopes: tuple[str, ...]) -> None:
    """Print a new staff token for NAME (the last word of the output)."""
    migrate_databases()
    click.echo(f"Staff token for {name} ({' '.join(scopes)}): {issue_staff_token(name, scopes)}")


@cli.command("revoke-token")
@click.argument("name")
def revoke_token_command(name: str) -> None:
    """Revoke every token of NAME in all three services."""
    if not name.strip():
        raise click.BadParameter("name whose tokens to revoke, e.g. make revoke-token NAME=anna")
    total = 0
    for service in config.SERVICES:
        with transaction_of(service) as session:
            total += revoke_tokens(session, name)
    click.echo(f"revoked {total} token record(s) of {name}")


@cli.command()
@click.argument("service", type=SERVICE)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(service: str, burst: bool) -> None:
    """Run the rq worker of SERVICE: no fork per job, frequent maintenance, retries scheduled."""
    logs.configure(service)
    app = registry.create_app(service)
    with app.app_context():
        b = backends()
        rq_worker = SimpleWorker(
            [queue(b.redis, b.settings.queue_name())],
            connection=b.redis,
            serializer=SERIALIZER,
            maintenance_interval=MAINTENANCE_INTERVAL,
            worker_ttl=WORKER_TTL,
        )
        rq_worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")


@cli.command()
@click.argument("service", type=SERVICE)
def relay(service: str) -> None:
    """Run the outbox relay of SERVICE until SIGINT or SIGTERM."""
    logs.configure(service)
    app = registry.create_app(service)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with app.app_context():
        b = backends()
        Relay(b.settings, b.sessions, b.redis, registry.periodic(service)).run(stop)


@cli.command("erase-voters")
@click.argument("slug")
def erase_voters_command(slug: str) -> None:
    """Erase the personal data of SLUG's voters once its voting has closed (also done by
    itself VOTER_RETENTION_DAYS after voting_close)."""
    from services.voting.erasure import VotingNotClosed, erase_edition

    app = registry.create_app("voting")
    try:
        with app.app_context():
            erased = erase_edition(slug)
    except (LookupError, VotingNotClosed) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        app.extensions["rv"].engine.dispose()
    click.echo(f"erased the personal data of {erased} vote(s) of {slug}")


@cli.command("privacy")
@click.argument("kind", type=click.Choice(("export", "erase")))
@click.argument("email")
@click.option("--wait", default=30.0, show_default=True, help="seconds to wait for the answers")
def privacy_command(kind: str, email: str, wait: float) -> None:
    """File a privacy request for the person behind EMAIL, as staff do through the API, and
    print it as JSON once voting and jury have answered (their workers and relays must run)."""
    from services.nominations.privacy_cli import file_and_wait

    app = registry.create_app("nominations")
    try:
        with app.app_context():
            shown, done = file_and_wait(email, kind, wait)
    finally:
        app.extensions["rv"].engine.dispose()
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    if not done:
        raise click.ClickException("not every service answered in time; the request stays filed")


@cli.command()
def run() -> None:
    """Start everything in the foreground; Ctrl-C stops it all."""
    from services.launcher import run_all

    raise SystemExit(run_all())


if __name__ == "__main__":
    cli()
