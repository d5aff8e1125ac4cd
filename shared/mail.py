"""Outgoing mail through MAIL_URL: one .eml file per message in a folder, or SMTP.

`file:///path/folder` is for local runs and tests: every message lands whole in the folder
(written under a temporary name, then renamed), so a reader never sees half a message.
`smtp://host:port`, `smtps://host:port` (TLS from the start) and `?starttls=1` send through a
real server, optionally logging in with `user:password@` from the URL.
"""

from __future__ import annotations

import email.policy
import functools
import os
import smtplib
import ssl
import tempfile
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from shared.models import utcnow

DEFAULT_SENDER = "Radicale Vernieuwers <noreply@radicalevernieuwers.be>"
SMTP_TIMEOUT = 10
ADDRESS_HEADERS = ("From", "To", "Cc", "Reply-To")


def build_message(
    to: str, subject: str, text: str, html: str | None = None, sender: str = DEFAULT_SENDER
) -> EmailMessage:
    """A message ready to send: plain text, plus an HTML alternative when given.

    `To:` is the address exactly as the person typed it (case and all): it is theirs, and
    the mail must reach the mailbox they meant. A line break in any header raises ValueError,
    so user input can never add headers of its own.
    """
    message = EmailMessage()
    message["From"] = _sender_header(sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = utcnow()
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


@functools.cache
def _sender_header(sender: str):
    """The From header, parsed once: parsing an address header costs a third of building a
    message, and the worker builds one for every vote."""
    return email.policy.default.header_factory("From", sender)


def _needs_utf8(message: EmailMessage) -> bool:
    # An address with non-ASCII characters cannot be MIME-encoded (RFC 2047 forbids encoded
    # words in an address): it must travel as UTF-8 (RFC 6532), as smtplib does with SMTPUTF8.
    return any(not str(message.get(name, "")).isascii() for name in ADDRESS_HEADERS)


def write_eml(folder: Path, message: EmailMessage) -> Path:
    """Write `message` as one complete .eml file in `folder`; returns its path.

    The bytes go to a temporary name without .eml in the same folder, reach the disk, and are
    then renamed: whoever watches the folder for *.eml sees whole messages only.
    """
    folder.mkdir(parents=True, exist_ok=True)
    policy = message.policy.clone(utf8=True) if _needs_utf8(message) else message.policy
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(message.as_bytes(policy=policy))
            f.flush()
            os.fsync(f.fileno())
        final = folder / f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}.eml"
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return final


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand messages to an SMTP server, as read from MAIL_URL."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: SplitResult) -> SmtpServer:
        """Read smtp(s)://[user:password@]host[:port][?starttls=1]; ValueError if unusable."""
        options = parse_qs(url.query)
        if not url.hostname or set(options) - {"starttls"}:
            raise ValueError(
                "MAIL_URL: expected smtp(s)://[user:password@]host[:port][?starttls=1]"
            )
        implicit_tls = url.scheme == "smtps"
        return cls(
            host=url.hostname,
            port=url.port or (465 if implicit_tls else 25),
            implicit_tls=implicit_tls,
            starttls=options.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes"),
            user=unquote(url.username) if url.username else None,
            password=unquote(url.password or ""),
        )

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` in one SMTP session, verifying the server's certificate."""
        context = ssl.create_default_context()
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        with smtp:
            if self.starttls and not self.implicit_tls:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


class MailNotSent(Exception):
    """The SMTP server refused a message; the message of this error holds no address."""


def _describe(error: smtplib.SMTPException) -> str:
    """The refusal's class and SMTP code(s), never its text nor the recipients."""
    codes = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = ",".join(sorted({str(code) for code, _ in error.recipients.values()}))
    return f"{type(error).__name__} (SMTP {codes or 'error'})"


class Mailer:
    """Sends messages to where MAIL_URL points: a folder of .eml files or an SMTP server."""

    def __init__(self, url: str):
        """Read MAIL_URL once, so that a wrong one fails at start rather than at first send."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise ValueError("MAIL_URL: a folder is file:///absolute/path")
            self._folder: Path | None = Path(unquote(parts.path))
            self._smtp: SmtpServer | None = None
        elif parts.scheme in ("smtp", "smtps"):
            self._folder = None
            self._smtp = SmtpServer.from_url(parts)
        else:
            raise ValueError(f"MAIL_URL: unknown scheme {parts.scheme!r} (file, smtp or smtps)")

    def send(self, message: EmailMessage) -> None:
        """Deliver one message; errors of the folder or the server propagate to the caller.
        A refusal by the server becomes MailNotSent with its class and code only: its own
        text names the address, and the error is kept in logs and rq's failed registry."""
        if self._smtp is not None:
            try:
                self._smtp.send(message)
            except smtplib.SMTPException as error:
                raise MailNotSent(_describe(error)) from None
        else:
            write_eml(self._folder, message)
