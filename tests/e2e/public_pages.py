"""Every public and juror page of the three services, and how a browser tab gets to each:
the site (a test stack served over HTTP, with its editions) and, by name, the steps that
bring a tab to a page in the site's current language (PAGES)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from flask import Flask
from playwright.sync_api import Page

from services.nominations.jobs import HANDLERS
from shared.editions import SCHEDULED
from shared.events import consume, envelope
from shared.models import utcnow
from shared.schemas.contest import FINALISTS_SELECTED, TALLY_FINAL
from tests.factories import edition_body, iso, issue_token
from tests.services.jury.conftest import (
    invite,
    login_path,
    schedule,
    select_finalists,
    staff_headers,
)
from tests.services.nominations.conftest import Hub, nomination_body
from tests.services.voting.conftest import HOUR, Voting, apply, finalists
from tests.services.voting.conftest import schedule as voting_schedule

LANGUAGES = ("nl", "en")
DONE, REFUSED = "[role=status]", "[aria-invalid=true]"  # what a form's answer shows


@dataclass
class Site:
    """The three services of a test stack served over HTTP: the hub with an edition open
    for nominations, voting with that edition in its voting phase; the jury gets its
    edition when a page first needs it. Pages open in the site's current language."""

    apps: dict[str, Flask]
    urls: dict[str, str]
    hub: Hub
    voting: Voting
    lang: str = LANGUAGES[0]

    def go(self, tab: Page, service: str, path: str) -> None:
        """Open a page of a service in the site's language."""
        tab.goto(f"{self.urls[service]}{path}?lang={self.lang}")

    @property
    def person(self) -> int:
        """A number of one person per language, for links that work once."""
        return LANGUAGES.index(self.lang)

    @cached_property
    def jury_finalists(self) -> list[str]:
        """The ids of the three finalists of the jury's edition, its jury open."""
        jury = self.apps["jury"]
        return select_finalists(jury, schedule(jury, self.hub.slug, run=False))

    def log_juror_in(self, tab: Page) -> str:
        """Log a juror in from the link in their mail, then open their list in the site's
        language (the link only redirects, so no page there picks the language up);
        returns the id of the first finalist they score."""
        jury, address = self.apps["jury"], f"jurylid{self.person}@kuleuven.be"
        first = self.jury_finalists[0]
        invite(jury, staff_headers(jury, "jury"), self.hub.slug, address)
        tab.goto(self.urls["jury"] + login_path(jury, address))
        press(tab)
        self.go(tab, "jury", "/")
        return first


def open_site(apps: dict[str, Flask], urls: dict[str, str], outbox) -> Site:
    """The site with the hub's edition open for nominations and voting open in voting."""
    hub_app, voting_app = apps["nominations"], apps["voting"]
    staff = {"Authorization": f"Bearer {issue_token({'nominations': hub_app}, 'admin')}"}
    body = edition_body(finalist_count=3)
    response = hub_app.test_client().post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    slug, ids = body["slug"], [str(uuid.uuid4()) for _ in range(3)]
    apply(voting_app, SCHEDULED, voting_schedule(slug))
    apply(voting_app, FINALISTS_SELECTED, finalists(slug, ids))
    hub, voting = Hub(hub_app, slug, staff, outbox), Voting(voting_app, slug, ids, outbox)
    return Site(apps, urls, hub, voting)


@dataclass(frozen=True)
class Shown:
    """How a tab gets to one page: `prepare` the site's data once, then `show` the page in
    the site's language, once for each language."""

    show: Callable[[Site, Page], None]
    prepare: Callable[[Site], None] | None = None


PAGES: dict[str, Shown] = {}


def shown(name: str, prepare: Callable[[Site], None] | None = None):
    """Register how to bring a tab to the page `name`."""

    def register(show: Callable[[Site, Page], None]):
        PAGES[name] = Shown(show, prepare)
        return show

    return register


def submit(tab: Page, button: str = "main form button[type=submit]", shows: str = DONE) -> None:
    """Press a form's button, wait for the page that answers, and see that it is the page
    the flow is after: by default one with a status message, or one marking fields invalid."""
    with tab.expect_navigation():
        tab.locator(button).first.click()
    assert tab.locator(shows).count(), f"nothing like {shows} on {tab.url}"


