"""The voting service: voters as keyed hashes, votes, tallies and fraud signals."""

from __future__ import annotations

from flask import Flask

from shared.app import build_app
from shared.config import Settings


def create_app(config: Settings | None = None) -> Flask:
    """The voting app; `config` defaults to the environment's settings."""
    from services.voting import models
    from shared.editions import editions_blueprint

    return build_app("voting", config, models.Base.metadata, [editions_blueprint(models.Edition)])
