"""The jury's staff API for reminders: send one now, and see who got what and when."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from services.jury.editions import get_edition
from services.jury.models import Juror, Reminder
from services.jury.reminders import send_now
from shared.auth import staff_required
from shared.backends import backends
from shared.http import json_body
from shared.pagination import cursor_after, keyset_page, page_limit
from shared.schemas.jury import ReminderListSchema, ReminderSchema, SendRemindersSchema

bp = Blueprint("jury_reminders", __name__, url_prefix="/api/v1/editions/<slug>/reminders")
REMINDERS = ReminderSchema(many=True)


@bp.post("")
@staff_required("jury")
def post_reminders(slug: str):
    """Mail a reminder with a fresh login link now to these jurors (`juror_ids`), or, without
    a body, to every juror with finalists left to submit; jurors with none left are skipped.
    409 once the jury has closed.
    ---
    post:
      tags: [jury]
      requestBody:
        required: false
        content:
          application/json: {schema: SendRemindersSchema}
      responses:
        201:
          description: the reminders sent, and the jurors skipped
          content:
            application/json:
              schema:
                type: object
                properties:
                  sent: {type: array, items: ReminderSchema}
                  skipped: {type: array, items: {type: string}}
        404: {$ref: '#/components/responses/404'}
        409: {$ref: '#/components/responses/409'}
    """
    data = SendRemindersSchema().load(json_body() if request.content_length else {})
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        outcome = send_now(session, edition, g.staff, data["juror_ids"])
        body = {"sent": REMINDERS.dump(outcome["sent"]), "skipped": outcome["skipped"]}
        return jsonify(body), 201


@bp.get("")
@staff_required("jury")
def get_reminders(slug: str):
    """Every reminder of the edition, oldest first: to whom, scheduled (`hours_before`
    jury_close) or by which staff member, with the finalists they had left; paginated.
    ---
    get:
      tags: [jury]
      parameters:
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: one page of reminders
          content:
            application/json: {schema: ReminderListSchema}
    """
    with backends().sessions() as session:
        edition = get_edition(session, slug)
        query = select(Reminder).join(Juror).where(Juror.edition_id == edition.id)
        page = keyset_page(session, query, Reminder.id, page_limit(), cursor_after())
        return jsonify(ReminderListSchema().dump(page))
