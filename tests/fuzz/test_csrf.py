"""Every form of every service posted without its CSRF token, with a made-up one, or with
the token of another visitor's session: a 400 page that says the form expired, and nothing
stored in any service."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.fuzz.conftest import HTML, Campaign, csrf_token, stored
from tests.services.nominations.conftest import nomination_body

# A form without its token is refused before any database work: the same on both
# engines, so the PostgreSQL pass leaves this module to the SQLite pass.
pytestmark = pytest.mark.engine_free


@dataclass(frozen=True)
class Form:
    """A form: its service, the page that shows it, where it posts, who posts it."""

    service: str
    page: str
    action: str
    juror: bool = False

    def fields(self, campaign: Campaign) -> dict:
        """What a person would type into it, without the CSRF token."""
        if self.service == "voting" and self.action.startswith("/stemmen"):
            return {"finalist_id": campaign.finalist_id(), "email": "csrf@telenet.be"}
        if self.action == "/nomineren":
            return {k: str(v) for k, v in nomination_body(7).items()}
        if self.action.startswith("/beoordelen"):
            return {"action": "submit", "comment": "Sterk project."}
        if self.action == "/nieuwe-link":
            return {"email": "fuzz.jurylid@telenet.be"}
        return {"token": campaign.seeds.token, "next": "/staff/"}


FORMS = [
    Form("nominations", "/nomineren", "/nomineren"),
    Form("voting", "/", "/stemmen/demo"),
    Form("jury", "/beoordelen/{finalist}", "/beoordelen/{finalist}", juror=True),
    Form("jury", "/nieuwe-link", "/nieuwe-link"),
    *(Form(service, "/staff/login", "/staff/login") for service in ("voting", "jury")),
]
TOKENS = {
    "missing": lambda campaign, form: None,
    "made up": lambda campaign, form: "IjVmNGQ5YzE2Ig.aGVsbG8.bm90LWEtdG9rZW4",
    # A visitor's real token, from a page anyone sees (a juror's page needs a login link).
    "another session's": lambda campaign, form: csrf_token(
        campaign.apps[form.service].test_client(), "/nieuwe-link" if form.juror else form.page
    ),
}


def _client(campaign: Campaign, form: Form):
    return campaign.juror() if form.juror else campaign.apps[form.service].test_client()


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f.service}{f.action}")
def test_a_form_without_its_own_csrf_token_is_refused_and_stores_nothing(campaign, form, token):
    client = _client(campaign, form)
    finalist = campaign.finalist_id()
    csrf_token(client, form.page.format(finalist=finalist))  # the visitor's own session
    data = form.fields(campaign)
    wrong = TOKENS[token](campaign, form)
    if wrong is not None:
        data["csrf_token"] = wrong
    before = stored(campaign.apps)
    response = client.post(form.action.format(finalist=finalist), data=data, headers=HTML)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "verlopen" in response.get_data(as_text=True)
    assert stored(campaign.apps) == before
