"""A vote's mail is read, then sent with no transaction open, then its address is dropped,
unless the vote changed while the mail went."""

from __future__ import annotations

import threading

from sqlalchemy import update

from services.voting.jobs import HANDLERS, MAIL_EVENT
from services.voting.models import Vote
from shared.events import consume, envelope

HANNE = "hanne.claes@telenet.be"


def while_sending(voting, monkeypatch, action) -> None:
    """Run `action` each time the voting worker hands a mail to the mailer, just before."""
    mailer = voting.app.extensions["rv"].mailer
    send = mailer.send

    def send_after_action(message):
        action()
        send(message)

    monkeypatch.setattr(mailer, "send", send_after_action)


def test_the_database_takes_writes_while_a_vote_mail_is_sent(voting, monkeypatch):
    voting.vote(HANNE)
    [vote] = voting.votes()
    written, in_time = threading.Event(), []

    def write_the_vote() -> None:
        with voting.app.extensions["rv"].sessions.begin() as session:
            session.execute(update(Vote).where(Vote.id == vote.id).values(network=vote.network))
        written.set()

    def write_meanwhile() -> None:
        threading.Thread(target=write_the_vote, daemon=True).start()
        in_time.append(written.wait(3))

    while_sending(voting, monkeypatch, write_meanwhile)
    voting.deliver()
    assert in_time == [True]
    assert len(voting.mails(HANNE)) == 1


def test_the_same_choice_cast_again_while_its_mail_goes_gets_a_mail_of_its_own(voting, monkeypatch):
    voting.vote(HANNE)
    cast_again = []
    while_sending(voting, monkeypatch, lambda: cast_again or cast_again.append(voting.vote(HANNE)))
    voting.deliver()
    [vote] = voting.votes()
    assert vote.email == HANNE  # the first mail went to an address read before it was typed again
    voting.deliver()
    [vote] = voting.votes()
    assert vote.email is None
    assert len(voting.mails(HANNE)) == 2


def test_a_second_mail_event_of_a_vote_sends_nothing_once_its_mail_went(voting):
    voting.vote(HANNE)
    [vote] = voting.votes()
    sessions = voting.app.extensions["rv"].sessions
    with voting.app.app_context():
        for _ in range(2):
            consume(sessions, [envelope(MAIL_EVENT, "voting", {"vote_id": vote.id})], HANDLERS)
    assert len(voting.mails(HANNE)) == 1
