"""A finalist's share link in a real browser: the hub and voting served over HTTP on the ports
their links name, the demo edition's first finalist given a picture on the hub; the link
opens its page with it chosen and its picture (with alt text) loaded from the hub, the
preview tags point to a picture that loads, and the visitor votes and confirms. With its
picture, the page fits a phone and axe-core finds nothing serious; it is saved at both widths
into tests/e2e/screenshots/share/ (ignored by git) in the SQLite pass."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from services.nominations.demo import DEMO_SLUG, seed_demo
from services.voting.models import Vote
from services.voting.share import readable
from shared.config import SERVICES
from shared.redis_server import free_port
from tests.e2e.axe import assert_fits, install
from tests.e2e.test_campaign import shots_folder
from tests.factories import issue_token
from tests.mailbox import mail_folder, read_mails
from tests.pictures import camera_jpeg
from tests.shared.bus_helpers import run_the_bus

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

ADDRESS = "lotte.janssens@telenet.be"
ALT = {"alt_nl": "De fietsenmakers aan het werk", "alt_en": "The bicycle mechanics at work"}
LINK = re.compile(r"https?://\S+/votes/confirm/\S+")


@pytest.fixture
def site(make_env, stack, serve):
    """The three services on the ports their links name, the demo edition (voting open)
    with a picture and its alt text for the first finalist, carried to voting by the bus."""
    ports = {service: free_port() for service in SERVICES}
    env = make_env(**{f"{service.upper()}_PORT": str(port) for service, port in ports.items()})
    apps = stack(env, fraud_min_form_seconds=0.0)
    urls = {service: serve(apps[service], ports[service]) for service in ("nominations", "voting")}
    hub = apps["nominations"]
    with hub.app_context(), hub.extensions["rv"].sessions.begin() as session:
        seed_demo(session)
    staff = {"Authorization": f"Bearer {issue_token(apps, 'admin')}"}
    first = hub.test_client().get(f"/api/v1/editions/{DEMO_SLUG}/finalists").get_json()
    finalist = first["finalists"][0]
    path = f"/api/v1/editions/{DEMO_SLUG}/finalists/{finalist['id']}/picture"
    client = hub.test_client()
    put = client.put(path, data=camera_jpeg(), content_type="image/jpeg", headers=staff)
    assert put.status_code == 200
    assert client.patch(path, json=ALT, headers=staff).status_code == 200
    run_the_bus(apps)
    return apps, urls, finalist


@pytest.fixture
def shots(request):
    """Where the pages are saved (None in the PostgreSQL pass)."""
    return shots_folder(request.config, "share")


def loaded_width(image) -> int:
    """The natural width of an <img> once it has loaded (0: it failed); thumbnails load
    lazily, so they may still be on their way when the page's load event has fired."""
    return image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
          img.addEventListener('load', () => done(img.naturalWidth));
          img.addEventListener('error', () => done(0)); })"""
    )


def confirm_in_browser(page, link: str) -> None:
    """Open the confirmation link; where it answers a page with a button, press it."""
    page.goto(link)
    button = page.locator("main form[method=post] button")
    if button.count():
        button.click()
        page.wait_for_load_state()


def test_a_share_link_opens_the_finalist_chosen_with_its_picture_and_votes(site, page):
    apps, urls, finalist = site
    share = f"{urls['voting']}/stemmen/{DEMO_SLUG}/{readable(finalist['name'])}?via=whatsapp"
    page.goto(share)
    assert page.locator(f"#finalist-{finalist['id']}").is_checked()
    picture = page.locator("img.picture")
    assert picture.get_attribute("alt") == ALT["alt_nl"]
    assert loaded_width(picture) == 960  # from the hub

    page.locator("#email").fill(ADDRESS)
    page.get_by_role("button", name="Stem", exact=True).click()
    page.wait_for_url("**/check-je-mail")
    run_the_bus(apps)
    (mail,) = read_mails(mail_folder(apps["voting"]), ADDRESS)
    confirm_in_browser(page, LINK.search(mail.get_body(("plain",)).get_content()).group(0))
    assert page.locator(".notice").first.is_visible()
    with apps["voting"].extensions["rv"].sessions() as session:
        (vote,) = session.query(Vote).all()
    assert (vote.status, vote.finalist_id, vote.via) == ("counted", finalist["id"], "whatsapp")


def test_the_preview_tags_point_to_a_picture_that_loads(site, page):
    _, urls, finalist = site
    page.goto(f"{urls['voting']}/stemmen/{DEMO_SLUG}/{finalist['id']}?lang=en")
    tags = {
        name: page.locator(f'meta[property="{name}"]').get_attribute("content")
        for name in ("og:title", "og:description", "og:image", "og:url", "og:image:alt")
    }
    assert tags["og:title"] == f"Vote for {finalist['name']}"
    assert tags["og:description"] == finalist["summary"]
    assert tags["og:image:alt"] == ALT["alt_en"]
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
        "summary_large_image"
    )
    image = page.request.get(tags["og:image"])
    assert image.ok and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.body())).size == (1200, 630)
    assert page.request.get(tags["og:url"]).ok
    assert urlsplit(tags["og:url"]).query == "lang=en"


def test_the_voting_page_shows_the_thumbnail_and_links_the_page(site, page):
    _, urls, finalist = site
    page.goto(urls["voting"] + "/")
    thumbnail = page.locator(f"label[for='finalist-{finalist['id']}'] img.thumbnail")
    assert loaded_width(thumbnail) == 320
    page.get_by_role("link", name=f"Meer over {finalist['name']}").click()
    assert page.locator("h1").inner_text() == finalist["name"]


# The pages that show a picture: the finalist's (the large one), the voting page (thumbnails).
PICTURED = {"finalist": ("img.picture", "/stemmen/{slug}/{key}"), "voting": ("img.thumbnail", "/")}


@pytest.mark.engine_free  # how a page reads is the same on both engines
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("name", PICTURED)
def test_a_page_with_pictures_fits_and_axe_finds_nothing_serious(site, page, shots, name, width):
    _, urls, finalist = site
    picture, path = PICTURED[name]
    install(page.context)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(urls["voting"] + path.format(slug=DEMO_SLUG, key=readable(finalist["name"])))
    assert loaded_width(page.locator(picture).first)
    assert_fits(page, width)
    if shots:
        page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
