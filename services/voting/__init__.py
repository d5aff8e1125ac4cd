"""The voting service: voters as keyed hashes, votes, tallies and fraud signals."""

from __future__ import annotations

from flask import Flask

from services.voting.config import VotingSettings, load
from shared.app import build_app


def create_app(config: VotingSettings | None = None) -> Flask:
    """The voting app; `config` defaults to the environment's settings."""
    from services.voting import (
        api,
        bulletin_api,
        check_web,
        metrics,
        models,
        report,
        review,
        staff_review,
        staff_web,
        web,
    )
    from shared import staff_events, staff_pages
    from shared.editions import editions_blueprint

    blueprints = [editions_blueprint(models.Edition), api.bp, web.bp]
    blueprints += [review.bp, report.bp, staff_web.bp, staff_review.bp]
    blueprints += [staff_pages.bp, staff_events.bp, bulletin_api.bp, check_web.bp]
    # The finalists' pictures are served by the hub.
    return build_app(
        config or load(),
        models.Base.metadata,
        blueprints,
        metrics.GAUGES,
        pictures_from=["nominations"],
    )
