"""Security headers on every response, and the session cookie's name.

The app sets the headers about its pages (CSP, nosniff, referrer, framing); the TLS proxy in
front sets Strict-Transport-Security, once, as only it knows the site is HTTPS
(deploy/nginx/service.conf; ingress-nginx does the same by default).

Referrer-Policy is `same-origin`: a link to another site carries no Referer (no link token
leaks), while a form posted to its own site does.
"""

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "application/json" or response.status_code >= 400:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def cookie_name(name: str, secure: bool) -> str:
    """The session cookie's name: `__Host-` prefixed where cookies are Secure (HTTPS), so a
    browser takes it only when Secure, for the whole host and without a Domain: a sibling
    host or a plain-HTTP page cannot plant or shadow it."""
    return f"__Host-{name}" if secure else name


def init_app(app: Flask) -> None:
    """Add the headers to every response of `app`."""
    app.after_request(_add_headers)
