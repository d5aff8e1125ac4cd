"""Accessibility of every public and juror page, in Dutch and in English: axe-core finds no
serious or critical violation at a desktop's width nor at a phone's (360 px), where nothing
scrolls sideways; and a voter using only the keyboard gets from the top of the voting page
through the form to "check your mail", seeing where the focus is at every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import blocking_violations, describe, install, overflowing
from tests.e2e.public_pages import LANGUAGES, PAGES, Site, open_site

# What a page shows and how it reads do not depend on the database engine (the pages' data is
# the same on both): the PostgreSQL pass leaves these to the SQLite pass.
pytestmark = pytest.mark.engine_free

PHONE = 360
WIDTHS = {"desktop": 1280, "phone": PHONE}  # the phone's last: its page is checked for width
HEIGHT = 800
# Whether an element has the focus, drawn (an outline of 2 px or more), inside the viewport.
FOCUSED = """e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return e === document.activeElement && s.outlineStyle !== 'none'
    && parseFloat(s.outlineWidth) >= 2 && r.left >= 0 && r.right <= innerWidth; }"""


@pytest.fixture
def tab(browser):
    """A browser tab (Dutch, Belgium) whose pages all hold axe-core."""
    context = browser.new_context(locale="nl-BE")
    install(context)
    yield context.new_page()
    context.close()


@pytest.fixture
def site(stack, serve, tmp_path) -> Site:
    """The stack served over HTTP, with its editions; a script fills forms faster than a
    person can, so the floors of the robot and fraud checks are off."""
    apps = stack(
        session_cookie_secure=False, nomination_min_fill_seconds=0, fraud_min_form_seconds=0.0
    )
    urls = {name: serve(app) for name, app in apps.items()}
    return open_site(apps, urls, tmp_path / "outbox")


def problems_at_each_width(tab: Page) -> dict[str, str]:
    """axe-core's blocking violations on the page in the tab, described per width at which
    they show; the tab is left at a phone's width."""
    found = {}
    for where, width in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": HEIGHT})
        if violations := blocking_violations(tab):
            found[where] = describe(violations)
    return found


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_violations_and_fits_a_phone(name, site, tab):
    if PAGES[name].prepare:
        PAGES[name].prepare(site)
    for lang in LANGUAGES:
        site.lang = lang
        PAGES[name].show(site, tab)
        assert tab.evaluate("document.documentElement.lang") == site.lang
        found = problems_at_each_width(tab)
        assert not found, "\n".join(f"{site.lang}, {at} width:\n{t}" for at, t in found.items())
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE, f"{site.lang}: {overflowing(tab, PHONE)}"


def focus_is_on(tab: Page, selector: str) -> bool:
    """Whether the focus is on the element `selector` finds, drawn with a focus ring (an
    outline at least 2 px wide) and inside the viewport."""
    return tab.locator(selector).evaluate(FOCUSED)


def test_a_voter_with_only_a_keyboard_reaches_the_form_and_votes(site, tab):
    voting = site.voting
    first, second = (f"#finalist-{fid}" for fid in voting.finalist_ids[:2])
    site.go(tab, "voting", "/")
    keys = tab.keyboard
    keys.press("Tab")
    assert focus_is_on(tab, "a.skip")
    keys.press("Enter")  # past the header: the next Tab lands in the main content
    keys.press("Tab")
    assert focus_is_on(tab, first)
    keys.press("Space")
    keys.press("ArrowDown")  # moves the choice within the group; sends nothing
    assert focus_is_on(tab, second) and tab.locator(second).is_checked()
    for n in (1, 2):  # each finalist's page, linked after its choice (one stop for the group)
        keys.press("Tab")
        assert focus_is_on(tab, f"a.more >> nth={n}")
    keys.press("Tab")
    assert focus_is_on(tab, "#email")
    keys.type("an.peeters@telenet.be")
    keys.press("Tab")
    assert focus_is_on(tab, "main button[type=submit]")
    with tab.expect_navigation():
        keys.press("Enter")
    assert tab.url.endswith("/check-je-mail") and tab.get_by_role("status").is_visible()
    [vote] = voting.votes()
    assert (vote.status, vote.finalist_id) == ("unconfirmed", voting.finalist_ids[1])
