"""Finalists as voting and jury keep them: a replica of the hub's choice, by event.

Each `finalists.selected` event carries the whole set and a revision; an older set arriving
late never replaces a newer one.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, delete, false, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from shared.schemas.contest import FinalistsEventSchema

FINALISTS_EVENT = FinalistsEventSchema()


class FinalistColumns:
    """A finalist of an edition, as the hub sent it (shared/schemas/contest.py DossierSchema):

    - `id`: the hub's id (its nomination's); `position`: the hub's order;
    - `name`, `organisation`: of the nominee, "Anoniem" in voting when they declined
      publicity (`declined_publicity`); `summary`: the solution cut to 280 characters;
    - `region`, `theme`: the nomination form's choices (keys, as the hub has them);
    - `website`: as typed, "" when none (or, in voting, when publicity was declined);
    - `problem`, `solution`, `impact`: the nominator's text, whole, paragraphs by newlines;
    - `nomination_count`: how many people nominated the innovation (confirmed nominations).

    No address of a nominator or nominee is kept here.
    """

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(40), default="", server_default="")
    theme: Mapped[str] = mapped_column(String(40), default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    problem: Mapped[str] = mapped_column(Text, default="", server_default="")
    solution: Mapped[str] = mapped_column(Text, default="", server_default="")
    impact: Mapped[str] = mapped_column(Text, default="", server_default="")
    nomination_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    declined_publicity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @declared_attr
    def edition_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)


def finalists_handler(edition_model, finalist_model):
    """The consumer's handler of `finalists.selected` for its edition and finalist models.

    The edition's replica must exist: the hub sends the schedule before any finalists, and
    a set for an unknown edition raises, so the relay retries it once the schedule is in.
    """

    def apply_finalists(session: Session, payload: dict) -> None:
        data = FINALISTS_EVENT.load(payload)
        query = select(edition_model).where(edition_model.slug == data["edition"])
        edition = session.scalar(query.with_for_update())  # two sets at once: newest wins
        if edition is None:
            raise LookupError(f"finalists for unknown edition {data['edition']!r}")
        if data["revision"] <= edition.finalists_revision:
            return
        edition.finalists_revision = data["revision"]
        session.execute(delete(finalist_model).where(finalist_model.edition_id == edition.id))
        for position, item in enumerate(data["finalists"]):
            session.add(finalist_model(**item, edition_id=edition.id, position=position))

    return apply_finalists


def finalists_of(session: Session, finalist_model, edition_id: int) -> list:
    """The finalists of an edition in the hub's order."""
    query = select(finalist_model).where(finalist_model.edition_id == edition_id)
    return list(session.scalars(query.order_by(finalist_model.position)))
