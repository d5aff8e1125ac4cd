"""The jury service: jurors, criteria and scores."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from services.jury.config import JurySettings, load
from shared import security
from shared.app import build_app


class JurySessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions of the jury's own: another service's cookie, signed with the
    same secret key, never passes for a juror's."""

    salt = "rv.jury.session"


def create_app(config: JurySettings | None = None) -> Flask:
    """The jury app; `config` defaults to the environment's settings."""
    from services.jury import api, models, reminders_api, staff_criteria, staff_web, web
    from shared import staff_events, staff_pages
    from shared.editions import editions_blueprint

    settings = config or load()
    blueprints = [editions_blueprint(models.Edition), api.bp, reminders_api.bp, web.bp]
    blueprints += [staff_web.bp, staff_criteria.bp, staff_pages.bp, staff_events.bp]
    app = build_app(settings, models.Base.metadata, blueprints)
    app.session_interface = JurySessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=security.cookie_name("rv_jury", settings.session_cookie_secure),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=settings.jury_session_lifetime),
        # A form's token lives as long as the juror's session, which has its own lifetime.
        WTF_CSRF_TIME_LIMIT=None,
    )
    return app
