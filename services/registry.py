"""The services by name: their app factories and database tables."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask
from sqlalchemy import MetaData

from shared.config import SERVICES, Settings
from shared.schema import Schema


def create_app(service: str, config: Settings | None = None) -> Flask:
    """The app of one service, by name."""
    return importlib.import_module(f"services.{service}").create_app(config)


def load_settings(service: str, env: dict | None = None) -> Settings:
    """The settings of one service, its own fields included, from `env` (default os.environ)."""
    return importlib.import_module(f"services.{service}.config").load(env)


def periodic(service: str) -> tuple:
    """The duties the service's relay runs every second (its jobs module's PERIODIC)."""
    return getattr(importlib.import_module(f"services.{service}.jobs"), "PERIODIC", ())


def metadata(service: str) -> MetaData:
    """The tables a service owns (beside the shared ones)."""
    return importlib.import_module(f"services.{service}.models").Base.metadata


def schema(service: str) -> Schema:
    """A service's tables and its migrations (services/<name>/migrations)."""
    folder = Path(__file__).resolve().parent / service / "migrations"
    return Schema(service, metadata(service), folder)


__all__ = ["SERVICES", "create_app", "load_settings", "metadata", "periodic", "schema"]
