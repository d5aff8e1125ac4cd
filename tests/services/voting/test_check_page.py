"""The check page: before the close it says when it opens; after it a voter types their
receipt and reads counted (for whom), held for review, rejected or not found, downloads the
bulletin exactly as hashed and reads how to check the hash."""

from __future__ import annotations

import hashlib
import html

import pytest

from tests.services.voting.receipt_helpers import check, public_bulletin, voted
from tests.services.voting.review_helpers import close, school_class


def page(voting, path: str = "/stemmen/{slug}/controle", lang: str = "nl"):
    return voting.app.test_client().get(
        path.format(slug=voting.slug) + f"?lang={lang}", headers={"Accept": "text/html"}
    )


def test_before_the_close_the_page_says_when_it_opens_and_takes_no_receipt(voting):
    response = page(voting)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "opent zodra de stemming gesloten is" in text
    assert 'name="receipt"' not in text


def test_the_bulletin_file_is_404_before_the_close(voting):
    assert page(voting, "/stemmen/{slug}/bulletin.json").status_code == 404


def test_an_unknown_edition_is_404(voting):
    assert page(voting, "/stemmen/bestaat-niet/controle").status_code == 404


@pytest.mark.parametrize(
    ("lang", "says"), [("nl", "Je stem telt mee, voor Innovatie 1."), ("en", "Your vote counts")]
)
def test_a_counted_receipt_reads_counted_for_its_finalist(voting, lang, says):
    code = voted(voting, "an@telenet.be", 1)
    close(voting)
    answer = html.unescape(check(voting, code.lower().replace("-", " "), lang))
    assert code in answer and says in answer


def test_a_held_receipt_reads_held_for_review(make_voting):
    voting = make_voting(fraud_flood_votes=1, fraud_hold_score=0.5)
    school_class(voting, 2)
    close(voting)
    counted, held = voting.votes()
    assert "telt mee, voor" in html.unescape(check(voting, counted.receipt))  # control
    assert "nog gecontroleerd" in check(voting, held.receipt)


def test_a_receipt_not_in_the_vote_reads_not_found(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    assert "staat niet in de stemming" in check(voting, "2345-6789-ABCD")


def test_what_is_no_receipt_is_marked_on_the_field(voting):
    close(voting)
    answer = check(voting, "geen code")
    assert 'aria-invalid="true"' in answer and "geen ontvangstcode" in answer


def test_the_downloaded_bulletin_s_sha256sum_is_the_bulletin_s_hash(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    response = page(voting, "/stemmen/{slug}/bulletin.json")
    sha256 = public_bulletin(voting.app, voting.slug)["sha256"]
    assert hashlib.sha256(response.get_data()).hexdigest() == sha256
    assert "attachment" in response.headers["Content-Disposition"]
    shown = page(voting).get_data(as_text=True)
    assert sha256 in shown and f"sha256sum bulletin-{voting.slug}.json" in shown
