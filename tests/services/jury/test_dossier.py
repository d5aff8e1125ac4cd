"""The juror's pages: the scoring page holds the finalist's whole dossier before the form
(with a link to the form), and the list of finalists the weighted score so far."""

from __future__ import annotations

import pytest

from tests.services.jury.conftest import (
    dossier,
    logged_in_client,
    put_criteria,
    schedule,
    score_form,
    select_finalists,
)

HTML = {"Accept": "text/html"}


def page(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "part",
    [
        "Probleem 1: gezinnen met een laag inkomen",
        "Oplossing 1: zuinige toestellen huren",
        "Impact 1: 130 gezinnen besparen",
        "Vzw Proef 1",
        "Limburg",
        "Energie",
        'href="https://www.proef1.be/over-ons"',
        "<dt>Aantal nominaties</dt><dd>3</dd>",
    ],
)
def test_the_scoring_page_shows_each_part_of_the_dossier(jury, staff, contest, part):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    assert part in page(juror, f"/beoordelen/{contest.finalists[1]}")


def test_the_link_to_the_form_comes_before_the_dossier(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    text = page(juror, f"/beoordelen/{contest.finalists[0]}")
    marks = ('href="#scoring-form"', 'id="about"', 'id="scoring-form"')
    link, about, form = (text.index(mark) for mark in marks)
    assert link < about < form


def test_a_declined_nominee_is_named_to_the_jury_with_a_warning(jury, staff):
    slug = schedule(jury, run=False)
    (finalist,) = select_finalists(jury, slug, items=[dossier(0, declined_publicity=True)])
    juror = logged_in_client(jury, staff, slug, "an@example.be")
    text = page(juror, f"/beoordelen/{finalist}")
    assert "Innovatie 0" in text and "wil niet publiek genoemd worden" in text


def test_the_list_shows_the_weighted_score_so_far_drafts_included(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, {"impact": 2, "novelty": 1})
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 8, "novelty": 5})
    score_form(juror, contest.finalists[1], {"impact": 6})
    cells = [c.split("</td>")[0] for c in page(juror, "/").split('class="score-so-far">')[1:]]
    assert cells[0].startswith("7,0") and "2 van 2 criteria" in cells[0]
    assert cells[1].startswith("6,0") and "1 van 2 criteria" in cells[1]
    assert cells[2].strip() == "\N{EN DASH}"
