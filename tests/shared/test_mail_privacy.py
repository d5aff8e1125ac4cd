"""Mail without leaks: `smtp://` without TLS is refused at start unless MAIL_ALLOW_PLAINTEXT
says so (`make run` does), and a refusal by the server is kept (in logs, rq's failed
registry and /api/v1/events/failed) as its class and code, never its text, which names the
address."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from shared.config import ConfigError, mail_url
from shared.logs import safe_error
from shared.mail import Mailer, MailNotSent, build_message
from shared.redis_server import free_port

ADDRESS = "lotte.janssens@telenet.be"


@pytest.mark.parametrize("url", ["smtp://mail.example:25", "smtp://u:p@mail.example:587"])
def test_smtp_without_tls_is_refused_at_start(tmp_path, url):
    with pytest.raises(ConfigError, match="MAIL_ALLOW_PLAINTEXT"):
        mail_url(tmp_path, {"MAIL_URL": url})


@pytest.mark.parametrize(
    ("url", "env"),
    [
        ("smtps://mail.example:465", {}),
        ("smtp://mail.example:587?starttls=1", {}),
        ("smtp://127.0.0.1:1025", {"MAIL_ALLOW_PLAINTEXT": "1"}),
        ("file:///tmp/outbox", {}),
    ],
)
def test_tls_or_an_explicit_setting_is_accepted(tmp_path, url, env):
    assert mail_url(tmp_path, {"MAIL_URL": url} | env) == url


class Refusing:
    """An SMTP server that refuses every recipient, naming it, as real servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"


@pytest.fixture
def refusing_server():
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}"
    controller.stop()


def test_a_refused_recipient_is_reported_without_the_address(refusing_server):
    with pytest.raises(MailNotSent) as refused:
        Mailer(refusing_server).send(build_message(ADDRESS, "Bevestig je stem", "Klik."))
    assert "550" in str(refused.value) and ADDRESS not in str(refused.value)
    assert refused.value.__context__ is None or refused.value.__suppress_context__


def test_a_kept_error_holds_no_address_nor_token():
    error = ValueError(f"no vote for {ADDRESS} with link IjVmNGQ5YzE2Ig.aGVsbG8.bm90LWEtdG9rZW4xyz")
    kept = safe_error(error)
    assert kept.startswith("ValueError: ") and "<address>" in kept and "<token>" in kept
    assert ADDRESS not in kept and "bm90LWEtdG9rZW4" not in kept
