"""The staff chart in a real browser: sign in by the form, keyboard only, and see the bars
of each finalist with no script and nothing refused by the content security policy."""

from __future__ import annotations

import pytest

from tests.services.voting.review_helpers import school_class

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)


def test_staff_sign_in_and_chart_in_a_browser(make_voting, token_for, serve, page, tmp_path):
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5, session_cookie_secure=False)
    school_class(voting, 5)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    url = serve(voting.app)
    page.goto(f"{url}/staff/editions/{voting.slug}/votes")
    page.get_by_label("Staff-token").fill(token_for("votes"))
    page.keyboard.press("Enter")
    page.wait_for_selector("figure.hourly")
    assert page.locator("figure.hourly").count() == 3
    assert page.locator("figure.hourly rect.bar-quarantined").count() == 1
    page.screenshot(path=tmp_path / "chart.png", full_page=True)
    assert refused == []
