"""A whole edition in Chromium, as the people who run and join the contest go through it.

Staff create the edition through the API; visitors nominate through the form and confirm
with the button on the page of the link in the mail folder (opening a link alone changes
nothing: a mail scanner opens it first); staff screen and pick finalists; visitors vote
through the page and confirm; a juror logs in from the mail, scores every finalist
through the form and submits; staff move the windows so that voting and jury close, read
the results and publish the winners under an embargo; the winners page shows nothing
before it and the winners after it. Some people's browsers ask for English, the juror
switches to it on the page, and some people browse without JavaScript. Every page names
the edition and its phase.

The three services run in this process, served over real HTTP on the ports their links
name; what their relays and workers do runs in between the steps (`Campaign.pump`);
tests/e2e/test_rehearsal.py plays the same story over HTTPS through nginx, on PostgreSQL,
with real relays and workers: so this one is engine_free, and the PostgreSQL pass of `make
test` leaves it to the rehearsal. Every page is saved at 1280 and 360 px wide into
tests/e2e/screenshots/ (ignored by git), for a person to look at, in the SQLite pass (a page
shows the same on both engines, and `make test` runs the PostgreSQL pass at the same time).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect

from shared.config import SERVICES
from shared.models import utcnow
from shared.redis_server import free_port
from tests.conftest import ROOT
from tests.factories import issue_token
from tests.mailbox import mail_folder, read_mails
from tests.shared.bus_helpers import run_the_bus, wait_for

# The PostgreSQL pass plays this story in the rehearsal (see above).
# A whole story: under the suite's load it takes minutes, past the default time-out.
pytestmark = [pytest.mark.slow, pytest.mark.engine_free, pytest.mark.timeout(600)]

SHOTS = ROOT / "tests" / "e2e" / "screenshots"
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}
SLUG, TITLE = "rv-2026", "Radicale Vernieuwers 2026"
NO_SCRIPT = {"java_script_enabled": False}
JURY_MARKS = {"Fietsbieb Kortrijk": 9, "Energiebib": 7}
EMBARGO = dt.timedelta(hours=1)
LINK = re.compile(r"https?://\S+")
MAIL_WITHIN = 10.0
INNOVATIONS = (
    {
        "nominee_name": "Energiebib",
        "organisation": "Vzw Warm Wonen",
        "nominee_email": "info@warmwonen.be",
        "region": "Antwerpen",
        "theme": "energie",
        "problem": "Gezinnen met een klein budget betalen te veel voor energie.",
        "solution": "Een bibliotheek waar gezinnen energiemeters en zuinige toestellen lenen.",
        "impact": "Driehonderd gezinnen verbruikten het eerste jaar een vijfde minder.",
        "nominator_name": "An Peeters",
        "nominator_email": "an.peeters@telenet.be",
    },
    {
        "nominee_name": "Buurtkeuken De Pollepel",
        "organisation": "De Pollepel cv",
        "nominee_email": "hallo@depollepel.be",
        "region": "Oost-Vlaanderen",
        "theme": "voeding",
        "problem": "Oudere buurtbewoners eten vaak alleen, en voedseloverschotten verdwijnen.",
        "solution": "Een buurtkeuken die overschotten van handelaars tot maaltijden kookt.",
        "impact": "Elke week zeshonderd maaltijden en twaalf koks die werk vonden.",
        "nominator_name": "Jan Claes",
        "nominator_email": "jan.claes@gmail.com",
    },
    {
        "nominee_name": "Fietsbieb Kortrijk",
        "organisation": "Vzw Trappers",
        "nominee_email": "fietsbieb@trappers.be",
        "region": "West-Vlaanderen",
        "theme": "mobiliteit",
        "problem": "Children outgrow their bikes fast and a new bike costs too much.",
        "solution": "A bike library where families borrow a child's bike for a small fee.",
        "impact": "Four hundred children cycle to school on a bike that fits them.",
        "nominator_name": "Sam Wilson",
        "nominator_email": "sam.wilson@outlook.com",
    },
)


@dataclass
class Campaign:
    """One test stack as its people reach it: the services' URLs, the staff's API client,
    the mail folder, what the relays and workers do between the steps (`settle`), and the
    pages photographed so far. tests/e2e/test_rehearsal.py plays the same story through the
    TLS proxy, with real relays and workers."""

    urls: dict[str, str]
    staff: APIRequestContext
    mailbox: Path
    settle: Callable[[], None]
    shots: Path | None = SHOTS  # where its pages are saved (emptied first); None: nowhere
    taken: list[str] = field(default_factory=list)

    def api(self, method: str, service: str, path: str, body: dict | None = None) -> dict:
        """A staff call to a service's API; the JSON it answers (asserting a 2xx)."""
        url = f"{self.urls[service]}/api/v1{path}"
        response = self.staff.fetch(url, method=method, data=body)
        assert response.ok, (response.status, response.text())
        return response.json()

    def move(self, **windows: dt.datetime) -> None:
        """Staff move windows of the schedule; voting and jury follow by event, and when
        their round closed, send their results back to the hub."""
        self.api("PATCH", "nominations", f"/editions/{SLUG}", _iso(windows))
        self.pump(rounds=2)

    def pump(self, rounds: int = 1) -> None:
        """Let the relays and workers do their part, `rounds` times: one for each hop an
        event cascade takes."""
        for _ in range(rounds):
            self.settle()

    def link(self, to: str) -> str:
        """The link in the newest mail to `to` (waiting a little for the first one)."""
        mails, _ = wait_for(lambda: read_mails(self.mailbox, to), timeout=MAIL_WITHIN)
        return LINK.search(mails[-1].get_body(("plain",)).get_content()).group(0)

    def shoot(self, page: Page, name: str) -> None:
        """Save the page as a desktop and a phone show it, whole (once a page: the
        visitors after the first see the same)."""
        if self.shots is None or name in self.taken:
            return
        self.taken.append(name)
        number = len(self.taken)
        page.evaluate("window.scrollTo(0, 0)")  # a sticky part would stay where it scrolled
        for width, size in (("1280", DESKTOP), ("360", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=self.shots / f"{number:02d}-{name}-{width}.png", full_page=True)
        page.set_viewport_size(DESKTOP)


def shots_of_the_pass(config: pytest.Config, folder: Path = SHOTS) -> Path | None:
    """Where a browser test saves its pages: `folder` in the SQLite pass, nowhere in the
    PostgreSQL pass, which runs at the same time and would empty and fill the same folder."""
    return folder if config.getoption("--database") == "sqlite" else None


def shots_folder(config: pytest.Config, name: str) -> Path | None:
    """The folder `name` under SHOTS for a test's pages, made if need be, in the SQLite
    pass; None in the PostgreSQL pass (see shots_of_the_pass)."""
    folder = shots_of_the_pass(config, SHOTS / name)
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _iso(moments: dict[str, dt.datetime]) -> dict[str, str]:
    return {name: moment.isoformat() for name, moment in moments.items()}


@pytest.fixture
def people(browser: Browser):
    """New browsers (contexts with their own cookies) for people: people(locale) -> Page."""
    contexts = []

    def new(locale: str = "nl-BE", **options) -> Page:
        context = browser.new_context(locale=locale, viewport=DESKTOP, **options)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def campaign(request, make_env, stack, serve, people) -> Campaign:
    """The three services on the ports their links name, and the staff's API client. People
    in a browser fill forms faster than the fraud floors expect: those are off here."""
    ports = {service: free_port() for service in SERVICES}
    env = make_env(**{f"{service.upper()}_PORT": str(port) for service, port in ports.items()})
    apps = stack(env, fraud_min_form_seconds=0.0, nomination_min_fill_seconds=0.0)
    urls = {service: serve(apps[service], ports[service]) for service in SERVICES}
    token = issue_token(apps, "admin", name="secretariaat")
    staff = people(extra_http_headers={"Authorization": f"Bearer {token}"})
    settle = functools.partial(run_the_bus, apps)
    mailbox, shots = mail_folder(apps["nominations"]), shots_of_the_pass(request.config)
    return Campaign(urls, staff.request, mailbox, settle, shots)


def test_a_whole_edition_from_nomination_to_winners(campaign: Campaign, people):
    play_a_whole_edition(campaign, people)


def play_a_whole_edition(campaign: Campaign, people) -> None:
    """The story, from the edition's creation to the winners page (`people(locale,
    **context options)` gives each person a browser of their own)."""
    if campaign.shots:
        # Its own pictures only: the staff console, perhaps in another worker at this very
        # moment, keeps its own in a folder inside this one.
        campaign.shots.mkdir(parents=True, exist_ok=True)
        for old in campaign.shots.glob("*.png"):
            old.unlink()
    create_edition(campaign)
    nominate_with_a_mistake_first(campaign, people(), INNOVATIONS[0])
    nominate(campaign, people(**NO_SCRIPT), INNOVATIONS[1])
    nominate(campaign, people("en-GB"), INNOVATIONS[2])
    finalists = screen_and_pick(campaign)
    campaign.move(voting_open=utcnow())

    assert vote(campaign, people(), finalists["Energiebib"], "lotte.janssens@telenet.be") == "nl"
    assert vote(campaign, people("en-GB"), finalists["Energiebib"], "mia.smith@outlook.com") == "en"
    voter = people(**NO_SCRIPT)
    vote(campaign, voter, finalists["Fietsbieb Kortrijk"], "pieter.maes@proximus.be")
    score_as_juror(campaign, people(**NO_SCRIPT), JURY_MARKS)

    now = utcnow()
    campaign.move(voting_close=now, jury_close=now)
    results = campaign.api("GET", "nominations", f"/editions/{SLUG}/results")
    assert results["complete"]
    winners = {"public": finalists["Energiebib"], "jury": finalists["Fietsbieb Kortrijk"]}
    assert results["winners_by_rule"] == {award: [fid] for award, fid in winners.items()}
    publish_and_watch_the_embargo(campaign, people(), winners)


def create_edition(campaign: Campaign) -> None:
    """Staff create the edition: nominations open, then screening, voting and the jury."""
    hour, now = dt.timedelta(hours=1), utcnow()
    windows = {
        "nominations_open": now - hour,
        "nominations_close": now + hour,
        "voting_open": now + 2 * hour,
        "voting_close": now + 3 * hour,
        "jury_close": now + 4 * hour,
    }
    body = {"slug": SLUG, "title": TITLE, "timezone": "Europe/Brussels", "finalist_count": 2}
    campaign.api("POST", "nominations", "/editions", body | _iso(windows))
    campaign.pump()


def nominate_with_a_mistake_first(campaign: Campaign, page: Page, innovation: dict) -> None:
    """A visitor forgets the impact and the consent, reads what to mend beside the fields,
    mends it, sends the form and confirms from the mail."""
    page.goto(campaign.urls["nominations"] + "/")
    assert phase_shown(page) == f"{TITLE} Nomineren kan nu"
    campaign.shoot(page, "home-nominations")
    page.get_by_role("link", name="Nomineer een sociale vernieuwer").click()
    campaign.shoot(page, "nominate-form")
    fill_nomination(page, innovation | {"impact": ""}, consent=False)
    page.get_by_role("button", name="Nominatie versturen").click()
    expect(page.get_by_role("heading", name="Kijk deze velden na")).to_be_visible()
    expect(page.locator("#impact-error")).to_be_visible()
    expect(page.locator("#consent-error")).to_be_visible()
    campaign.shoot(page, "nominate-errors")
    fill_nomination(page, {"impact": innovation["impact"]}, consent=True)
    page.get_by_role("button", name="Nominatie versturen").click()
    confirm_nomination(campaign, page, innovation)


def nominate(campaign: Campaign, page: Page, innovation: dict) -> None:
    """A visitor nominates through the form in their browser's language and confirms."""
    page.goto(campaign.urls["nominations"] + "/nomineren")
    fill_nomination(page, innovation, consent=True)
    page.locator("form button[type=submit]").click()
    confirm_nomination(campaign, page, innovation)


def fill_nomination(page: Page, values: dict, consent: bool) -> None:
    """Type the values into the nomination form's fields (the same in either language)."""
    for name, value in values.items():
        target = page.locator(f"#{name}")
        if name in ("region", "theme"):
            target.select_option(value)
        else:
            target.fill(value)
    page.locator("#consent").set_checked(consent)


def confirm_nomination(campaign: Campaign, page: Page, innovation: dict) -> None:
    """The thank-you page, then the confirmation link from the mail the hub sent."""
    page.wait_for_url("**/nomineren/bedankt")
    campaign.shoot(page, f"nominate-thanks-{page.locator('html').get_attribute('lang')}")
    campaign.pump()
    press_the_links_button(campaign, page, innovation["nominator_email"], "nominate-button")
    assert innovation["nominee_name"] in page.locator("main").inner_text()
    campaign.shoot(page, "nominate-confirmed")


def press_the_links_button(campaign: Campaign, page: Page, to: str, shot: str) -> None:
    """Open the link in the newest mail to `to`: its page holds one form, posting back to
    the link, with one button; opened twice (as a mail scanner does first) it still is;
    the person presses the button."""
    link = campaign.link(to)
    for _ in range(2):
        page.goto(link)
        form = page.locator("main form")
        assert form.count() == 1 and form.get_attribute("method") == "post"
        assert urlsplit(page.url).path == form.get_attribute("action") == urlsplit(link).path
    campaign.shoot(page, shot)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def screen_and_pick(campaign: Campaign) -> dict[str, str]:
    """Staff close the nominations, accept two, reject one, and pick the two as finalists;
    returns the finalists' ids by name."""
    campaign.move(nominations_close=utcnow())
    listed = campaign.api("GET", "nominations", f"/editions/{SLUG}/nominations?status=submitted")
    ids = {item["nominee_name"]: item["id"] for item in listed["items"]}
    assert set(ids) == {innovation["nominee_name"] for innovation in INNOVATIONS}
    chosen = {name: ids[name] for name in ("Energiebib", "Fietsbieb Kortrijk")}
    for name, nomination_id in ids.items():
        status = "accepted" if name in chosen else "rejected"
        decision = {"status": status, "note": "Screening 2026"}
        campaign.api("PATCH", "nominations", f"/nominations/{nomination_id}", decision)
    body = {"nomination_ids": list(chosen.values())}
    campaign.api("PUT", "nominations", f"/editions/{SLUG}/finalists", body)
    campaign.pump()
    return chosen


def vote(campaign: Campaign, page: Page, finalist_id: str, address: str) -> str:
    """A visitor goes from the home page to the voting page, votes, and confirms; returns
    the language the voting page spoke."""
    page.goto(campaign.urls["nominations"] + "/")
    campaign.shoot(page, "home-voting")
    page.locator(".actions a").click()  # "Stem voor de publieksprijs"
    page.locator(f"#finalist-{finalist_id}").check()
    page.locator("#email").fill(address)
    language = page.locator("html").get_attribute("lang")
    assert (
        phase_shown(page) == f"{TITLE} " + {"nl": "Stemmen kan nu", "en": "Voting open"}[language]
    )
    campaign.shoot(page, f"vote-form-{language}")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/check-je-mail")
    campaign.shoot(page, "vote-check-mail")
    campaign.pump()
    press_the_links_button(campaign, page, address, "vote-button")
    assert page.locator(".notice").is_visible()
    campaign.shoot(page, "vote-confirmed")
    return language


JUROR = {"name": "Els De Vos", "email": "els.devos@kuleuven.be"}


def score_as_juror(campaign: Campaign, page: Page, marks: dict[str, int]) -> None:
    """Staff invite a juror through the API; the juror scores (score_from_the_mail)."""
    campaign.api("POST", "jury", f"/editions/{SLUG}/jurors", JUROR)
    campaign.pump()
    score_from_the_mail(campaign, page, marks)


def score_from_the_mail(campaign: Campaign, page: Page, marks: dict[str, int]) -> None:
    """The invited juror logs in from the mail (the button on the link's page), switches
    the pages to English, and gives every finalist one mark on each criterion, with a
    comment, and submits."""
    press_the_links_button(campaign, page, JUROR["email"], "jury-login-button")
    campaign.shoot(page, "jury-finalists-nl")
    with page.expect_navigation():  # what the page holds is read once the next one is in
        page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your finalists"
    for name, mark in marks.items():
        with page.expect_navigation():
            page.get_by_role("link", name=name).click()
        for box in page.locator("input[type=number]").all():
            box.fill(str(mark))
        page.get_by_label("Comment").fill(f"{name}: a strong, tested approach.")
        campaign.shoot(page, "jury-score-form-en")
        page.get_by_role("button", name="Submit").click()
        # The click sends the form; the answer may still be loading (the page has no script).
        expect(page.get_by_role("status").filter(has_text="has been submitted")).to_be_visible()
    campaign.shoot(page, "jury-all-submitted-en")


def publish_and_watch_the_embargo(campaign: Campaign, page: Page, winners: dict) -> None:
    """Staff publish the winners under an embargo; the winners page shows nothing before
    it. Publishing again from now on replaces the embargo, and the page shows the winners."""
    awards = [{"award": award, "finalist_id": fid} for award, fid in winners.items()]
    path = f"/editions/{SLUG}/winners"
    embargo = utcnow() + EMBARGO
    campaign.api("POST", "nominations", path, {"awards": awards, "publish_at": embargo.isoformat()})
    page.goto(campaign.urls["nominations"] + "/winnaars")
    assert "nog niet bekendgemaakt" in page.locator("main").inner_text()
    campaign.shoot(page, "winners-embargo")
    campaign.api("POST", "nominations", path, {"awards": awards})
    page.reload()
    shown = page.locator("main").inner_text()
    assert "Energiebib" in shown and "Fietsbieb Kortrijk" in shown
    assert phase_shown(page) == f"{TITLE} Afgelopen"
    campaign.shoot(page, "winners")
    page.goto(campaign.urls["nominations"] + "/")
    campaign.shoot(page, "home-closed")


def phase_shown(page: Page) -> str:
    """What the page header says of the campaign: the edition's title and its phase."""
    return " ".join(page.locator("header .brand").inner_text().split())
