"""Finalists' pictures: staff upload one to the hub, which keeps it without metadata at the
sizes the pages use, serves them for ever-caching under content-hashed names, and sends
their addresses with the finalists; what is not a picture, or is a pixel bomb, is refused."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select

from services.nominations.images import MAX_BYTES, MAX_PIXELS
from shared.models import OutboxEvent
from tests.pictures import camera_jpeg, png_bomb, text_as_jpeg

SIZES = {"page": (960, 960), "social": (1200, 630), "thumbnail": (320, 320)}


@pytest.fixture
def accepted(hub) -> list[str]:
    """Three accepted nominations, the first two of them the edition's finalists."""
    ids = hub.accepted(3)
    hub.close_nominations()
    assert hub.choose(ids[:2]).status_code == 200
    return ids


@pytest.fixture
def finalist(accepted) -> str:
    """The id of the first finalist."""
    return accepted[0]


def upload(hub, finalist_id: str, data: bytes, content_type: str = "image/jpeg", **headers):
    """PUT a picture as staff (with `headers` instead of the staff's when given)."""
    return hub.client.put(
        f"/api/v1/editions/{hub.slug}/finalists/{finalist_id}/picture",
        data=data,
        content_type=content_type,
        headers=headers or hub.staff,
    )


def served(hub, url: str):
    """GET one of the picture's addresses from the hub, as anyone."""
    return hub.client.get(urlsplit(url).path)


def finalist_events(hub) -> list[dict]:
    """The finalists sets the hub sent to voting, oldest first."""
    with hub.app.extensions["rv"].sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [
            row.envelope["payload"]
            for row in rows
            if row.destination == "voting" and row.envelope["type"] == "finalists.selected"
        ]


def test_an_upload_answers_the_three_sizes(hub, finalist):
    response = upload(hub, finalist, camera_jpeg())
    assert response.status_code == 200, response.get_json()
    picture = response.get_json()
    assert {kind: (picture[kind]["width"], picture[kind]["height"]) for kind in SIZES} == {
        "page": (960, 720),
        "social": (1200, 630),
        "thumbnail": (320, 320),
    }


# A photo without a colour profile keeps its EXIF through the colour conversion: only the
# pixels-only encoding strips it there.
@pytest.mark.parametrize("profile", [True, False], ids=["with-profile", "without-profile"])
def test_served_pictures_carry_no_metadata_and_are_valid_images_of_their_sizes(
    hub, finalist, profile
):
    original = camera_jpeg(profile=profile)
    assert b"Exif" in original and b"Fotofabriek" in original  # positive control
    picture = upload(hub, finalist, original).get_json()
    for kind, (width, height) in SIZES.items():
        response = served(hub, picture[kind]["url"])
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        data = response.get_data()
        assert b"Exif" not in data and b"Fotofabriek" not in data and b"Wetstraat" not in data
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "JPEG"
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert not {"exif", "icc_profile", "xmp", "comment", "dpi"} & set(image.info)
        assert image.size == (picture[kind]["width"], picture[kind]["height"])
        assert image.width <= width and image.height <= height


def test_an_upright_photo_stays_upright(hub, finalist):
    # Stored 1600x1200 but marked as turned a quarter: a portrait photo, 1200 wide.
    picture = upload(hub, finalist, camera_jpeg(orientation=6)).get_json()
    assert (picture["page"]["width"], picture["page"]["height"]) == (720, 960)


def test_a_small_picture_is_not_enlarged_for_the_page(hub, finalist):
    picture = upload(hub, finalist, camera_jpeg(400, 300)).get_json()
    assert (picture["page"]["width"], picture["page"]["height"]) == (400, 300)
    assert (picture["social"]["width"], picture["social"]["height"]) == (1200, 630)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_are_taken_transparency_on_white(hub, finalist, kind):
    image = Image.new("RGBA", (500, 400), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, kind)
    response = upload(hub, finalist, out.getvalue(), f"image/{kind.lower()}")
    assert response.status_code == 200
    thumbnail = Image.open(io.BytesIO(served(hub, response.get_json()["thumbnail"]["url"]).data))
    assert thumbnail.convert("RGB").getpixel((10, 10)) >= (250, 250, 250)


def test_pictures_are_cached_for_a_year_under_names_that_are_their_content_hash(hub, finalist):
    url = upload(hub, finalist, camera_jpeg()).get_json()["social"]["url"]
    response = served(hub, url)
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    again = served(hub, url)
    assert again.get_data() == response.get_data()
    other = upload(hub, finalist, camera_jpeg(1000, 1000)).get_json()["social"]["url"]
    assert other != url
    assert served(hub, url).status_code == 404  # the replaced picture is gone
    assert served(hub, other).status_code == 200


