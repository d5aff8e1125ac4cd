"""The jury service: jurors, criteria and scores."""

from __future__ import annotations

from flask import Flask

from services.jury.config import JurySettings, load
from shared.app import build_app


def create_app(config: JurySettings | None = None) -> Flask:
    """The jury app; `config` defaults to the environment's settings."""
    from services.jury import models
    from shared.editions import editions_blueprint

    return build_app(config or load(), models.Base.metadata, [editions_blueprint(models.Edition)])
