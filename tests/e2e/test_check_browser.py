"""The check page in a browser without JavaScript, in Dutch and in English: a voter types
their receipt as they wrote it down and reads that their vote counts and for whom, then
downloads the bulletin, whose SHA-256 is the fingerprint the page shows."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from shared.editions import SCHEDULED
from shared.schemas.contest import FINALISTS_SELECTED
from tests.services.voting.conftest import Voting, apply, finalists, schedule
from tests.services.voting.receipt_helpers import voted
from tests.services.voting.review_helpers import close

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

SAYS = {"nl": "Je stem telt mee, voor Innovatie 2.", "en": "Your vote counts, for Innovatie 2."}


@pytest.fixture
def closed(make_app, tmp_path):
    """Voting of an edition that closed, with one vote for the third finalist: its receipt."""
    app = make_app("voting")
    slug, ids = f"ed-{uuid.uuid4().hex[:8]}", [str(uuid.uuid4()) for _ in range(3)]
    apply(app, SCHEDULED, schedule(slug))
    apply(app, FINALISTS_SELECTED, finalists(slug, ids))
    voting = Voting(app, slug, ids, tmp_path / "outbox")
    code = voted(voting, "an.peeters@telenet.be", 2)
    close(voting)
    return voting, code


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_voter_checks_their_receipt_and_the_bulletin_s_hash(
    browser, serve, closed, lang, tmp_path
):
    voting, code = closed
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    tab = context.new_page()
    tab.goto(f"{serve(voting.app)}/stemmen/{voting.slug}/controle?lang={lang}")
    tab.locator("#receipt").fill(code.lower().replace("-", " "))
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    status = tab.locator("[role=status]").inner_text()
    assert code in status and SAYS[lang] in status
    fingerprint = tab.locator(".fingerprint code").first.inner_text()
    with tab.expect_download() as download:
        tab.locator("a[download]").click()
    saved = tmp_path / "bulletin.json"
    download.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == fingerprint
    context.close()
