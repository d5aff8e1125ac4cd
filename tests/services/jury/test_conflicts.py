"""Conflict-of-interest hints: a juror whose organisation or mail domain matches a finalist's
sees a hint beside the recusal choice on that finalist's page, and staff see it too; the
hints follow the finalists when they change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.jury.models import Juror
from shared.people import identify
from tests.services.jury.conftest import (
    dossier,
    invite,
    logged_in_client,
    schedule,
    select_finalists,
)
from tests.services.jury.test_reminders import erase
from tests.services.jury.test_staff_pages import signed_in

HTML = {"Accept": "text/html"}
WEBSITE_HINT = "De website staat op hetzelfde domein als je e-mailadres."
ORGANISATION_HINT = "Dezelfde organisatie als de jouwe."


def page_of(client, finalist_id: str) -> str:
    response = client.get(f"/beoordelen/{finalist_id}", headers=HTML)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hints(app, staff: dict, slug: str) -> dict[str, list]:
    """The hints of the progress API, by juror name."""
    response = app.test_client().get(f"/api/v1/editions/{slug}/progress", headers=staff)
    return {row["name"]: row["hints"] for row in response.get_json()}


def test_a_juror_at_a_finalists_website_domain_sees_the_hint_beside_the_recusal(
    jury, staff, contest
):
    juror = logged_in_client(jury, staff, contest.slug, "an.peeters@Proef1.be")
    text = page_of(juror, contest.finalists[1])
    assert "Misschien ken je deze finalist:" in text and WEBSITE_HINT in text
    hint_at, recusal_at = text.index(WEBSITE_HINT), text.index('id="recused"')
    assert 0 < recusal_at - hint_at < 600  # beside the choice
    assert 'aria-describedby="conflict-hint recused-hint"' in text


def test_no_hint_on_the_other_finalists_pages(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an.peeters@proef1.be")
    assert "Misschien ken je deze finalist" not in page_of(juror, contest.finalists[0])


def test_staff_see_the_website_hint_in_progress_and_on_their_page(jury, staff, contest):
    logged_in_client(jury, staff, contest.slug, "an.peeters@proef1.be", name="An")
    expected = [{"finalist_id": contest.finalists[1], "reasons": ["website_domain"]}]
    assert hints(jury, staff, contest.slug)["An"] == expected
    page = signed_in(jury, "jury").get(f"/staff/editions/{contest.slug}", headers=HTML)
    assert "Innovatie 1: website op het maildomein" in page.get_data(as_text=True)


@pytest.mark.parametrize("organisation", ["Proef 2 vzw", "PROÉF 2 V.Z.W", "proef-2"])
def test_an_organisation_differing_only_by_legal_form_gives_a_hint(
    jury, staff, contest, organisation
):
    juror = logged_in_client(
        jury, staff, contest.slug, "bert@telenet.be", name="Bert", organisation=organisation
    )
    assert ORGANISATION_HINT in page_of(juror, contest.finalists[2])
    expected = [{"finalist_id": contest.finalists[2], "reasons": ["same_organisation"]}]
    assert hints(jury, staff, contest.slug)["Bert"] == expected


def test_another_organisation_gives_no_hint(jury, staff, contest):
    invite(jury, staff, contest.slug, "bert@telenet.be", name="Bert", organisation="Proef 22")
    assert hints(jury, staff, contest.slug)["Bert"] == []


def test_the_nominees_mail_domain_gives_a_hint_by_its_keyed_hash(jury, staff):
    slug = schedule(jury, run=False)
    hashed = identify(jury.extensions["rv"].settings, "x@stad.gent").domain_hash
    (finalist,) = select_finalists(jury, slug, items=[dossier(0, nominee_domain_hash=hashed)])
    invite(jury, staff, slug, "cato@stad.gent", name="Cato")
    expected = [{"finalist_id": finalist, "reasons": ["nominee_domain"]}]
    assert hints(jury, staff, slug)["Cato"] == expected


def test_a_public_mailbox_provider_is_nobodys_domain(jury, staff):
    slug = schedule(jury, run=False)
    item = dossier(0, website="https://gmail.com/proef")
    item["nominee_domain_hash"] = identify(
        jury.extensions["rv"].settings, "x@gmail.com"
    ).domain_hash
    select_finalists(jury, slug, items=[item])
    invite(jury, staff, slug, "dirk@gmail.com", name="Dirk")
    assert hints(jury, staff, slug)["Dirk"] == []


def test_the_hints_follow_new_finalists(jury, staff, contest):
    invite(jury, staff, contest.slug, "els@proef7.be", name="Els")
    assert hints(jury, staff, contest.slug)["Els"] == []
    (new,) = select_finalists(jury, contest.slug, revision=2, items=[dossier(7)])
    expected = [{"finalist_id": new, "reasons": ["website_domain"]}]
    assert hints(jury, staff, contest.slug)["Els"] == expected


def test_an_erased_jurors_hints_and_organisation_are_gone(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@proef1.be", name="An", organisation="Proef 2")
    assert len(hints(jury, staff, contest.slug)["An"]) == 2
    erase(jury, "an@proef1.be")
    (row,) = (
        jury.test_client()
        .get(f"/api/v1/editions/{contest.slug}/progress", headers=staff)
        .get_json()
    )
    assert row["hints"] == []
    with jury.extensions["rv"].sessions() as session:
        assert session.scalar(select(Juror.organisation)) == ""
