"""The browser front end: ``tunesmith serve``."""

from .app import LOOPBACK_HOSTS, GenerateRequest, Settings, create_app

__all__ = ["LOOPBACK_HOSTS", "GenerateRequest", "Settings", "create_app"]
