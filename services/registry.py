"""The services by name: their app factories and database tables."""

from __future__ import annotations

import importlib

from flask import Flask
from sqlalchemy import MetaData

from shared.config import SERVICES, Settings


def create_app(service: str, config: Settings | None = None) -> Flask:
    """The app of one service, by name."""
    return importlib.import_module(f"services.{service}").create_app(config)


def metadata(service: str) -> MetaData:
    """The tables a service owns (beside the shared ones)."""
    return importlib.import_module(f"services.{service}.models").Base.metadata


__all__ = ["SERVICES", "create_app", "metadata"]
