"""The connections of one service: settings, database engine, sessions, Redis and mail."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis import Redis
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import Session, sessionmaker

from shared.config import Settings
from shared.db import make_engine, make_sessionmaker, read_only
from shared.events import wake_key, wake_relay_after_commit
from shared.mail import Mailer
from shared.queues import connect
from shared.scrubbing import flag_after_commit, flag_key


@dataclass
class Backends:
    """What a request, a CLI command or a worker job of one service talks to."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker
    redis: Redis
    metadata: MetaData
    mailer: Mailer
    reader: Engine  # for transactions that only read (shared.db.read_only)

    def reading(self) -> Session:
        """A session that only reads (a page, a check): on SQLite it holds no write lock,
        however long the page takes to render."""
        return self.sessions(bind=self.reader)


def make_backends(settings: Settings, metadata: MetaData) -> Backends:
    """Engine, sessions and Redis client for `settings`; nothing connects until first use."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    redis = connect(settings.redis_url)
    wake_relay_after_commit(sessions, redis, wake_key(settings.queue_prefix, settings.service))
    flag_after_commit(sessions, redis, flag_key(settings.queue_prefix, settings.service))
    mailer = Mailer(settings.mail_url)
    return Backends(settings, engine, sessions, redis, metadata, mailer, read_only(engine))


def backends() -> Backends:
    """The backends of the current app."""
    return current_app.extensions["rv"]
