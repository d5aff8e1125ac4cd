"""Rotating the secret key: links signed with the old key keep working while it is listed in
SECRET_KEY_FALLBACKS, and stop once it is gone; new links carry the new key."""

from __future__ import annotations

import pytest

from shared.tokens import LinkInvalid, make_token, read_token

OLD, NEW = "old-secret-key-" + "o" * 20, "new-secret-key-" + "n" * 20


def signed(app, value: str = "vote-1") -> str:
    with app.app_context():
        return make_token("vote", value)


def read(app, token: str) -> str:
    with app.app_context():
        return read_token("vote", token, max_age=60)


def test_a_link_signed_with_the_old_key_passes_while_it_is_a_fallback(make_app):
    old = make_app("voting", secret_key=OLD)
    rotated = make_app("voting", secret_key=NEW, secret_key_fallbacks=(OLD,))
    assert read(rotated, signed(old)) == "vote-1"
    assert read(rotated, signed(rotated)) == "vote-1"
    with pytest.raises(LinkInvalid):
        read(old, signed(rotated))  # new links are signed with the new key


def test_a_link_signed_with_a_retired_key_is_refused(make_app):
    old = make_app("voting", secret_key=OLD)
    with pytest.raises(LinkInvalid):
        read(make_app("voting", secret_key=NEW), signed(old))


def test_fallback_keys_are_read_from_the_environment(settings_for, make_env):
    settings = settings_for("jury", make_env(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=f"{OLD},older"))
    assert settings.secret_key_fallbacks == (OLD, "older")
