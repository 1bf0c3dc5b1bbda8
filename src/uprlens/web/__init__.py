"""The uprlens web app: ``create_app(db_path)``; run it with ``uprlens serve``."""

from uprlens.web.app import create_app

__all__ = ["create_app"]
