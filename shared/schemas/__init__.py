"""Marshmallow schemas: the HTTP and queue contracts shared by every service."""
