"""Security headers on every response, and the session cookie's name.

The app sets the headers about its pages (CSP, nosniff, referrer, framing); the TLS proxy in
front sets Strict-Transport-Security, once, as only it knows the site is HTTPS
(deploy/nginx/service.conf; ingress-nginx does the same by default).

Referrer-Policy is `same-origin`: a link to another site carries no Referer (no link token
leaks), while a form posted to its own site does.

Pictures may come from the service's own origin and, for a service that shows another's
pictures (voting shows the finalists' pictures the hub serves), from exactly that origin.
"""

from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def origin(url: str) -> str:
    """The origin (scheme, host and port) of an absolute URL, as a CSP source names it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def cookie_name(name: str, secure: bool) -> str:
    """The session cookie's name: `__Host-` prefixed where cookies are Secure (HTTPS), so a
    browser takes it only when Secure, for the whole host and without a Domain: a sibling
    host or a plain-HTTP page cannot plant or shadow it."""
    return f"__Host-{name}" if secure else name


def content_security_policy(image_urls: Sequence[str] = ()) -> str:
    """The policy: everything from the service itself, pictures also from these URLs'
    origins."""
    images = " ".join(["'self'", "data:", *dict.fromkeys(origin(url) for url in image_urls)])
    return CSP.format(images=images)


def init_app(app: Flask, image_urls: Sequence[str] = ()) -> None:
    """Add the headers to every response of `app`, its pictures allowed from `image_urls`."""
    headers = HEADERS | {"Content-Security-Policy": content_security_policy(image_urls)}

    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "application/json" or response.status_code >= 400:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.after_request(add_headers)
