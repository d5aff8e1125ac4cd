"""The nominations service, the campaign's hub: editions, nominations, finalists, results."""

from __future__ import annotations

from flask import Flask

from shared.app import build_app
from shared.config import Settings


def create_app(config: Settings | None = None) -> Flask:
    """The nominations app; `config` defaults to the environment's settings."""
    from services.nominations import api, models
    from shared.editions import editions_blueprint

    blueprints = [editions_blueprint(models.Edition), api.bp]
    return build_app("nominations", config, models.Base.metadata, blueprints)
