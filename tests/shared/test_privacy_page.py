"""Every service's privacy page: linked from every page's footer, in Dutch and English, with
the retention periods the settings really hold."""

from __future__ import annotations

import pytest

from shared.config import SERVICES

# The page shows the settings' periods, the same on both engines: the PostgreSQL pass
# leaves this module to the SQLite pass.
pytestmark = pytest.mark.engine_free


@pytest.mark.parametrize("service", SERVICES)
def test_the_privacy_page_gives_the_periods_the_settings_hold(make_app, service):
    app = make_app(service, voter_retention_days=41, juror_retention_days=17)
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Privacy: wat we van je bewaren" in page
    assert "41 dagen na het sluiten van de stemming" in page
    assert "17 dagen na het einde van de jury" in page
    assert "180 dagen na het einde van de jury" in page


@pytest.mark.parametrize("service", SERVICES)
def test_the_privacy_page_speaks_english(make_app, service):
    page = make_app(service).test_client().get("/privacy?lang=en").get_data(as_text=True)
    assert "Privacy: what we keep about you" in page and "90 days after voting closes" in page


@pytest.mark.parametrize("service", SERVICES)
def test_every_page_links_to_the_privacy_page(make_app, service):
    client = make_app(service).test_client()
    page = client.get("/bestaat/niet", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a href="/privacy">Privacy</a>' in page
