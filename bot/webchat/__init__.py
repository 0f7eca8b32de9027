"""The survey page: Microsoft's Web Chat, talking to this server's Direct Line.

`setup(app, settings, services)` serves the page at `/` and its files.
"""

from bot.webchat.routes import WEB_CHAT, setup

__all__ = ["WEB_CHAT", "setup"]
