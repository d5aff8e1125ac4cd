"""The jury service: jurors, criteria and scores."""

from __future__ import annotations

from flask import Flask

from shared.app import build_app
from shared.config import Settings


def create_app(config: Settings | None = None) -> Flask:
    """The jury app; `config` defaults to the environment's settings."""
    from services.jury import models
    from shared.editions import editions_blueprint

    return build_app("jury", config, models.Base.metadata, [editions_blueprint(models.Edition)])
