"""The nominations service, the campaign's hub: editions, nominations, finalists, results."""

from __future__ import annotations

from flask import Flask

from services.nominations.config import NominationsSettings, load
from shared.app import build_app


def create_app(config: NominationsSettings | None = None) -> Flask:
    """The nominations app; `config` defaults to the environment's settings."""
    from services.nominations import (
        api,
        form,
        metrics,
        models,
        nominations_api,
        pictures_api,
        privacy_api,
        staff_pictures,
        staff_results,
        staff_screening,
        staff_web,
        web,
    )
    from shared import staff_events, staff_pages
    from shared.editions import editions_blueprint

    blueprints = [
        editions_blueprint(models.Edition),
        api.bp,
        nominations_api.bp,
        privacy_api.bp,
        pictures_api.bp,
        pictures_api.served,
        web.bp,
        form.bp,
        staff_pages.bp,
        staff_events.bp,
        staff_web.bp,
        staff_screening.bp,
        staff_pictures.bp,
        staff_results.bp,
    ]
    return build_app(config or load(), models.Base.metadata, blueprints, metrics.GAUGES)
