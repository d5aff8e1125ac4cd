"""What every service's create_app does: settings, database, Redis, bus, errors, headers, ops."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Flask
from sqlalchemy import MetaData
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import errors, http, limits, logs, metrics, openapi, ops, privacy_page, security, web
from shared.backends import make_backends
from shared.bus_admin import bp as bus_admin_bp
from shared.config import Settings
from shared.metrics import ScrapeGauge


def build_app(
    settings: Settings,
    metadata: MetaData,
    blueprints: list[Blueprint],
    gauges: Sequence[ScrapeGauge] = (),
    pictures_from: Sequence[str] = (),
) -> Flask:
    """A service app with its settings, tables, blueprints and the gauges /metrics reads
    from its own sources (beside the ones every service has); its pages may show pictures
    served by the services named in `pictures_from`.

    Nothing here touches the database or Redis: connections open lazily on first use.
    """
    service = settings.service
    app = Flask(f"services.{service}")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SECRET_KEY_FALLBACKS=list(settings.secret_key_fallbacks),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        # A cookie of its own per service: cookies do not tell ports apart, so services on
        # one host name would otherwise overwrite each other's sessions (staff sign-ins).
        SESSION_COOKIE_NAME=security.cookie_name(f"rv_{service}", settings.session_cookie_secure),
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=settings.testing,
        EMAIL_CHECK_DELIVERABILITY=settings.email_check_deliverability,
    )
    app.extensions["rv"] = make_backends(settings, metadata)
    # First: every request gets its id and is timed, even one an earlier hook refuses.
    logs.init_app(app)
    metrics.init_app(app, gauges)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=1, x_host=1)
    for blueprint in (ops.bp, bus_admin_bp, privacy_page.bp, *blueprints):
        app.register_blueprint(blueprint)
    http.init_app(app)
    limits.init_app(app, settings)
    web.init_app(app)
    errors.init_app(app)
    security.init_app(app, [settings.public_url(source) for source in pictures_from])
    openapi.init_app(app)
    return app
