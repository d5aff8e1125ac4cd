"""Reminders: at the settings' moments before jury_close (a moved clock here) every juror
with finalists left gets one mail with a fresh login link, once each, in their language;
staff send one now through the API and see who got what."""

from __future__ import annotations

import datetime as dt

import pytest

from services.jury.models import Juror
from services.jury.privacy import act
from services.jury.reminders import remind, remind_due
from shared.models import utcnow
from shared.people import identify
from tests.services.jury.conftest import (
    close_jury,
    invite,
    logged_in_client,
    login_path,
    mails_to,
    run_worker,
    schedule,
    score_form,
    select_finalists,
)
from tests.services.jury.test_staff_pages import signed_in

SUBJECT = "Herinnering: de jury van Radicale Vernieuwers sluit binnenkort"


@pytest.fixture
def closing(jury):
    """An edition whose jury closes in eight days, with three finalists; returns its slug
    and the moment of its close."""
    close = utcnow() + dt.timedelta(days=8)
    slug = schedule(jury, run=False, jury_close=close.isoformat())
    select_finalists(jury, slug)
    return slug, close


def tick(app, at: dt.datetime) -> int:
    """Run the reminder duty as the relay would at `at`, then the worker that mails."""
    with app.app_context(), app.extensions["rv"].sessions.begin() as db:
        sent = remind_due(db, at)
    run_worker(app)
    return sent


def reminders_to(app, address: str) -> list:
    return [m for m in mails_to(app, address) if m["Subject"] == SUBJECT]


def before(close: dt.datetime, hours: int) -> dt.datetime:
    """A minute past the moment `hours` before the close."""
    return close - dt.timedelta(hours=hours) + dt.timedelta(minutes=1)


def test_nothing_is_sent_before_the_first_moment(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "an@example.be")
    assert tick(jury, close - dt.timedelta(hours=168, minutes=1)) == 0
    assert reminders_to(jury, "an@example.be") == []


def test_a_juror_with_finalists_left_is_reminded_once_a_week_before(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "an@example.be")
    assert tick(jury, before(close, 168)) == 1
    assert tick(jury, before(close, 168) + dt.timedelta(hours=1)) == 0
    (mail,) = reminders_to(jury, "an@example.be")
    text = mail.get_body(("plain",)).get_content()
    assert "Finalisten die je nog niet indiende: 3." in text and "/login/" in text


def test_the_day_before_brings_a_second_reminder_and_only_one(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "an@example.be")
    tick(jury, before(close, 168))
    assert tick(jury, before(close, 24)) == 1
    assert tick(jury, before(close, 24) + dt.timedelta(hours=2)) == 0
    assert len(reminders_to(jury, "an@example.be")) == 2


def test_a_juror_who_submitted_everything_is_not_reminded(jury, staff, closing):
    slug, close = closing
    juror = logged_in_client(jury, staff, slug, "done@example.be")
    home = juror.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for finalist_id in {p.split('"')[0] for p in home.split("/beoordelen/")[1:]}:
        response = score_form(juror, finalist_id, {}, action="submit", recused="1")
        assert response.status_code == 303
    invite(jury, staff, slug, "late@example.be")
    assert tick(jury, before(close, 168)) == 1  # the other juror only
    assert reminders_to(jury, "done@example.be") == []


def test_a_juror_invited_after_a_moment_is_reminded_only_at_the_next(jury, staff):
    close = utcnow() + dt.timedelta(days=5)  # the week's moment passed two days ago
    slug = schedule(jury, run=False, jury_close=close.isoformat())
    select_finalists(jury, slug)
    invite(jury, staff, slug, "an@example.be")
    assert tick(jury, utcnow()) == 0
    assert tick(jury, before(close, 24)) == 1


def test_the_reminders_link_logs_the_juror_in(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "an@example.be")
    tick(jury, before(close, 168))
    client = jury.test_client()
    response = client.get(login_path(jury, "an@example.be"))
    if response.status_code == 200:  # the link's page: the log-in button posts back
        response = client.post(login_path(jury, "an@example.be"), data=csrf_of(response))
    assert response.status_code == 303
    assert "Jouw finalisten" in client.get("/", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )


def csrf_of(response) -> dict:
    text = response.get_data(as_text=True)
    return {"csrf_token": text.split('name="csrf_token" value="')[1].split('"')[0]}


