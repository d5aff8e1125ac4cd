"""Pages support: a form posted without a valid CSRF token gets a page saying what to do;
one with it is taken, over HTTPS too."""

from tests.links import CSRF


def test_a_form_without_its_csrf_token_gets_a_page_in_dutch(apps):
    response = apps["nominations"].test_client().post("/nomineren", data={"nominee_name": "x"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)


def test_the_same_page_in_english_on_request(apps):
    client = apps["nominations"].test_client()
    response = client.post("/nomineren?lang=en", data={}, headers={"Accept": "text/html"})
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_form_posted_over_https_without_a_referer_is_taken(apps):
    # A client that is not a browser posts a page's form back with its cookies, but sends
    # no Referer: behind the TLS proxy the CSRF token must do, without a referrer check.
    client, https = apps["jury"].test_client(), {"base_url": "https://rv.example"}
    page = client.get("/nieuwe-link", **https).get_data(as_text=True)
    data = {"csrf_token": CSRF.search(page).group(1), "email": "an@example.be"}
    response = client.post("/nieuwe-link", data=data, **https)
    assert response.status_code == 200
    assert "verlopen" not in response.get_data(as_text=True)
