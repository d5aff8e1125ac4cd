"""Pages support: a form posted without a valid CSRF token gets a page saying what to do."""


def test_a_form_without_its_csrf_token_gets_a_page_in_dutch(apps):
    response = apps["nominations"].test_client().post("/nomineren", data={"nominee_name": "x"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)


def test_the_same_page_in_english_on_request(apps):
    client = apps["nominations"].test_client()
    response = client.post("/nomineren?lang=en", data={}, headers={"Accept": "text/html"})
    assert "This form has expired" in response.get_data(as_text=True)
