"""Error pages in a real browser: the site's layout, in Dutch or in English."""

import pytest

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)


def test_error_page_in_browser(apps, serve, page):
    url = serve(apps["nominations"])
    page.goto(url + "/bestaat/niet")
    assert "Dat lukte niet" in page.content()
    page.goto(url + "/bestaat/niet?lang=en")
    assert "That did not work" in page.content()
