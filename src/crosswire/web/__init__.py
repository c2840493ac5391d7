"""The HTTP API and the web pages (``crosswire serve``); see docs/web.md.

``create_app(crosswire, options)`` builds the ASGI application; ``serve`` runs it.
"""

from crosswire.web.security import ServeOptions
from crosswire.web.server import create_app, serve

__all__ = ["ServeOptions", "create_app", "serve"]
