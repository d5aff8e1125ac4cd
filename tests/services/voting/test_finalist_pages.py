"""A page per finalist on voting: its picture with alt text, its story as the public may read
it (nothing for a nominee who declined publicity), the voting form with it chosen, a share
block with links that need no script, and preview tags in the page's language; the voting
page shows each picture and links to each page."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from services.voting.share import RESERVED, readable, short_names, via_word
from shared.models import utcnow
from shared.schemas.contest import FINALISTS_SELECTED
from tests.services.voting.conftest import HOUR, apply, finalists, schedule

HUB = "http://127.0.0.1:5001"
HTML = {"Accept": "text/html"}


def picture(finalist_id: str) -> dict:
    """A picture as the hub sends it."""
    base = f"{HUB}/pictures/{finalist_id}"
    return {
        "page": {"url": f"{base}/{'a' * 32}.jpg", "width": 960, "height": 720},
        "social": {"url": f"{base}/{'b' * 32}.jpg", "width": 1200, "height": 630},
        "thumbnail": {"url": f"{base}/{'c' * 32}.jpg", "width": 320, "height": 320},
        "alt_nl": "Twee vrijwilligers herstellen een fiets",
        "alt_en": "Two volunteers repair a bicycle",
    }


@pytest.fixture
def dossiers(voting):
    """The edition's finalists sent again with their dossiers: the first with a picture,
    the third a nominee who declined publicity."""
    payload = finalists(voting.slug, voting.finalist_ids, revision=2)
    first, _, third = payload["finalists"]
    first |= {
        "name": "Fietsbieb Zuid",
        "organisation": "Vzw Trappers",
        "problem": "Kinderen groeien uit hun fiets.\nNieuwe zijn duur.",
        "solution": "Een bibliotheek van kinderfietsen.",
        "impact": "300 gezinnen fietsen.",
        "website": "https://fietsbieb.example",
        "picture": picture(first["id"]),
    }
    third |= {
        "name": "Anoniem",
        "organisation": "Anoniem",
        "declined_publicity": True,
        "problem": "Geheim probleem",
        "solution": "Geheime oplossing",
        "impact": "Geheime impact",
    }
    apply(voting.app, FINALISTS_SELECTED, payload)
    return voting


def page(voting, path: str, **headers):
    return voting.app.test_client().get(path, headers=HTML | headers)


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=... content=...> tags."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)
    return {name: unescape(content) for name, content in found}


def test_a_finalist_page_shows_its_story_picture_and_the_form_with_it_chosen(dossiers):
    fid = dossiers.finalist_ids[0]
    response = page(dossiers, f"/stemmen/{dossiers.slug}/{fid}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Fietsbieb Zuid</h1>" in html and "Vzw Trappers" in html
    assert "<p>Kinderen groeien uit hun fiets.</p><p>Nieuwe zijn duur.</p>" in html
    assert "Een bibliotheek van kinderfietsen." in html and "300 gezinnen fietsen." in html
    assert f'src="{HUB}/pictures/{fid}/{"a" * 32}.jpg" alt="Twee vrijwilligers' in html
    checked = re.findall(r'value="([^"]+)"\s+checked', html)
    assert checked == [fid]
    assert 'name="stamp"' in html and 'name="website"' in html  # the same intake's signals
    assert "<script" not in html


def test_the_page_speaks_english_with_the_english_alt_text(dossiers):
    fid = dossiers.finalist_ids[0]
    html = page(dossiers, f"/stemmen/{dossiers.slug}/{fid}?lang=en").get_data(as_text=True)
    assert 'alt="Two volunteers repair a bicycle"' in html
    assert meta(html)["og:title"] == "Vote for Fietsbieb Zuid"
    assert meta(html)["og:locale"] == "en_GB"


def test_a_finalist_without_a_picture_has_none_and_previews_without_one(dossiers):
    html = page(dossiers, f"/stemmen/{dossiers.slug}/{dossiers.finalist_ids[1]}").get_data(
        as_text=True
    )
    assert 'class="picture"' not in html
    assert "og:image" not in meta(html) and meta(html)["twitter:card"] == "summary"


def test_a_nominee_who_declined_publicity_stays_anonymous_without_story(dossiers):
    fid = dossiers.finalist_ids[2]
    html = page(dossiers, f"/stemmen/{dossiers.slug}/{fid}").get_data(as_text=True)
    assert "<h1>Anoniem</h1>" in html
    assert "Geheim" not in html and 'class="picture"' not in html
    assert re.findall(r'value="([^"]+)"\s+checked', html) == [fid]


def test_the_preview_tags_name_the_finalist_and_its_social_picture(dossiers):
    fid = dossiers.finalist_ids[0]
    tags = meta(page(dossiers, f"/stemmen/{dossiers.slug}/{fid}").get_data(as_text=True))
    assert tags["og:title"] == "Stem op Fietsbieb Zuid"
    assert tags["og:description"] == "Iets goeds."
    assert tags["og:image"] == f"{HUB}/pictures/{fid}/{'b' * 32}.jpg"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"].startswith("Twee vrijwilligers")
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:url"].endswith(f"/stemmen/{dossiers.slug}/fietsbieb-zuid")


def test_the_voting_page_previews_with_the_campaigns_card(dossiers):
    tags = meta(page(dossiers, "/").get_data(as_text=True))
    assert tags["og:title"] == "Stem voor de publieksprijs"
    assert tags["og:description"] and tags["twitter:card"] == "summary_large_image"
    assert tags["og:image:alt"].startswith("De naam Radicale Vernieuwers")
    card = urlsplit(tags["og:image"])
    assert f"{card.scheme}://{card.netloc}" == dossiers.app.extensions["rv"].settings.public_url(
        "voting"
    )
    with dossiers.app.test_client().get(card.path) as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        with Image.open(BytesIO(served.data)) as image:
            size = (str(image.width), str(image.height))
    assert size == (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


def test_the_voting_page_previews_in_english_when_asked(dossiers):
    tags = meta(page(dossiers, "/?lang=en").get_data(as_text=True))
    assert tags["og:title"] == "Vote for the audience award"
    assert tags["og:image:alt"] == "The name Radicale Vernieuwers beside a ticked box"


def test_the_short_readable_address_opens_the_same_page(dossiers):
    response = page(dossiers, f"/stemmen/{dossiers.slug}/fietsbieb-zuid")
    assert response.status_code == 200
    assert "<h1>Fietsbieb Zuid</h1>" in response.get_data(as_text=True)


def test_short_names_are_unique_and_never_a_page_of_the_edition():
    class F:
        def __init__(self, id, name):
            self.id, self.name = id, name

    names = short_names([F("1", "Anoniem"), F("2", "Anoniem"), F("3", "Controle"), F("4", "É!")])
    assert names == {"1": "anoniem", "2": "anoniem-2", "3": "controle-2", "4": "e"}
    assert readable("Zorg  & Zo, vzw") == "zorg-zo-vzw"


def test_every_other_page_under_an_editions_address_is_reserved(voting):
    prefix = "/stemmen/<slug>/"
    words = {
        rule.rule.removeprefix(prefix)
        for rule in voting.app.url_map.iter_rules()
        if rule.rule.startswith(prefix) and "<" not in rule.rule.removeprefix(prefix)
    }
    assert words and words <= RESERVED


def test_the_share_block_offers_links_that_need_no_script(dossiers):
    html = page(dossiers, f"/stemmen/{dossiers.slug}/{dossiers.finalist_ids[0]}").get_data(
        as_text=True
    )
    link = re.search(r'id="share-link" readonly value="([^"]+)"', html).group(1)
    assert unescape(link).endswith(f"/stemmen/{dossiers.slug}/fietsbieb-zuid?via=link")
    mail = unescape(re.search(r'href="(mailto:[^"]+)"', html).group(1))
    assert "via=mail" in parse_qs(urlsplit(mail).query)["body"][0]
    whatsapp = unescape(re.search(r'href="(https://wa.me/[^"]+)"', html).group(1))
    assert "via=whatsapp" in parse_qs(urlsplit(whatsapp).query)["text"][0]


def test_an_english_page_shares_its_english_address_with_the_via_word(dossiers):
    path = f"/stemmen/{dossiers.slug}/{dossiers.finalist_ids[0]}?lang=en"
    html = page(dossiers, path).get_data(as_text=True)
    link = unescape(re.search(r'id="share-link" readonly value="([^"]+)"', html).group(1))
    assert link.endswith("/fietsbieb-zuid?lang=en&via=link")


def test_the_voting_page_shows_each_picture_and_links_each_page(dossiers):
    html = page(dossiers, "/").get_data(as_text=True)
    fid = dossiers.finalist_ids[0]
    assert f'src="{HUB}/pictures/{fid}/{"c" * 32}.jpg"' in html
    for name in ("fietsbieb-zuid", "innovatie-1", "anoniem"):
        assert f'href="/stemmen/{dossiers.slug}/{name}"' in html


def test_the_via_word_of_a_link_rides_in_the_form(dossiers):
    path = f"/stemmen/{dossiers.slug}/fietsbieb-zuid?via=Nieuwsbrief"
    html = page(dossiers, path).get_data(as_text=True)
    assert '<input type="hidden" name="via" value="nieuwsbrief">' in html


@pytest.mark.parametrize("text", ["", "a b", "x" * 21, "<script>", "-start", "née"])
def test_anything_but_a_short_word_is_no_via(text):
    assert via_word(text) is None


def test_before_voting_opens_a_finalist_page_is_404(dossiers):
    later = utcnow() + 2 * HOUR
    apply(
        dossiers.app,
        "edition.scheduled",
        schedule(dossiers.slug, 2, voting_open=later, voting_close=later + HOUR),
    )
    assert page(dossiers, f"/stemmen/{dossiers.slug}/fietsbieb-zuid").status_code == 404


def test_an_unknown_finalist_is_404(dossiers):
    assert page(dossiers, f"/stemmen/{dossiers.slug}/niemand").status_code == 404


def test_after_the_close_the_page_stays_without_the_form(dossiers):
    earlier = utcnow() - 3 * HOUR
    apply(
        dossiers.app,
        "edition.scheduled",
        schedule(dossiers.slug, 2, voting_open=earlier, voting_close=earlier + HOUR),
    )
    html = page(dossiers, f"/stemmen/{dossiers.slug}/fietsbieb-zuid").get_data(as_text=True)
    assert "Fietsbieb Zuid" in html and 'name="finalist_id"' not in html