def test_the_reminder_speaks_the_jurors_language(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "ann@example.co.uk", lang="en")
    tick(jury, before(close, 168))
    (mail,) = mails_to(jury, "ann@example.co.uk")[1:]
    assert mail["Subject"] == "Reminder: the Radicale Vernieuwers jury closes soon"
    assert "Finalists you have not submitted yet: 3." in mail.get_body(("plain",)).get_content()


def test_staff_remind_now_and_see_who_got_what(jury, staff, closing):
    slug, _ = closing
    an = invite(jury, staff, slug, "an@example.be", name="An")
    client = jury.test_client()
    response = client.post(f"/api/v1/editions/{slug}/reminders", headers=staff)
    assert response.status_code == 201
    (sent,) = response.get_json()["sent"]
    assert (sent["juror_id"], sent["name"], sent["hours_before"]) == (an, "An", None)
    assert (sent["sent_by"], sent["open_finalists"]) == ("tester", 3)
    run_worker(jury)
    assert len(reminders_to(jury, "an@example.be")) == 1
    listed = client.get(f"/api/v1/editions/{slug}/reminders", headers=staff).get_json()
    assert [r["juror_id"] for r in listed["items"]] == [an] and listed["next"] is None
    (row,) = client.get(f"/api/v1/editions/{slug}/progress", headers=staff).get_json()
    assert [r["sent_by"] for r in row["reminders"]] == ["tester"]


def test_staff_reminding_a_juror_of_another_edition_is_404(jury, staff, closing):
    slug, _ = closing
    other = invite(jury, staff, schedule(jury), "an@example.be")
    response = jury.test_client().post(
        f"/api/v1/editions/{slug}/reminders", json={"juror_ids": [other]}, headers=staff
    )
    assert response.status_code == 404


def test_staff_cannot_remind_after_the_close(jury, staff, contest):
    close_jury(jury, contest.slug)
    response = jury.test_client().post(f"/api/v1/editions/{contest.slug}/reminders", headers=staff)
    assert response.status_code == 409


def erase(app, address: str) -> None:
    """Erase the juror behind `address`, as a privacy request does."""
    person = identify(app.extensions["rv"].settings, address).hash
    with app.app_context(), app.extensions["rv"].sessions.begin() as db:
        act(db, person, erase=True)


def test_an_erased_juror_is_not_reminded(jury, staff, closing):
    slug, close = closing
    an = invite(jury, staff, slug, "an@example.be")
    erase(jury, "an@example.be")
    assert tick(jury, before(close, 168)) == 0
    response = jury.test_client().post(
        f"/api/v1/editions/{slug}/reminders", json={"juror_ids": [an]}, headers=staff
    )
    assert response.get_json() == {"sent": [], "skipped": [an]}


def test_staff_remind_from_their_page(jury, staff, closing):
    slug, _ = closing
    invite(jury, staff, slug, "an@example.be")
    client = signed_in(jury, "jury")
    path = f"/staff/editions/{slug}"
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "168, 24 uur voor de sluiting" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"{path}/reminders", data={"csrf_token": token}, follow_redirects=True)
    assert "Herinneringen verstuurd: 1." in response.get_data(as_text=True)
    run_worker(jury)
    assert len(reminders_to(jury, "an@example.be")) == 1


def test_staff_see_on_their_page_which_reminders_a_juror_got(jury, staff, closing):
    slug, close = closing
    invite(jury, staff, slug, "an@example.be")
    tick(jury, before(close, 168))
    jury.test_client().post(f"/api/v1/editions/{slug}/reminders", headers=staff)
    page = signed_in(jury, "jury").get(f"/staff/editions/{slug}", headers={"Accept": "text/html"})
    cell = page.get_data(as_text=True).split('data-label="Herinneringen">')[1].split("</td>")[0]
    assert "(168 uur voor de sluiting)" in cell and "(door tester)" in cell


def test_a_scheduled_reminder_claimed_twice_goes_out_once(jury, staff, closing):
    slug, _ = closing
    an = invite(jury, staff, slug, "an@example.be")
    with jury.app_context(), jury.extensions["rv"].sessions.begin() as db:
        juror = db.get(Juror, an)
        first = remind(db, juror, 3, hours_before=168)
        second = remind(db, juror, 3, hours_before=168)  # a second relay at the same moment
    assert first is not None and second is None
    run_worker(jury)
    assert len(reminders_to(jury, "an@example.be")) == 1
