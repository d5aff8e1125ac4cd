"""One person in every role, for the privacy tests: Bert nominates Hanne's innovation, is
nominated himself, votes and judges the edition (a submitted scorecard), each time spelling
his address differently."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from services.jury.models import Criterion
from services.nominations.confirmation import confirm_link
from services.nominations.models import Nominator
from tests.factories import edition_body, iso
from tests.links import follow
from tests.mailbox import read_mails
from tests.services.jury.conftest import login_path, score_form
from tests.services.nominations.conftest import nomination_body
from tests.shared.bus_helpers import pump

BERT = "Bert.Lenaerts@gmail.com"  # nominator, voter and juror, in three spellings
JUROR = "b.e.r.t.lenaerts@googlemail.com"
HANNE = "hanne@warmwonen.be"  # a nominee
VOTE_LINK = re.compile(r"https?://\S+(/votes/confirm/\S+)")


def build_campaign(apps: dict, staff: dict, outbox: Path) -> str:
    """An edition whose voting is open, with Bert's nomination of Hanne's innovation among
    its finalists, Bert's counted vote (as bertlenaerts+rv@gmail.com) and Bert as a juror
    (as b.e.r.t.lenaerts@googlemail.com) who submitted his scores of the third finalist, with
    a comment that signs his name; returns the edition's slug."""
    hub = apps["nominations"].test_client()
    body = edition_body(finalist_count=3)
    slug = body["slug"]
    assert hub.post("/api/v1/editions", json=body, headers=staff).status_code == 201
    ids = [_nominate(apps, slug, i) for i in range(3)]
    for nomination_id in ids:
        decision = {"status": "accepted"}
        response = hub.patch(f"/api/v1/nominations/{nomination_id}", json=decision, headers=staff)
        assert response.status_code == 200
    _patch(hub, slug, staff, nominations_close=iso(-5))
    chosen = hub.put(
        f"/api/v1/editions/{slug}/finalists", json={"nomination_ids": ids}, headers=staff
    )
    assert chosen.status_code == 200
    _patch(hub, slug, staff, voting_open=iso(-1))
    pump(apps)
    _vote(apps, slug, ids[0], "bertlenaerts+rv@gmail.com", outbox)
    juror = {"name": "Bert Lenaerts", "email": JUROR}
    response = (
        apps["jury"]
        .test_client()
        .post(f"/api/v1/editions/{slug}/jurors", json=juror, headers=staff)
    )
    assert response.status_code == 201, response.get_json()
    pump(apps)
    _judge(apps["jury"], ids[2])
    return slug


def close_and_publish(apps: dict, staff: dict, slug: str) -> None:
    """Voting and jury close at the hub, their final figures reach it, and staff publish the
    public award's winner."""
    hub = apps["nominations"].test_client()
    _patch(hub, slug, staff, voting_close=iso(-0.2), jury_close=iso(-0.1))
    pump(apps)
    results = hub.get(f"/api/v1/editions/{slug}/results", headers=staff).get_json()
    assert results["complete"], results
    awards = [{"award": "public", "finalist_id": results["public"][0]["finalist_id"]}]
    response = hub.post(f"/api/v1/editions/{slug}/winners", json={"awards": awards}, headers=staff)
    assert response.status_code == 201, response.get_json()
    assert hub.get("/winnaars").status_code == 200


def _judge(jury, finalist_id: str) -> None:
    """Bert logs in from his mail and submits his scores of one finalist, signed."""
    client = jury.test_client()
    assert follow(client, login_path(jury, JUROR)).status_code == 303
    with jury.extensions["rv"].sessions() as session:
        keys = set(session.scalars(select(Criterion.key)))
    comment = "Sterk dossier. Bert Lenaerts"
    response = score_form(client, finalist_id, dict.fromkeys(keys, 7), "submit", comment=comment)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _nominate(apps, slug: str, i: int) -> str:
    changes = {}
    if i == 0:
        changes = {"nominator_name": "Bert Lenaerts", "nominator_email": BERT}
        changes |= {"nominee_name": "Hanne Maes", "nominee_email": HANNE}
    if i == 1:
        changes = {"nominee_name": "Bert Lenaerts", "nominee_email": "bert.lenaerts+werk@gmail.com"}
    client = apps["nominations"].test_client()
    body = nomination_body(i, **changes)
    response = client.post(f"/api/v1/editions/{slug}/nominations", json=body)
    assert response.status_code == 202, response.get_json()
    with apps["nominations"].app_context(), apps["nominations"].extensions["rv"].sessions() as s:
        nominator = s.scalar(select(Nominator).order_by(Nominator.created_at.desc()).limit(1))
        link = confirm_link(nominator.id)
    assert follow(client, urlsplit(link).path).status_code == 200
    return response.get_json()["id"]


def _patch(client, slug: str, staff: dict, **changes) -> None:
    response = client.patch(f"/api/v1/editions/{slug}", json=changes, headers=staff)
    assert response.status_code == 200, response.get_json()


def _vote(apps, slug: str, finalist_id: str, email: str, outbox: Path) -> None:
    client = apps["voting"].test_client()
    body = {"finalist_id": finalist_id, "email": email}
    assert client.post(f"/api/v1/editions/{slug}/votes", json=body).status_code == 202
    pump(apps)
    text = read_mails(outbox, email)[-1].get_body(("plain",)).get_content()
    assert follow(client, VOTE_LINK.search(text).group(1)).status_code == 200
