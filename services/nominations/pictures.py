"""Finalists' pictures on the hub: staff give one per finalist, with its alt text in Dutch
and English; the hub keeps only its safe renditions (services/nominations/images.py) in its
own database, so that every instance of the hub serves them, and sends their addresses to
voting and jury with the finalists: each change is a new revision of the set.

A nominee who declined publicity has no picture in public: the set carries none and its
files are not served, though staff may still have given one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer
from werkzeug.exceptions import NotFound

from services.nominations.finalists import republish_finalists
from services.nominations.images import Rendition
from services.nominations.models import Edition, Finalist, Nomination, Picture, PictureFile
from shared.models import utcnow


def finalist_of(session: Session, edition: Edition, nomination_id: str) -> Finalist:
    """The edition's finalist with this id (404 when it is none)."""
    finalist = session.get(Finalist, nomination_id)
    if finalist is None or finalist.edition_id != edition.id:
        raise NotFound("No finalist with this id in this edition.")
    return finalist


def store_picture(
    session: Session, edition: Edition, finalist: Finalist, files: list[Rendition], staff: str
) -> Picture:
    """Make these renditions the finalist's picture, replacing any earlier one (its alt
    text stays, to be changed apart), and send the finalists again."""
    picture = session.get(Picture, finalist.nomination_id)
    if picture is None:
        picture = Picture(nomination_id=finalist.nomination_id, uploaded_by=staff)
        session.add(picture)
    picture.uploaded_by, picture.uploaded_at = staff, utcnow()
    picture.files = [_file(rendition) for rendition in files]
    session.flush()
    republish_finalists(session, edition)
    return picture


def _file(rendition: Rendition) -> PictureFile:
    return PictureFile(
        kind=rendition.kind,
        name=rendition.name,
        content_type=rendition.content_type,
        width=rendition.width,
        height=rendition.height,
        data=rendition.data,
    )


def describe_picture(session: Session, edition: Edition, finalist: Finalist, alt: dict) -> Picture:
    """Set the picture's alt text (`alt_nl`, `alt_en`, either alone) and send the finalists
    again; 404 while the finalist has no picture."""
    picture = _picture_of(session, finalist)
    for field, text in alt.items():
        setattr(picture, field, text)
    session.flush()
    republish_finalists(session, edition)
    return picture


def remove_picture(session: Session, edition: Edition, finalist: Finalist) -> None:
    """Delete the finalist's picture and its files, and send the finalists again."""
    session.delete(_picture_of(session, finalist))
    session.flush()
    republish_finalists(session, edition)


def _picture_of(session: Session, finalist: Finalist) -> Picture:
    picture = session.get(Picture, finalist.nomination_id)
    if picture is None:
        raise NotFound("This finalist has no picture.")
    return picture


def public_file(session: Session, nomination_id: str, name: str) -> PictureFile | None:
    """The file of this name of a picture the public may see (its nominee did not decline
    publicity), or None."""
    query = (
        select(PictureFile)
        .join(Nomination, Nomination.id == PictureFile.nomination_id)
        .where(
            PictureFile.nomination_id == nomination_id,
            PictureFile.name == name,
            Nomination.declined_public_at.is_(None),
        )
    )
    return session.scalar(query.options(undefer(PictureFile.data)))
