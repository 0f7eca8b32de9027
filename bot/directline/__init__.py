"""A self-hosted Direct Line 3.0 service, so Web Chat needs no Azure subscription.

`setup(app, settings, services)` serves it on the app: the token routes, the
conversation and activity routes, the WebSocket stream and CORS for the
force website. Turns run in process (see `adapter`); the activity log lives
in the database, so any instance can serve any conversation.
"""

from bot.directline.routes import DIRECT_LINE, bad_input, setup
from bot.directline.service import PREFIX

__all__ = ["DIRECT_LINE", "PREFIX", "bad_input", "setup"]
