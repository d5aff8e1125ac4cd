"""The connections of one service: settings, database engine, sessions, Redis and mail."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis import Redis
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import sessionmaker

from shared.config import Settings
from shared.db import make_engine, make_sessionmaker
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


def make_backends(settings: Settings, metadata: MetaData) -> Backends:
    """Engine, sessions and Redis client for `settings`; nothing connects until first use."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    redis = connect(settings.redis_url)
    wake_relay_after_commit(sessions, redis, wake_key(settings.queue_prefix, settings.service))
    flag_after_commit(sessions, redis, flag_key(settings.queue_prefix, settings.service))
    return Backends(settings, engine, sessions, redis, metadata, Mailer(settings.mail_url))


def backends() -> Backends:
    """The backends of the current app."""
    return current_app.extensions["rv"]