def press(tab: Page) -> None:
    """Press the one button of a mailed link's page, and wait for the page that answers."""
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()


def publish_winners(site: Site) -> None:
    """Take the hub's edition through all its rounds (the final tally with its bulletin's
    hash arrives from voting) and publish two winners at once."""
    hub = site.hub
    ids = hub.accepted(3)[:2]
    hub.close_nominations()
    assert hub.choose(ids).status_code == 200
    hub.patch_edition(
        nominations_close=iso(-40), voting_open=iso(-30), voting_close=iso(-20), jury_close=iso(-1)
    )
    tally = {"edition": hub.slug, "closed_at": iso(-20), "counted_at": iso(-19)}
    tally |= {"finalists": [{"finalist_id": ids[0], "votes": 3}], "bulletin_sha256": "ab" * 32}
    tally |= {"quarantined": 0, "unconfirmed": 0, "rejected": 0}
    consume(hub.app.extensions["rv"].sessions, [envelope(TALLY_FINAL, "voting", tally)], HANDLERS)
    awards = [{"award": "public", "finalist_id": ids[0]}, {"award": "jury", "finalist_id": ids[1]}]
    response = hub.client.post(
        f"/api/v1/editions/{hub.slug}/winners", json={"awards": awards}, headers=hub.staff
    )
    assert response.status_code == 201, response.get_json()


def close_voting(site: Site) -> None:
    """Move voting's close into the past, as a later schedule from the hub does."""
    closed = utcnow() - HOUR
    payload = voting_schedule(site.voting.slug, 2, voting_open=closed - HOUR, voting_close=closed)
    apply(site.voting.app, SCHEDULED, payload)


@shown("hub-home")
def _hub_home(site, tab):
    site.go(tab, "nominations", "/")


@shown("hub-nominate")
def _nominate(site, tab):
    site.go(tab, "nominations", "/nomineren")


@shown("hub-nominate-errors")
def _nominate_errors(site, tab):
    _nominate(site, tab)
    tab.locator("#nominee_name").fill("Energiebib")
    submit(tab, shows=REFUSED)


@shown("hub-thanks")
def _thanks(site, tab):
    site.go(tab, "nominations", "/nomineren/bedankt")


@shown("hub-confirm")
def _confirm(site, tab):
    site.hub.nominate(site.person)
    site.hub.deliver()
    site.go(tab, "nominations", site.hub.link(nomination_body(site.person)["nominator_email"]))


@shown("hub-confirmed")
def _confirmed(site, tab):
    _confirm(site, tab)
    submit(tab)


@shown("hub-link-invalid")
def _hub_link_invalid(site, tab):
    site.go(tab, "nominations", "/nominations/confirm/niet-geldig")


@shown("hub-decline")
def _decline(site, tab):
    site.hub.confirmed(site.person)
    site.hub.deliver()
    nominee = nomination_body(site.person)["nominee_email"]
    site.go(tab, "nominations", site.hub.link(nominee, "decline"))


@shown("hub-declined")
def _declined(site, tab):
    _decline(site, tab)
    submit(tab)


@shown("hub-winners-before")
def _winners_before(site, tab):
    site.go(tab, "nominations", "/winnaars")


@shown("hub-winners-after", prepare=publish_winners)
def _winners_after(site, tab):
    site.go(tab, "nominations", "/winnaars")
    assert tab.locator(".fingerprint code").inner_text() == "ab" * 32


@shown("hub-home-after", prepare=publish_winners)
def _home_after(site, tab):
    site.go(tab, "nominations", "/")


@shown("voting-form")
def _vote_form(site, tab):
    site.go(tab, "voting", "/")


@shown("voting-form-errors")
def _vote_errors(site, tab):
    _vote_form(site, tab)
    tab.locator("#email").fill("geen-adres")
    submit(tab, shows=REFUSED)


@shown("voting-finalist")
def _finalist_page(site, tab):
    site.go(tab, "voting", f"/stemmen/{site.voting.slug}/{site.voting.finalist_ids[0]}")


@shown("voting-finalist-closed", prepare=close_voting)
def _finalist_page_closed(site, tab):
    _finalist_page(site, tab)


