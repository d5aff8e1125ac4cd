"""Voting in a real browser: choose a finalist with the keyboard (which casts nothing), type
the address, press "Stem", then open the link in the mail folder and press its button."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from services.voting.models import Vote
from shared.editions import SCHEDULED
from shared.schemas.contest import FINALISTS_SELECTED
from tests.services.voting.conftest import LINK, Voting, apply, finalists, schedule

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

ADDRESS = "an.peeters@telenet.be"


def open_edition(make_app, tmp_path) -> Voting:
    # A browser fills the form faster than the fraud signal's floor: the test votes as one.
    app = make_app("voting", fraud_min_form_seconds=0.0)
    slug, ids = f"ed-{uuid.uuid4().hex[:8]}", [str(uuid.uuid4()) for _ in range(3)]
    apply(app, SCHEDULED, schedule(slug))
    apply(app, FINALISTS_SELECTED, finalists(slug, ids))
    return Voting(app, slug, ids, tmp_path / "outbox")


def test_vote_in_the_browser_and_confirm_from_the_mail(make_app, tmp_path, serve, page):
    voting = open_edition(make_app, tmp_path)
    base = serve(voting.app)
    page.goto(base + "/")
    page.get_by_label("Innovatie 0").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # moves the choice; submits nothing
    assert page.get_by_label("Innovatie 1").is_checked()
    assert urlsplit(page.url).path == "/" and voting.votes() == []
    page.get_by_label("Je e-mailadres").fill(ADDRESS)
    page.get_by_role("button", name="Stem").click()
    page.wait_for_url("**/check-je-mail")
    assert "Kijk in je mailbox" in page.content()
    voting.deliver()
    [mail] = voting.mails(ADDRESS)
    link = LINK.search(mail.get_body(("plain",)).get_content()).group(0)
    page.goto(base + urlsplit(link).path)
    assert [v.status for v in voting.votes()] == ["unconfirmed"]  # opening it changed nothing
    page.get_by_role("button", name="Bevestig mijn stem").click()
    assert "je stem is bevestigd" in page.content()
    [vote] = voting.votes()
    assert isinstance(vote, Vote)
    assert (vote.status, vote.finalist_id) == ("counted", voting.finalist_ids[1])
