"""A whole edition run by the secretariat through the staff pages only, in Chromium.

A Dutch-speaking staff member creates the edition on the hub's form, moves the schedule,
and screens the nominations on their pages; an English-speaking colleague (a browser
asking for English) picks the finalists, releases a held vote on voting's review page,
invites the juror on the jury's page, closes the rounds and publishes the winners under
an embargo. The public nominate and vote, and the juror scores, as in test_campaign.py.
Each service asks for its own sign-in once. Every staff page is checked with axe-core in
Dutch and in English, at a desktop's width and a phone's, where nothing may scroll
sideways; and photographed into tests/e2e/screenshots/staff/ (ignored by git).
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page

from shared.config import SERVICES
from shared.models import utcnow
from shared.redis_server import free_port
from tests.e2e.axe import blocking_violations, describe, install, overflowing
from tests.e2e.test_campaign import (
    INNOVATIONS,
    JUROR,
    JURY_MARKS,
    SHOTS,
    SLUG,
    TITLE,
    Campaign,
    nominate,
    people,  # noqa: F401  (a fixture)
    run_the_bus,
    score_from_the_mail,
    shots_of_the_pass,
    vote,
)
from tests.factories import issue_token
from tests.mailbox import mail_folder

# Pages in a browser (tests/passes.py); a whole story, which under the suite's load takes
# minutes, past the default time-out.
pytestmark = [pytest.mark.slow, pytest.mark.engine_free, pytest.mark.timeout(600)]

BRUSSELS = ZoneInfo("Europe/Brussels")
PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 800}
EMBARGO = dt.timedelta(hours=1)
ACCEPTED = ("Energiebib", "Fietsbieb Kortrijk")


@pytest.fixture
def console(request, make_env, stack, serve, people) -> Campaign:  # noqa: F811
    """The three services on the ports their links name; a staff token named
    "Secretariaat". Votes from one network past the second are held for review."""
    ports = {service: free_port() for service in SERVICES}
    env = make_env(**{f"{service.upper()}_PORT": str(port) for service, port in ports.items()})
    apps = stack(
        env,
        fraud_min_form_seconds=0.0,
        nomination_min_fill_seconds=0.0,
        fraud_flood_votes=2,
        fraud_hold_score=0.5,
    )
    urls = {service: serve(apps[service], ports[service]) for service in SERVICES}
    token = issue_token(apps, "admin", name="Secretariaat")
    api = people(extra_http_headers={"Authorization": f"Bearer {token}"}).request
    settle = functools.partial(run_the_bus, apps)
    shots = shots_of_the_pass(request.config, SHOTS / "staff")
    console = Campaign(urls, api, mail_folder(apps["nominations"]), settle, shots)
    console.token = token
    if shots:
        shutil.rmtree(shots, ignore_errors=True)
        shots.mkdir(parents=True)
    return console


def staff_member(console: Campaign, people, locale: str) -> Page:  # noqa: F811
    """A staff member's browser (axe-core in every page), signed in to the hub."""
    page = people(locale)
    install(page.context)
    page.goto(console.urls["nominations"] + "/staff/")
    check(console, page, "staff-sign-in", both=False)
    sign_in(console, page)
    return page


def sign_in(console: Campaign, page: Page) -> None:
    """On a service's sign-in page: paste the token and press the button."""
    assert "/staff/login" in page.url
    page.locator("#token").fill(console.token)
    press(page, page.locator("main form button[type=submit]"))
    page.wait_for_load_state()


def press(page: Page, target: Locator) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def check(console: Campaign, page: Page, name: str, both: bool = True) -> None:
    """axe-core finds nothing serious on the page as shown, at either width, and nothing
    scrolls sideways on a phone; photograph it. With `both`, the same for the page opened
    again in the other language, and back in its own."""
    own = page.locator("html").get_attribute("lang")
    fits(page, f"{name} ({own})")
    console.shoot(page, f"{name}-{own}")
    if both:
        url = page.url.split("?")[0]
        other = "en" if own == "nl" else "nl"
        page.goto(f"{url}?lang={other}")
        fits(page, f"{name} ({other})")
        page.goto(f"{url}?lang={own}")


