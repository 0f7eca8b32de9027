"""The survey page: Microsoft's Web Chat, talking to this server's Direct Line.

`setup(app, settings, services)` serves the page at `/`, its files, and the
accessibility statement at `/accessibility`.
"""

from bot.webchat.routes import ACCESSIBILITY_ROUTE, WEB_CHAT, setup

__all__ = ["ACCESSIBILITY_ROUTE", "WEB_CHAT", "setup"]