def test_a_png_bomb_is_refused_with_a_clear_error(hub, finalist):
    bomb = png_bomb(8_000)  # 64 million pixels in about 60 KB
    assert Image.open(io.BytesIO(bomb)).size == (8_000, 8_000)  # positive control: a real PNG
    response = upload(hub, finalist, bomb, "image/png")
    assert response.status_code == 422
    (message,) = response.get_json()["error"]["fields"]["picture"]
    assert f"{MAX_PIXELS:,}" in message and "pixels" in message


def test_a_bomb_past_pillows_own_limit_is_refused_the_same(hub, finalist):
    response = upload(hub, finalist, png_bomb(10_000), "image/png")
    assert response.status_code == 422
    assert "pixels" in response.get_json()["error"]["fields"]["picture"][0]


def test_a_text_file_named_jpg_is_refused_with_a_clear_error(hub, finalist):
    response = upload(hub, finalist, text_as_jpeg())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert "not a JPEG, PNG or WebP picture" in error["fields"]["picture"][0]


def test_a_truncated_jpeg_is_refused(hub, finalist):
    assert upload(hub, finalist, camera_jpeg()[:5000]).status_code == 422


def test_a_picture_over_5_mb_is_413_in_the_error_shape(hub, finalist):
    response = upload(hub, finalist, camera_jpeg() + b"\0" * MAX_BYTES)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert "5 MB" in response.get_json()["error"]["message"]


def test_a_body_not_declared_as_a_picture_is_415(hub, finalist):
    response = upload(hub, finalist, camera_jpeg(200, 100), "application/octet-stream")
    assert response.status_code == 415


def test_only_the_picture_upload_may_be_larger_than_64_kib(hub, finalist):
    large = camera_jpeg(3000, 2000) + b"\0" * 100_000
    assert upload(hub, finalist, large).status_code == 200  # positive control
    assert upload(hub, finalist, large, "application/json").status_code == 413


def test_only_staff_upload(hub, finalist):
    assert upload(hub, finalist, camera_jpeg(), Authorization="Bearer nope").status_code == 401


def test_a_nomination_that_is_no_finalist_has_no_picture_address(hub, accepted):
    assert upload(hub, accepted[0], camera_jpeg()).status_code == 200  # positive control
    assert upload(hub, accepted[2], camera_jpeg()).status_code == 404


def test_the_picture_travels_to_voting_with_the_finalists(hub, finalist):
    picture = upload(hub, finalist, camera_jpeg()).get_json()
    latest = finalist_events(hub)[-1]
    assert latest["revision"] == 2
    assert latest["finalists"][0]["picture"] == picture
    assert latest["finalists"][1]["picture"] is None
    assert picture["social"]["url"].startswith("http://127.0.0.1:5001/pictures/")


def test_staff_give_the_alt_text_in_both_languages(hub, finalist):
    upload(hub, finalist, camera_jpeg())
    alt = {"alt_nl": "Twee vrijwilligers aan een toestel", "alt_en": "Two volunteers at a device"}
    response = hub.client.patch(
        f"/api/v1/editions/{hub.slug}/finalists/{finalist}/picture", json=alt, headers=hub.staff
    )
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in alt} == alt
    assert finalist_events(hub)[-1]["finalists"][0]["picture"]["alt_en"] == alt["alt_en"]


def test_alt_text_without_a_picture_is_404(hub, finalist):
    response = hub.client.patch(
        f"/api/v1/editions/{hub.slug}/finalists/{finalist}/picture",
        json={"alt_nl": "Iets"},
        headers=hub.staff,
    )
    assert response.status_code == 404


def test_a_removed_picture_is_no_longer_served_or_sent(hub, finalist):
    url = upload(hub, finalist, camera_jpeg()).get_json()["page"]["url"]
    path = f"/api/v1/editions/{hub.slug}/finalists/{finalist}/picture"
    assert hub.client.delete(path, headers=hub.staff).status_code == 204
    assert served(hub, url).status_code == 404
    assert finalist_events(hub)[-1]["finalists"][0]["picture"] is None


def test_a_nominee_who_declined_publicity_has_no_public_picture(hub, finalist):
    url = upload(hub, finalist, camera_jpeg()).get_json()["page"]["url"]
    assert served(hub, url).status_code == 200  # positive control
    hub.decline()
    assert served(hub, url).status_code == 404
    assert finalist_events(hub)[-1]["finalists"][0]["picture"] is None
