"""Security headers on every response.

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
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def origin(url: str) -> str:
    """The origin (scheme, host and port) of an absolute URL, as a CSP source names it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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
