"""The jury service's tables: its replica of the editions' schedules."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.db import NAMING
from shared.editions import EditionColumns


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Edition(EditionColumns, Base):
    """The schedule of an edition as the hub last sent it."""

    __tablename__ = "editions"
