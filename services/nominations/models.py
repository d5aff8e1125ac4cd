"""The hub's tables: editions (more follow with nominations and finalists)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import NAMING, UTCDateTime
from shared.editions import EditionColumns
from shared.models import utcnow


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Edition(EditionColumns, Base):
    """One yearly edition of the contest and its schedule; voting and jury keep replicas."""

    __tablename__ = "editions"

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