@shown("voting-check-mail")
def _voted(site, tab):
    _vote_form(site, tab)
    tab.locator("input[type=radio]").first.check()
    tab.locator("#email").fill(f"stemmer{site.person}@telenet.be")
    submit(tab)


@shown("voting-confirm")
def _vote_confirm(site, tab):
    address = f"stemmer{site.person}@telenet.be"
    assert site.voting.vote(address).status_code == 202
    site.voting.deliver()
    site.go(tab, "voting", f"/votes/confirm/{site.voting.token(address)}")


@shown("voting-confirmed")
def _vote_confirmed(site, tab):
    _vote_confirm(site, tab)
    submit(tab)


@shown("voting-link-invalid")
def _vote_link_invalid(site, tab):
    site.go(tab, "voting", "/votes/confirm/niet-geldig")


@shown("voting-closed", prepare=close_voting)
def _no_voting(site, tab):
    site.go(tab, "voting", "/")


def vote_then_close(site: Site) -> None:
    """One confirmed vote, then voting closes: the check page takes receipts."""
    address = "controle@telenet.be"
    assert site.voting.vote(address).status_code == 202
    site.voting.deliver()
    assert site.voting.confirm(site.voting.token(address)).status_code == 200
    close_voting(site)


@shown("voting-check-before")
def _check_before(site, tab):
    site.go(tab, "voting", f"/stemmen/{site.voting.slug}/controle")


@shown("voting-check-after", prepare=vote_then_close)
def _check_after(site, tab):
    site.go(tab, "voting", f"/stemmen/{site.voting.slug}/controle")
    tab.locator("#receipt").fill(site.voting.votes()[0].receipt.lower())
    submit(tab)


@shown("voting-check-not-a-receipt", prepare=close_voting)
def _check_refused(site, tab):
    site.go(tab, "voting", f"/stemmen/{site.voting.slug}/controle")
    tab.locator("#receipt").fill("geen code")
    submit(tab, shows=REFUSED)


@shown("jury-login-needed")
def _login_needed(site, tab):
    site.go(tab, "jury", "/")


@shown("jury-login")
def _jury_login(site, tab):
    jury, address = site.apps["jury"], f"jurylid{site.person}@kuleuven.be"
    assert site.jury_finalists  # the jury's edition, before its juror
    invite(jury, staff_headers(jury, "jury"), site.hub.slug, address)
    site.go(tab, "jury", login_path(jury, address))


@shown("jury-link-invalid")
def _jury_link_invalid(site, tab):
    site.go(tab, "jury", "/login/niet-geldig")


@shown("jury-new-link-errors")
def _new_link_errors(site, tab):
    site.go(tab, "jury", "/nieuwe-link")
    tab.locator("#new-link-email").fill("geen-adres")
    submit(tab, shows=REFUSED)


@shown("jury-link-sent")
def _link_sent(site, tab):
    site.go(tab, "jury", "/nieuwe-link")
    tab.locator("#new-link-email").fill("iemand@kuleuven.be")
    submit(tab)


@shown("jury-finalists")
def _juror_list(site, tab):
    site.log_juror_in(tab)


@shown("jury-score")
def _score(site, tab):
    site.go(tab, "jury", f"/beoordelen/{site.log_juror_in(tab)}")


@shown("jury-score-errors")
def _score_errors(site, tab):
    _score(site, tab)
    tab.locator("input[type=number]").first.fill("11")
    submit(tab, "button[value=submit]", shows=REFUSED)


@shown("jury-submitted")
def _score_submitted(site, tab):
    _score(site, tab)
    for score in tab.locator("input[type=number]").all():
        score.fill("7")
    submit(tab, "button[value=submit]")


def _not_found(service: str) -> Callable[[Site, Page], None]:
    return lambda site, tab: site.go(tab, service, "/bestaat/niet")


for _service in ("nominations", "voting", "jury"):
    shown(f"{_service}-404")(_not_found(_service))


def _privacy(service: str) -> Callable[[Site, Page], None]:
    return lambda site, tab: site.go(tab, service, "/privacy")


for _service in ("nominations", "voting", "jury"):
    shown(f"{_service}-privacy")(_privacy(_service))
