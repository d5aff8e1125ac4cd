"""Login links: mailed by the worker, single use, expiring, tamper-proof; the session."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.links import follow
from tests.services.jury.conftest import csrf, invite, login_path, mails_to

HTML = {"Accept": "text/html"}
WEEK = 7 * 24 * 3600


def test_the_invitation_mails_a_login_link_to_the_address_as_typed(jury, staff, contest):
    invite(jury, staff, contest.slug, "An.Peeters@KULeuven.be")
    (mail,) = mails_to(jury, "An.Peeters@KULeuven.be")
    assert login_path(jury, "An.Peeters@KULeuven.be").startswith("/login/")
    assert "http://127.0.0.1:5003/login/" in mail.get_body(("plain",)).get_content()


def test_the_link_starts_a_session_and_leads_to_the_finalists(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    client = jury.test_client()
    response = follow(client, login_path(jury, "an@example.be"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert all(f"/beoordelen/{fid}" in page for fid in contest.finalists)


def test_the_session_is_permanent_with_the_configured_lifetime(make_jury, staff, contest):
    jury = make_jury(jury_session_lifetime=600)
    assert jury.permanent_session_lifetime.total_seconds() == 600


def test_a_used_link_offers_a_new_one(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    path = login_path(jury, "an@example.be")
    follow(jury.test_client(), path)
    response = jury.test_client().get(path, headers=HTML)
    assert response.status_code == 410
    assert "nieuwe-link" in response.get_data(as_text=True)


def test_a_used_link_in_the_jurors_own_live_session_just_goes_on(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    path = login_path(jury, "an@example.be")
    client = jury.test_client()
    follow(client, path)
    assert client.get(path).status_code == 303


def test_a_tampered_link_is_refused(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    path, page = login_path(jury, "an@example.be"), f"/beoordelen/{contest.finalists[0]}"
    client = jury.test_client()
    assert client.get(path[:-3] + "xyz", headers=HTML).status_code == 400
    assert client.get(page, headers=HTML).status_code == 401
    assert follow(client, path).status_code == 303  # the link as sent still works
    assert client.get(page, headers=HTML).status_code == 200


class _EightDaysAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 8 * 24 * 3600


def test_an_expired_link_is_410_with_a_form_for_a_new_one(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    link_id = _link_id(jury, login_path(jury, "an@example.be"))
    old = URLSafeTimedSerializer(jury.secret_key, salt="rv.jury-login", signer=_EightDaysAgo)
    response = jury.test_client().get(f"/login/{old.dumps(link_id)}", headers=HTML)
    assert response.status_code == 410
    assert 'name="email"' in response.get_data(as_text=True)


def test_a_link_for_another_purpose_is_refused(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    link_id = _link_id(jury, login_path(jury, "an@example.be"))
    other = URLSafeTimedSerializer(jury.secret_key, salt="rv.vote-confirm").dumps(link_id)
    assert jury.test_client().get(f"/login/{other}", headers=HTML).status_code == 400


def test_logging_out_ends_the_session(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    client, page = jury.test_client(), f"/beoordelen/{contest.finalists[0]}"
    follow(client, login_path(jury, "an@example.be"))
    assert client.get(page, headers=HTML).status_code == 200
    assert client.post("/afmelden", data={"csrf_token": csrf(client, "/")}).status_code == 303
    assert client.get(page, headers=HTML).status_code == 401


def _link_id(app, path: str) -> str:
    serializer = URLSafeTimedSerializer(app.secret_key, salt="rv.jury-login")
    return serializer.loads(path.removeprefix("/login/"))


def test_the_link_expires_after_the_configured_age(make_jury):
    assert make_jury().extensions["rv"].settings.jury_login_link_max_age == WEEK


def test_the_pages_speak_english_on_request(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    client = jury.test_client()
    follow(client, login_path(jury, "an@example.be"))
    page = client.get(f"/beoordelen/{contest.finalists[0]}?lang=en").get_data(as_text=True)
    assert "Save as draft" in page
    assert 'lang="en"' in page


def test_a_language_asked_for_on_the_login_link_holds_after_its_redirects(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    client = jury.test_client()
    page = follow(client, login_path(jury, "an@example.be") + "?lang=en", follow_redirects=True)
    assert 'lang="en"' in page.get_data(as_text=True)


def test_opening_the_link_shows_a_log_in_button_and_uses_nothing(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    path = login_path(jury, "an@example.be")
    scanner = jury.test_client()
    for _ in range(3):
        page = scanner.get(path, headers=HTML)
        assert page.status_code == 200
        assert f'<form method="post" action="{path}">' in page.get_data(as_text=True)
    assert scanner.get(f"/beoordelen/{contest.finalists[0]}", headers=HTML).status_code == 401
    assert follow(jury.test_client(), path).status_code == 303


def test_pressing_the_button_without_the_csrf_token_logs_nobody_in(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    path = login_path(jury, "an@example.be")
    client = jury.test_client()
    assert client.post(path, headers=HTML).status_code == 400
    assert client.get(f"/beoordelen/{contest.finalists[0]}", headers=HTML).status_code == 401
    assert follow(client, path).status_code == 303


def test_the_login_mail_says_how_long_its_link_stays_valid_in_words(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    (mail,) = mails_to(jury, "an@example.be")
    assert "blijft 1 week geldig" in mail.get_body(("plain",)).get_content()
