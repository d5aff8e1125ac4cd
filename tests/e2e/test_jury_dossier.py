"""The scoring page in a real browser at a desktop's and a phone's width: every part of the
finalist's dossier is shown, the conflict-of-interest hint sits beside the recusal choice,
the link under the title brings the form into view, nothing scrolls sideways on the phone,
and axe-core finds nothing serious. The page is saved at both widths into
tests/e2e/screenshots/dossier/ (ignored by git) in the SQLite pass, for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_fits, install
from tests.e2e.test_campaign import shots_folder
from tests.services.jury.conftest import (
    build_jury,
    dossier,
    invite,
    login_path,
    run_worker,
    schedule,
    select_finalists,
    staff_headers,
)

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

ADDRESS = "an.peeters@proef0.be"  # the first finalist's website is www.proef0.be
PROBLEM = (
    "Gezinnen met een laag inkomen wonen vaak in slecht geïsoleerde huizen.\n"
    "Ze betalen daardoor een onevenredig groot deel van hun inkomen aan energie."
)
PARTS = (
    "Gezinnen met een laag inkomen wonen vaak in slecht geïsoleerde huizen.",
    "Ze betalen daardoor een onevenredig groot deel van hun inkomen aan energie.",
    "Oplossing 0: zuinige toestellen huren voor weinig geld per maand.",
    "Impact 0: 130 gezinnen besparen samen elk jaar 40.000 kWh.",
    "Vzw Proef 0",
    "Limburg",
    "Energie",
    "De website staat op hetzelfde domein als je e-mailadres.",
)
HEADINGS = ("Over deze finalist", "Het probleem", "De oplossing", "De impact", "Je beoordeling")


@pytest.fixture
def shots(request):
    """Where the pages are saved (None in the PostgreSQL pass)."""
    return shots_folder(request.config, "dossier")


@pytest.fixture
def tab(browser):
    """A browser tab (Dutch, Belgium) whose pages hold axe-core."""
    context = browser.new_context(locale="nl-BE")
    install(context)
    yield context.new_page()
    context.close()


def scoring_page(make_app, serve, tab: Page) -> str:
    """A juror at a finalist's domain, logged in in the tab; returns that finalist's page."""
    jury = build_jury(make_app)
    base = serve(jury)
    slug = schedule(jury, run=False)
    first, *_ = select_finalists(jury, slug, items=[dossier(0, problem=PROBLEM), dossier(1)])
    invite(jury, staff_headers(jury, "jury"), slug, ADDRESS)
    run_worker(jury)
    tab.goto(base + login_path(jury, ADDRESS))
    button = tab.get_by_role("button", name="Aanmelden")
    if button.count():  # the link's page asks for a press of its button
        button.click()
    return f"{base}/beoordelen/{first}"


@pytest.mark.parametrize("width", [1280, 360])
def test_the_scoring_page_shows_the_whole_dossier(make_app, serve, tab, shots, width):
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto(scoring_page(make_app, serve, tab))
    for part in PARTS:
        expect(tab.get_by_text(part, exact=True)).to_be_visible()
    for heading in HEADINGS:
        expect(tab.get_by_role("heading", name=heading)).to_be_visible()
    expect(tab.get_by_role("link", name="https://www.proef0.be/over-ons")).to_be_visible()
    expect(tab.locator("dl.facts dd").filter(has_text="2")).to_be_visible()
    assert_fits(tab, width)
    if shots:
        tab.screenshot(path=shots / f"score-{width}.png", full_page=True)


def test_on_a_phone_the_link_under_the_title_brings_the_form_into_view(make_app, serve, tab):
    tab.set_viewport_size({"width": 360, "height": 800})
    tab.goto(scoring_page(make_app, serve, tab))
    title = tab.get_by_role("heading", name="Je beoordeling")
    expect(title).not_to_be_in_viewport()  # the dossier comes first on a phone
    tab.get_by_role("link", name="Naar het beoordelingsformulier").click()
    expect(title).to_be_in_viewport()


def test_the_hint_sits_beside_the_recusal_choice(make_app, serve, tab):
    tab.set_viewport_size({"width": 360, "height": 800})
    tab.goto(scoring_page(make_app, serve, tab))
    recusal = tab.get_by_label("Ik heb een belangenconflict met deze finalist en onthoud me")
    recusal.scroll_into_view_if_needed()
    expect(tab.locator("#conflict-hint")).to_be_in_viewport()
    description = recusal.get_attribute("aria-describedby")
    assert description.split() == ["conflict-hint", "recused-hint"]
