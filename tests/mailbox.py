"""The mail folder of a test stack (MAIL_URL=file://...), read as a person's inbox."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path


def mail_folder(app) -> Path:
    """The folder an app writes its mails to."""
    return Path(app.extensions["rv"].settings.mail_url.removeprefix("file://"))


def read_mails(folder: Path, to: str | None = None) -> list[EmailMessage]:
    """The messages in `folder`, oldest first; with `to`, only those addressed to it."""
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to is None or message["To"] == to:
            found.append(message)
    return found
