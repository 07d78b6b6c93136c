"""The browser front end: ``tunesmith serve``."""

from .app import GenerateRequest, Settings, create_app

__all__ = ["GenerateRequest", "Settings", "create_app"]
