"""Mail through MAIL_URL: whole .eml files in a folder, and SMTP to a real local server.

The SMTP tests talk to an aiosmtpd server on 127.0.0.1; the TLS ones use a self-signed
certificate made with the openssl command and trusted through SSL_CERT_FILE.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from shared.mail import Mailer, build_message
from shared.redis_server import free_port

SUBJECT = "Bevestig je stem: één klik, geëerde finalist"
TEXT = "Hé Anaïs,\n\nKlik op de link om je stem te bevestigen. Dank je, en tot ziens!\n"
HTML = "<p>Hé Anaïs, klik op de <a href='https://example.be/x'>link</a>.</p>"


class Inbox:
    """An aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def message(self, index: int = 0) -> email.message.EmailMessage:
        """The message as received (SMTP carries CRLF line ends)."""
        return email.message_from_bytes(
            self.envelopes[index].original_content, policy=email.policy.default
        )


@pytest.fixture
def smtp_server():
    """Start a real SMTP server on a free port; returns (inbox, port, start)."""
    controllers = []

    def start(**options) -> tuple[Inbox, int]:
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return inbox, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate path, key path)."""
    assert shutil.which("openssl"), "the openssl command is needed to make a test certificate"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    command += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture
def server_tls(certificate, monkeypatch):
    """The server side TLS context; the client trusts the certificate via SSL_CERT_FILE."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def read_eml(folder):
    (path,) = folder.iterdir()
    with path.open("rb") as f:
        return path, email.message_from_binary_file(f, policy=email.policy.default)


def test_build_message_keeps_the_address_as_typed():
    message = build_message("Jan.Peeters@Voorbeeld.BE", SUBJECT, TEXT)
    assert message["To"] == "Jan.Peeters@Voorbeeld.BE"


def test_build_message_refuses_a_header_injection():
    with pytest.raises(ValueError):
        build_message("jan@voorbeeld.be\r\nBcc: mallory@example.com", SUBJECT, TEXT)


def test_build_message_has_date_and_message_id_of_the_sender_domain():
    message = build_message("jan@voorbeeld.be", SUBJECT, TEXT)
    assert message["Date"]
    assert message["Message-ID"].endswith("@radicalevernieuwers.be>")


def test_mailer_refuses_an_unknown_scheme():
    with pytest.raises(ValueError, match="scheme"):
        Mailer("http://mail.example.com")


def test_mailer_refuses_a_file_url_with_a_host():
    with pytest.raises(ValueError):
        Mailer("file://var/outbox")


def test_file_delivery_writes_one_parseable_eml(tmp_path):
    folder = tmp_path / "outbox"
    Mailer(f"file://{folder}").send(build_message("Jan.Peeters@Voorbeeld.BE", SUBJECT, TEXT))
    path, message = read_eml(folder)
    assert path.suffix == ".eml"
    assert message["To"] == "Jan.Peeters@Voorbeeld.BE"
    assert message["From"] == "Radicale Vernieuwers <noreply@radicalevernieuwers.be>"


def test_file_delivery_keeps_dutch_accents_in_subject_and_body(tmp_path):
    Mailer(f"file://{tmp_path}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    _, message = read_eml(tmp_path)
    assert message["Subject"] == SUBJECT
    assert message.get_content() == TEXT


def test_file_delivery_includes_the_html_alternative(tmp_path):
    Mailer(f"file://{tmp_path}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT, HTML))
    _, message = read_eml(tmp_path)
    assert message.get_body(("html",)).get_content().strip() == HTML
    assert message.get_body(("plain",)).get_content() == TEXT


def test_file_delivery_keeps_a_non_ascii_address_as_typed(tmp_path):
    Mailer(f"file://{tmp_path}").send(build_message("José@Voorbeeld.be", SUBJECT, TEXT))
    path, message = read_eml(tmp_path)
    assert message["To"] == "José@Voorbeeld.be"
    assert "To: José@Voorbeeld.be".encode() in path.read_bytes()


def test_file_delivery_leaves_no_temporary_files(tmp_path):
    mailer = Mailer(f"file://{tmp_path}")
    for n in range(3):
        mailer.send(build_message(f"persoon{n}@voorbeeld.be", SUBJECT, TEXT))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3
    assert all(name.endswith(".eml") and not name.startswith(".") for name in names)


def test_file_delivery_creates_the_folder(tmp_path):
    folder = tmp_path / "nieuw" / "outbox"
    Mailer(f"file://{folder}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    assert len(list(folder.glob("*.eml"))) == 1


def test_smtp_delivers_to_the_server(smtp_server):
    inbox, port = smtp_server()
    Mailer(f"smtp://127.0.0.1:{port}").send(build_message("Jan@Voorbeeld.be", SUBJECT, TEXT))
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "noreply@radicalevernieuwers.be"
    assert envelope.rcpt_tos == ["Jan@Voorbeeld.be"]


def test_smtp_delivery_keeps_dutch_accents(smtp_server):
    inbox, port = smtp_server()
    Mailer(f"smtp://127.0.0.1:{port}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    assert inbox.message()["Subject"] == SUBJECT
    assert inbox.message().get_content().replace("\r\n", "\n") == TEXT


def test_smtp_delivers_a_non_ascii_address_with_smtputf8(smtp_server):
    inbox, port = smtp_server(enable_SMTPUTF8=True)
    Mailer(f"smtp://127.0.0.1:{port}").send(build_message("josé@voorbeeld.be", SUBJECT, TEXT))
    assert inbox.envelopes[0].rcpt_tos == ["josé@voorbeeld.be"]


def test_smtp_logs_in_with_the_credentials_of_the_url(smtp_server):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox, port = smtp_server(authenticator=authenticator, auth_require_tls=False)
    url = f"smtp://mailer%40rv:geheim%21@127.0.0.1:{port}"
    Mailer(url).send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    assert logins == [(b"mailer@rv", b"geheim!")]
    assert len(inbox.envelopes) == 1


def test_smtp_starttls_upgrades_before_sending(smtp_server, server_tls):
    inbox, port = smtp_server(tls_context=server_tls, require_starttls=True)
    url = f"smtp://127.0.0.1:{port}?starttls=1"
    Mailer(url).send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    assert len(inbox.envelopes) == 1


def test_smtps_sends_over_tls_from_the_start(smtp_server, server_tls):
    inbox, port = smtp_server(ssl_context=server_tls)
    Mailer(f"smtps://127.0.0.1:{port}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
    assert len(inbox.envelopes) == 1


def test_smtps_refuses_a_certificate_it_cannot_verify(smtp_server, server_tls, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    _, port = smtp_server(ssl_context=server_tls)
    with pytest.raises(ssl.SSLCertVerificationError):
        Mailer(f"smtps://127.0.0.1:{port}").send(build_message("jan@voorbeeld.be", SUBJECT, TEXT))
