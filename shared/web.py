"""What every service's pages share: language, CSRF protection, layout, HTML error pages.

Pages are in Dutch first: Dutch is the source language of the templates and English a
translation (services/<name>/translations). The visitor's choice (?lang=, kept in the
session) wins, then the browser's Accept-Language, then Dutch. Every form carries a CSRF
token (Flask-WTF); the JSON API is exempt, as it takes no cookies for authority.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request, session
from flask_babel import Babel, get_locale, gettext
from flask_wtf.csrf import CSRFError, CSRFProtect, same_origin

from shared.backends import backends
from shared.moments import local_moment

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
JSON_PREFIXES = ("/api/", "/healthz", "/metrics", "/openapi.json")
SHARED = Path(__file__).resolve().parent

csrf = CSRFProtect()
bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/rv",
)


def _asked() -> str | None:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


def remember_language() -> None:
    """Keep a ?lang= choice in the session before the view runs, so that it holds even on a
    page that only redirects (a juror's login link with ?lang=en)."""
    if _asked():
        session["lang"] = _asked()


def select_language() -> str:
    """The page language: ?lang= (remembered), the session's, the browser's, else Dutch."""
    if _asked():
        return _asked()
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def wants_json() -> bool:
    """Whether an error should answer in JSON: always for the API, else unless the client
    asks for HTML by name (a browser does; scripts and curl get the contract's JSON)."""
    explicit_html = "text/html" in request.headers.get("Accept", "")
    return request.path.startswith(JSON_PREFIXES) or not explicit_html


def refuse_other_sites() -> None:
    """A page form posted from another site is refused, whatever its token: a browser names
    where the form was in Origin (or Referer; Referrer-Policy same-origin lets it), and that
    must be this site. Only a client that sends neither, a script posting a mailed link's
    form back with its cookies, relies on the CSRF token alone."""
    if request.method in SAFE_METHODS or request.path.startswith("/api/"):
        return
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source and not same_origin(source, request.url_root):  # "null" is no origin of ours
        raise CSRFError("The form was posted from another site.")


def form_expired(_error: CSRFError):
    """A form whose CSRF token is missing or expired: a page that says what to do, in the
    visitor's language (a service may handle it more closely for its own forms)."""
    message = gettext("Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
    return render_template("error.html", status=400, message=message), 400


def N_(text: str) -> str:  # the name gettext tools look for
    """Mark a text for translation that is kept as it is (in Dutch, e.g. stored in the
    database) and translated only where a page shows it, with the `translated` filter."""
    return text


def translated(text: str) -> str:
    """A kept text in the page's language: its translation when it was marked with N_,
    else the text itself (what staff typed stays as typed)."""
    return gettext(text)


def with_language(code: str) -> str:
    """The link to this page in language `code`: its query kept (a shared link's ?via=),
    ?lang= set."""
    return "?" + urlencode(request.args.to_dict() | {"lang": code})


def site_home() -> str:
    """The campaign's home page (the hub's), where the header's name leads from any service."""
    return backends().settings.public_url("nominations") + "/"


def init_app(app: Flask) -> None:
    """Bind language, CSRF and the shared layout to `app`; exempt its JSON blueprints from
    CSRF (call after the service's blueprints are registered)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Brussels")
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", f"translations;{SHARED / 'translations'}"
    )
    # A Babel of its own per app: Flask-Babel caches catalogues on the instance, and each
    # service has its own (tests hold all three apps in one process).
    Babel(app, locale_selector=select_language)
    app.before_request(remember_language)
    # The CSRF token in the session decides alone: a client that is not a browser opens a
    # mailed link and posts its form back with the cookies, but no Referer, which
    # Flask-WTF's referrer check over HTTPS would refuse.
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    csrf.init_app(app)
    app.before_request(refuse_other_sites)
    app.register_error_handler(CSRFError, form_expired)
    app.register_blueprint(bp)
    for blueprint in app.blueprints.values():
        if (blueprint.url_prefix or "").startswith("/api"):
            csrf.exempt(blueprint)
    app.jinja_env.globals.update(
        languages=LANGUAGES,
        get_locale=get_locale,
        site_home=site_home,
        with_language=with_language,
    )
    app.jinja_env.filters.update(local_moment=local_moment, translated=translated)
