"""A juror in a real browser: logs in from the mail (with the button on the link's page),
fills the form by its labels, saves a draft, lets the session expire, comes back through a
new link, finds their work, submits."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.services.jury.conftest import (
    Contest,
    build_jury,
    login_path,
    put_criteria,
    run_worker,
    schedule,
    select_finalists,
    staff_headers,
)
from tests.shared.bus_helpers import wait_for

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

LIFETIME = 6  # seconds a session lives without a request, for this test only: longer than
# the juror's steps between two requests take on a loaded machine
ADDRESS = "Jurylid.Een@kuleuven.be"
CRITERIA = {"impact": 2, "novelty": 1, "participation": 1}


def log_in(page, link: str) -> None:
    """Open the link from the mail and press its log-in button."""
    page.goto(link)
    page.get_by_role("button", name="Aanmelden").click()


def test_a_juror_keeps_their_work_across_an_expired_session(make_app, serve, page):
    jury = build_jury(make_app, jury_session_lifetime=LIFETIME)
    base = serve(jury)
    slug = schedule(jury, run=False)
    contest = Contest(slug, select_finalists(jury, slug))
    staff = staff_headers(jury, "jury")
    put_criteria(jury, staff, slug, CRITERIA)
    jury.test_client().post(
        f"/api/v1/editions/{slug}/jurors", json={"name": "Een", "email": ADDRESS}, headers=staff
    )
    run_worker(jury)

    log_in(page, base + login_path(jury, ADDRESS))
    page.get_by_role("link", name="Innovatie 0").click()
    page.get_by_label("Impact").fill("7")
    page.get_by_label("Novelty").fill("6")
    page.get_by_label("Participation").fill("5")
    page.get_by_label("Commentaar").fill("Sterk in participatie")
    page.get_by_role("button", name="Bewaar als ontwerp").click()
    expect(page.get_by_role("status").filter(has_text="Je ontwerp is bewaard")).to_be_visible()

    time.sleep(LIFETIME + 2)  # the session runs out while the juror thinks
    page.get_by_label("Impact").fill("9")
    page.get_by_role("button", name="Indienen").click()
    assert "Je sessie is verlopen" in page.content()
    assert page.get_by_label("Impact").input_value() == "9"  # nothing lost

    page.get_by_label("Je e-mailadres").fill(ADDRESS)
    page.get_by_role("button", name="Stuur me een nieuwe link").click()
    assert "Kijk in je mailbox" in page.content()
    run_worker(jury)
    log_in(page, base + login_path(jury, ADDRESS))

    assert re.search(rf"/beoordelen/{contest.finalists[0]}$", page.url)
    # Kept by the browser: the page's script puts the copy back once it has run (waited for,
    # as a slow machine may show the form before the script ran), and says so.
    expect(page.get_by_label("Impact")).to_have_value("9")
    expect(page.locator("#draft-restored")).to_be_visible()
    assert page.get_by_label("Commentaar").input_value() == "Sterk in participatie"
    assert page.locator("#draft-restored").is_visible()
    page.get_by_role("button", name="Indienen").click()
    assert "is ingediend" in page.content()
    # The browser's copy is gone once the page's script has run (waited for, as above; asked
    # from here: Playwright's own wait_for_function evaluates its string with eval in the
    # page once it has to poll, which the page's CSP refuses).
    wait_for(lambda: page.evaluate("Object.keys(localStorage)") == [], timeout=5)

    ranking = jury.test_client().get(f"/api/v1/editions/{slug}/ranking", headers=staff)
    assert ranking.get_json()[0] == {"finalist_id": contest.finalists[0], "score": 7.25, "rank": 1}
