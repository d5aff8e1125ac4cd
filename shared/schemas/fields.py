"""Marshmallow fields the schemas share: e-mail addresses people type."""

from __future__ import annotations

from disposable_email_domains import blocklist
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from marshmallow import ValidationError, fields

from shared.people import imitating


def check_deliverability() -> bool:
    """Whether to look up the domain's mail servers (EMAIL_CHECK_DELIVERABILITY; off by
    default: it needs DNS, and a slow resolver must not slow every form down)."""
    return has_app_context() and current_app.config.get("EMAIL_CHECK_DELIVERABILITY", False)


class Email(fields.String):
    """An e-mail address, checked for form (and deliverability when configured), kept as the
    person typed it, trimmed: that is where their mail must go. A domain that mixes scripts
    or imitates a mailbox provider is refused; with `disposable=False`, addresses at known
    throwaway-mail domains are too."""

    def __init__(self, *, disposable: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.disposable = disposable

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        typed = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            checked = validate_email(typed, check_deliverability=check_deliverability())
        except EmailNotValidError as exc:
            raise ValidationError(f"Not a usable e-mail address: {exc}") from exc
        if imitating(checked.domain):
            raise ValidationError("Addresses at a domain that imitates another cannot be used.")
        if not self.disposable and checked.domain.lower() in blocklist:
            raise ValidationError("Addresses of throwaway-mail services cannot be used.")
        return typed
