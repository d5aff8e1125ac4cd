"""The jury's staff JSON API: criteria, jurors, settings, progress, ranking, reopening and
the export. Every call takes a staff Bearer token only: a juror's session cookie opens none."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from services.jury.criteria import changes_page, criteria_of, replace_criteria
from services.jury.editions import get_edition
from services.jury.export import scores_csv
from services.jury.jurors import get_juror, invite
from services.jury.progress import progress
from services.jury.ranking import ranking_of
from services.jury.scoring import reopen
from shared.auth import staff_required
from shared.backends import backends
from shared.http import json_body, json_list, load_json
from shared.pagination import cursor_after, page_limit
from shared.schemas.contest import RankedFinalistSchema
from shared.schemas.jury import (
    CriteriaChangePageSchema,
    CriteriaSchema,
    CriterionSchema,
    JurorSchema,
    JurySettingsSchema,
    ProgressSchema,
    ReopenSchema,
)

bp = Blueprint("jury_api", __name__, url_prefix="/api/v1/editions/<slug>")
CRITERIA = CriterionSchema(many=True)
JUROR = JurorSchema()
SETTINGS = JurySettingsSchema()


@bp.get("/criteria")
@staff_required("jury")
def get_criteria(slug: str):
    """The edition's weighted criteria, in the form's order.
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: the criteria
          content:
            application/json: {schema: {type: array, items: CriterionSchema}}
    """
    with backends().sessions() as session:
        return jsonify(CRITERIA.dump(criteria_of(session, get_edition(session, slug).id)))


@bp.put("/criteria")
@staff_required("jury")
def put_criteria(slug: str):
    """Replace the edition's criteria (1 to 20, unique keys and labels, weights above 0; scores
    are on a 1 to 10 scale); 409 once the jury has closed, or once scoring started for more
    than a change of labels. Every replacement is in the criteria's audit log.
    ---
    put:
      tags: [jury]
      requestBody:
        required: true
        content:
          application/json: {schema: {type: array, items: CriterionSchema}}
      responses:
        200:
          description: the new criteria
          content:
            application/json: {schema: {type: array, items: CriterionSchema}}
        409: {$ref: '#/components/responses/409'}
    """
    items = CriteriaSchema().load({"criteria": json_list()})["criteria"]
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        return jsonify(CRITERIA.dump(replace_criteria(session, edition, items, g.staff)))


@bp.get("/criteria/changes")
@staff_required("jury")
def get_criteria_changes(slug: str):
    """The criteria's audit log: every replacement of the edition's set, oldest first
    (paginated).
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: one page of replacements
          content:
            application/json: {schema: CriteriaChangePageSchema}
    """
    limit, after = page_limit(), cursor_after(int)
    with backends().sessions() as session:
        page = changes_page(session, get_edition(session, slug), limit, after)
        return jsonify(CriteriaChangePageSchema().dump(page))


@bp.post("/jurors")
@staff_required("jury")
def post_juror(slug: str):
    """Invite a juror: a single-use login link goes to their address by mail.
    ---
    post:
      tags: [jury]
      requestBody:
        required: true
        content:
          application/json: {schema: JurorSchema}
      responses:
        201:
          description: the juror
          content:
            application/json: {schema: JurorSchema}
        409: {$ref: '#/components/responses/409'}
    """
    data = load_json(JUROR)
    with backends().sessions.begin() as session:
        juror = invite(session, get_edition(session, slug), data, g.staff)
        return jsonify(JUROR.dump(juror)), 201


@bp.post("/jurors/<juror_id>/reopen")
@staff_required("jury")
def post_reopen(slug: str, juror_id: str):
    """Unlock a juror's submitted scorecards, all or one finalist's (body optional); they
    become drafts again, their values kept. 409 once the jury has closed.
    ---
    post:
      tags: [jury]
      requestBody:
        required: false
        content:
          application/json: {schema: ReopenSchema}
      responses:
        200:
          description: how many scorecards were reopened
          content:
            application/json:
              schema: {type: object, properties: {reopened: {type: integer}}}
        409: {$ref: '#/components/responses/409'}
    """
    data = ReopenSchema().load(json_body() if request.content_length else {})
    with backends().sessions.begin() as session:
        juror = get_juror(session, get_edition(session, slug), juror_id)
        return jsonify({"reopened": reopen(session, juror, data["finalist_id"])})


@bp.get("/jury-settings")
@staff_required("jury")
def get_settings(slug: str):
    """The jury's settings for the edition.
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: the settings
          content:
            application/json: {schema: JurySettingsSchema}
    """
    with backends().sessions() as session:
        return jsonify(SETTINGS.dump(get_edition(session, slug)))


@bp.patch("/jury-settings")
@staff_required("jury")
def patch_settings(slug: str):
    """Choose how the ranking compares jurors: `none` (scores as given) or `zscore` (each
    juror's weighted scores as z-scores against their own mean and spread).
    ---
    patch:
      tags: [jury]
      requestBody:
        required: true
        content:
          application/json: {schema: JurySettingsSchema}
      responses:
        200:
          description: the settings
          content:
            application/json: {schema: JurySettingsSchema}
    """
    data = load_json(SETTINGS)
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        edition.normalisation = data["normalisation"]
        return jsonify(SETTINGS.dump(edition))


@bp.get("/progress")
@staff_required("jury")
def get_progress(slug: str):
    """Per juror: finalists submitted with scores, drafts, recusals, and the finalists' number.
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: progress per juror, by name
          content:
            application/json: {schema: {type: array, items: ProgressSchema}}
    """
    with backends().sessions() as session:
        rows = progress(session, get_edition(session, slug))
        return jsonify(ProgressSchema(many=True).dump(rows))


@bp.get("/ranking")
@staff_required("jury")
def get_ranking(slug: str):
    """The ranking now from submitted scores (the edition's normalisation applied); equal
    scores share a rank, unscored finalists come last with no score.
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: every finalist, best first
          content:
            application/json: {schema: {type: array, items: RankedFinalistSchema}}
    """
    with backends().sessions() as session:
        rows = ranking_of(session, get_edition(session, slug))
        return jsonify(RankedFinalistSchema(many=True).dump(rows))


@bp.get("/scores.csv")
@staff_required("jury")
def get_scores_csv(slug: str):
    """Every scorecard (drafts too) with its comment, one row per juror and finalist, a
    column per criterion; UTF-8 with a BOM, formula-like cells defused.
    ---
    get:
      tags: [jury]
      responses:
        200:
          description: the scores as CSV
          content:
            text/csv: {schema: {type: string}}
    """
    with backends().sessions() as session:
        text = scores_csv(session, get_edition(session, slug))
    disposition = f'attachment; filename="jury-{slug}.csv"'
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
