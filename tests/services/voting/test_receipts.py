"""Receipts: a random code shown on the page that confirms a vote, the same on every later
confirmation, never in a mail, never derived from the address."""

from __future__ import annotations

import pytest

from services.voting import receipts
from tests.services.voting.receipt_helpers import receipt_on, voted

ADDRESS = "lies.maes@telenet.be"


def test_a_receipt_has_twelve_characters_without_look_alikes_in_groups_of_four():
    code = receipts.new_receipt()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert not set("".join(groups)) & set("01OIL")
    assert receipts.FORMAT.match(code)


def test_receipts_are_drawn_at_random():
    assert len({receipts.new_receipt() for _ in range(1000)}) == 1000


@pytest.mark.parametrize("typed", ["7kqm x4rt 9hcw", " 7KQM-X4RT-9HCW ", "7kqmx4rt9hcw"])
def test_a_typed_receipt_is_read_whatever_its_spaces_dashes_or_case(typed):
    assert receipts.normalise(typed) == "7KQM-X4RT-9HCW"


@pytest.mark.parametrize("typed", ["", "7KQM-X4RT", "7KQM-X4RT-9HC0", "7KQM-X4RT-9HCW-2345"])
def test_what_cannot_be_a_receipt_is_refused(typed):
    assert receipts.normalise(typed) is None


def test_the_confirmation_page_shows_the_receipt_stored_on_the_vote(voting):
    code = voted(voting, ADDRESS)
    [vote] = voting.votes()
    assert vote.receipt == code


def test_a_repeat_confirmation_shows_the_same_receipt(voting):
    code = voted(voting, ADDRESS)
    again = voting.confirm(voting.token(ADDRESS))
    assert "al bevestigd" in again.get_data(as_text=True)
    assert receipt_on(again.get_data(as_text=True)) == code


def test_the_same_person_in_two_editions_gets_two_unrelated_receipts(make_voting):
    first, second = make_voting(), make_voting()
    assert voted(first, ADDRESS) != voted(second, ADDRESS)


def test_no_mail_holds_the_receipt(voting):
    code = voted(voting, ADDRESS)
    voting.vote(ADDRESS)  # again: the mail says "you already voted"
    voting.deliver()
    mails = voting.mails(ADDRESS)
    assert len(mails) == 2
    for mail in mails:
        assert code not in mail.as_string()
        assert code.replace("-", "") not in mail.as_string()


def test_an_unconfirmed_vote_has_no_receipt(voting):
    voting.vote(ADDRESS)
    [vote] = voting.votes()
    assert vote.receipt is None
