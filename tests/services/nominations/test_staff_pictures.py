"""The hub's staff page of a finalist's picture: upload it with a form (a body far past the
app's 64 KiB, allowed on this form alone), give its alt text in both languages, remove it;
what is not a picture gets the form again with the message beside the field."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest

from tests.pictures import camera_jpeg, text_as_jpeg
from tests.services.nominations.staff_helpers import HTML, csrf, signed_in

ALT = {"alt_nl": "Twee vrijwilligers aan een toestel", "alt_en": "Two volunteers at a device"}


@pytest.fixture
def staff_client(hub):
    """A signed-in staff browser, and the picture page of the first of two finalists."""
    ids = hub.accepted(2)
    hub.close_nominations()
    assert hub.choose(ids).status_code == 200
    token = hub.staff["Authorization"].removeprefix("Bearer ")
    return signed_in(hub.app, token), f"/staff/editions/{hub.slug}/finalists/{ids[0]}/foto"


def upload(client, path: str, data: bytes | None, **alt):
    """Send the picture form as a browser does (multipart, with its CSRF token)."""
    form = {"csrf_token": csrf(client, path), "alt_nl": "", "alt_en": ""} | alt
    if data is not None:
        form["picture"] = (io.BytesIO(data), "foto.jpg", "image/jpeg")
    return client.post(path, data=form, headers=HTML, content_type="multipart/form-data")


def test_a_picture_and_its_alt_texts_are_saved_and_shown(staff_client):
    client, path = staff_client
    large = camera_jpeg(3000, 2000) + b"\0" * 200_000  # past 64 KiB
    response = upload(client, path, large, **ALT)
    assert response.status_code == 303
    page = client.get(path, headers=HTML).get_data(as_text=True)
    assert 'class="picture"' in page and f'alt="{ALT["alt_nl"]}"' in page
    assert f'value="{ALT["alt_en"]}"' in page
    src = re.search(r'class="picture" src="([^"]+)"', page).group(1)
    assert client.get(urlsplit(src).path).mimetype == "image/jpeg"


def test_the_finalists_page_links_each_picture_page(staff_client, hub):
    client, path = staff_client
    page = client.get(f"/staff/editions/{hub.slug}/finalists", headers=HTML).get_data(as_text=True)
    assert f'href="{path}"' in page


def test_a_text_file_named_jpg_gets_the_form_again_with_the_message(staff_client):
    client, path = staff_client
    response = upload(client, path, text_as_jpeg())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="picture-error"' in page and "JPEG, PNG of WebP" in page
    assert 'class="picture"' not in page


def test_alt_text_alone_needs_a_picture_first(staff_client):
    client, path = staff_client
    assert upload(client, path, None, **ALT).status_code == 422
    assert upload(client, path, camera_jpeg()).status_code == 303
    assert upload(client, path, None, alt_nl="Nieuwe tekst").status_code == 303
    assert 'alt="Nieuwe tekst"' in client.get(path, headers=HTML).get_data(as_text=True)


def test_a_picture_is_removed(staff_client):
    client, path = staff_client
    upload(client, path, camera_jpeg())
    removed = client.post(
        path + "/verwijderen", data={"csrf_token": csrf(client, path)}, headers=HTML
    )
    assert removed.status_code == 303
    assert 'class="picture"' not in client.get(path, headers=HTML).get_data(as_text=True)


def test_other_forms_keep_the_64_kib_limit(staff_client, hub):
    client, _ = staff_client
    finalists = f"/staff/editions/{hub.slug}/finalists"
    form = {"csrf_token": csrf(client, finalists), "nomination_ids": "x" * 70_000}
    assert client.post(finalists, data=form, headers=HTML).status_code == 413
