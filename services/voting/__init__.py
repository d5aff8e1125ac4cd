"""The voting service: voters as keyed hashes, votes, tallies and fraud signals."""

from __future__ import annotations

from flask import Flask

from services.voting.config import VotingSettings, load
from shared.app import build_app


def create_app(config: VotingSettings | None = None) -> Flask:
    """The voting app; `config` defaults to the environment's settings."""
    from services.voting import models
    from shared.editions import editions_blueprint

    return build_app(config or load(), models.Base.metadata, [editions_blueprint(models.Edition)])