def fits(page: Page, name: str) -> None:
    """No serious axe-core violation at a desktop's or a phone's width, and no sideways
    scrolling on the phone; the tab is left at a desktop's width."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        found = blocking_violations(page)
        assert not found, f"{name}, {size['width']} px:\n{describe(found)}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {overflowing(page, PHONE['width'])}"
    page.set_viewport_size(DESKTOP)


def local(moment: dt.datetime) -> str:
    """A moment as typed into a datetime-local field, in Brussels, to the second."""
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M:%S")


def save_schedule(console: Campaign, page: Page, **moments: dt.datetime) -> None:
    """On the edition's page: type new moments of the schedule and save it; voting and
    jury follow (their relays and workers run)."""
    press(page, page.locator(".staff-nav a").nth(1))  # the edition's overview
    for name, moment in moments.items():
        page.locator(f"#{name}").fill(local(moment))
    press(page, page.locator("form button[type=submit]").last)
    assert page.get_by_role("status").is_visible()
    console.pump(rounds=2)


def test_staff_run_a_whole_edition_through_their_pages(console: Campaign, people):  # noqa: F811
    anna = staff_member(console, people, "nl-BE")
    check(console, anna, "staff-editions")
    create_edition(console, anna)
    for innovation in INNOVATIONS:
        nominate(console, people(), innovation)
    save_schedule(console, anna, nominations_close=utcnow())
    screen(console, anna)

    sam = staff_member(console, people, "en-GB")
    finalists = pick_finalists(console, sam)
    save_schedule(console, sam, voting_open=utcnow())
    for address, name in (("lotte@telenet.be", ACCEPTED[0]), ("mia@outlook.com", ACCEPTED[0])):
        vote(console, people(), finalists[name], address)
    vote(console, people(), finalists[ACCEPTED[1]], "pieter@proximus.be")  # held: one network
    release_the_held_vote(console, sam)
    invite_the_juror(console, sam)
    score_from_the_mail(console, people(), JURY_MARKS)
    console.pump()
    now = utcnow()
    save_schedule(console, sam, voting_close=now, jury_close=now)
    publish_the_winners(console, sam, people())
    read_the_other_staff_pages(console, sam)


def create_edition(console: Campaign, page: Page) -> None:
    """The new edition's form, every moment typed in Brussels time; a mistake first."""
    press(page, page.get_by_role("link", name="Nieuwe editie"))
    check(console, page, "staff-new-edition")
    hour, now = dt.timedelta(hours=1), utcnow()
    page.locator("#title").fill(TITLE)
    page.locator("#slug").fill("Niet Goed")
    page.locator("#finalist_count").fill("2")
    windows = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
    for n, name in enumerate(windows):
        page.locator(f"#{name}").fill(local(now + (n * 2 - 1) * hour))
    press(page, page.get_by_role("button", name="Maak de editie aan"))
    assert page.locator("#slug-error").is_visible()
    check(console, page, "staff-new-edition-errors", both=False)
    page.locator("#slug").fill(SLUG)
    press(page, page.get_by_role("button", name="Maak de editie aan"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    check(console, page, "staff-edition")
    console.pump()


def screen(console: Campaign, page: Page) -> None:
    """Accept two nominations and reject one, each from its own page, with a note."""
    press(page, page.get_by_role("link", name="Nominaties", exact=True).first)
    check(console, page, "staff-nominations")
    for innovation in INNOVATIONS:
        name = innovation["nominee_name"]
        press(page, page.get_by_role("link", name=name))
        assert innovation["problem"] in page.locator("main").inner_text()
        decision = "Aanvaarden" if name in ACCEPTED else "Afwijzen"
        page.get_by_label(decision).check()
        page.get_by_label("Notitie").fill(f"{name}: besproken op 12 mei.")
        press(page, page.get_by_role("button", name="Bewaar"))
        assert "door Secretariaat" in page.locator("main").inner_text()
        if name == INNOVATIONS[0]["nominee_name"]:
            check(console, page, "staff-nomination")
        press(page, page.get_by_role("link", name="Alle nominaties"))


def pick_finalists(console: Campaign, page: Page) -> dict[str, str]:
    """The English colleague checks the two accepted nominations; their ids by name."""
    press(page, page.locator("main").get_by_role("link", name=TITLE))
    press(page, page.get_by_role("link", name="Finalists", exact=True).first)
    for name in ACCEPTED:
        page.get_by_label(name).check()
    press(page, page.get_by_role("button", name="Save the finalists"))
    assert page.get_by_role("status").is_visible()
    check(console, page, "staff-finalists")
    console.pump()
    return {name: page.get_by_label(name).get_attribute("value") for name in ACCEPTED}


def release_the_held_vote(console: Campaign, page: Page) -> None:
    """From the hub's navigation to voting's review page (signing in there once), where
    the vote held for its network is released with a note."""
    press(page, page.get_by_role("link", name="Vote review"))
    assert "the sign-in of the voting service" in page.locator("main").inner_text()
    sign_in(console, page)
    assert "many votes from one network in a short time" in page.locator("main").inner_text()
    check(console, page, "staff-review")
    page.locator("input[name=ids]").first.check()
    page.get_by_label("Release").check()
    page.get_by_label("Note").fill("One family at one address.")
    press(page, page.get_by_role("button", name="Save for the checked votes"))
    assert "1 vote changed; 0 still held." in page.get_by_role("status").inner_text()
    check(console, page, "staff-review-done")


def invite_the_juror(console: Campaign, page: Page) -> None:
    """On the jury's page, from the navigation (signing in to the jury service once), the
    colleague invites the juror; the login link goes out by mail. The criteria's page shows
    the default set."""
    press(page, page.get_by_role("link", name="Jury", exact=True))
    sign_in(console, page)
    page.get_by_label("Name", exact=True).fill(JUROR["name"])
    page.get_by_label("Email address").fill(JUROR["email"])
    press(page, page.get_by_role("button", name="Invite"))
    assert JUROR["name"] in page.get_by_role("status").inner_text()
    check(console, page, "staff-jury")
    console.pump()
    press(page, page.get_by_role("link", name="The criteria and their weights"))
    assert page.get_by_label("Key").first.input_value() == "maatschappelijke-impact"
    check(console, page, "staff-criteria")


def publish_the_winners(console: Campaign, page: Page, visitor: Page) -> None:
    """The results name the winners by the rule; the colleague publishes them under an
    embargo, and the public winners page keeps them hidden; publishing again from now on
    replaces the embargo, and the page shows them."""
    press(page, page.get_by_role("link", name="Results").first)
    main = page.locator("main")
    assert "Both rounds are in" in main.inner_text()
    for award, name in (("public", ACCEPTED[0]), ("jury", ACCEPTED[1])):
        assert main.locator(f"input[name={award}]:checked + span").inner_text() == name
    check(console, page, "staff-results")
    publish(page, local(utcnow() + EMBARGO))
    visitor.goto(console.urls["nominations"] + "/winnaars")
    assert "nog niet bekendgemaakt" in visitor.locator("main").inner_text()
    publish(page, local(utcnow()))
    visitor.reload()
    assert all(name in visitor.locator("main").inner_text() for name in ACCEPTED)
    check(console, page, "staff-published")


def publish(page: Page, moment: str) -> None:
    """Publish the winners chosen on the results page, public from `moment`."""
    page.get_by_label("Publication").fill(moment)
    press(page, page.get_by_role("button", name="Publish the winners"))
    assert "Published by Secretariaat" in page.locator("main").inner_text()


def read_the_other_staff_pages(console: Campaign, page: Page) -> None:
    """The votes per hour, the integrity report and the failed events, from the navigation."""
    press(page, page.get_by_role("link", name="Votes", exact=True))
    check(console, page, "staff-votes-per-hour")
    page.goto(f"{console.urls['voting']}/staff/editions/{SLUG}/integrity")
    assert "Integrity report" in page.get_by_role("heading", level=1).inner_text()
    check(console, page, "staff-integrity")
    press(page, page.get_by_role("link", name="Failed events"))
    assert "No failed events." in page.locator("main").inner_text()
    check(console, page, "staff-events")
