"""Turn the engine's channel-neutral messages into Bot Framework activities.

Buttons (suggested actions) where the channel shows them, Messenger quick
replies within Meta's limits, and numbered text where the channel shows only
text. Activities are plain JSON dicts: they are stored in the activity log as
they are sent.
"""

from __future__ import annotations

import re
from typing import Any

BUTTON_CHANNELS = frozenset({"webchat", "directline", "emulator", "telegram", "msteams", "test"})
MESSENGER = "facebook"
# Channels that show "typing…" while the bot works on a reply.
TYPING_CHANNELS = frozenset({"webchat", "directline", "emulator", "telegram", "msteams", MESSENGER})
MESSENGER_MAX_REPLIES = 13
MESSENGER_MAX_TITLE = 20
MESSENGER_MAX_TEXT = 2000
TEXT_MAX = {"sms": 1500, "whatsapp": 4000, MESSENGER: MESSENGER_MAX_TEXT}
# Channels that render Markdown: web addresses are sent as links residents can tap.
MARKDOWN_CHANNELS = frozenset({"webchat", "directline", "emulator", "msteams"})
_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?'\"]")
_MARKUP = re.compile(r"([\\`*_\[\]<>|~])")
# Safety advice starts with this on every channel, so it reads as more than one more
# message; Web Chat also draws a bubble that starts with it as a warning (see chat.js).
URGENT_LEAD = "Important: "


def render(messages: list[dict[str, Any]], channel: str) -> list[dict[str, Any]]:
    """The activities that show these messages on this channel."""
    activities: list[dict[str, Any]] = []
    for message in messages:
        for body, actions in _parts(message, channel):
            if message.get("urgent"):
                body = URGENT_LEAD + body
            for chunk in split(body, TEXT_MAX.get(channel, 0)):
                if channel in MARKDOWN_CHANNELS:
                    text, text_format = markdown(chunk), "markdown"
                else:
                    text, text_format = chunk, "plain"
                activities.append({"type": "message", "text": text, "textFormat": text_format})
            if actions and activities:
                activities[-1]["suggestedActions"] = {
                    "actions": [
                        {"type": "imBack", "title": title, "value": value}
                        for title, value in actions
                    ]
                }
    return activities


def markdown(text: str) -> str:
    """Plain text as Markdown that shows the same words: marks escaped, web addresses linked."""
    parts = []
    last = 0
    for found in _URL.finditer(text):
        parts.append(_escaped(text[last : found.start()]))
        url = found.group()
        parts.append(f"[{_escaped(url)}]({url})")
        last = found.end()
    parts.append(_escaped(text[last:]))
    return "".join(parts)


def _escaped(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text)


def _parts(message: dict[str, Any], channel: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The text of a message and the buttons to show with it."""
    body = _body(message)
    choices = message.get("choices") or []
    if channel in BUTTON_CHANNELS:
        # A tapped button sends its value as the resident's message, which the chat shows:
        # send the words on the button ("Yes, start the survey"), which the engine reads too.
        return [(body, [(c["title"], c["title"]) for c in choices])]
    if channel == MESSENGER:
        return [_messenger(message, body, choices)]
    return [(_numbered(message, body, choices), [])]


def _body(message: dict[str, Any]) -> str:
    """The message text with its progress line and, for a summary, its rows."""
    lines = []
    if message.get("progress"):
        lines.append(message["progress"])
    lines.append(message["text"])
    body = "\n".join(lines)
    rows = message.get("rows")
    if rows:
        body += "\n\n" + "\n".join(f"{r['number']}. {r['question']}: {r['answer']}" for r in rows)
    return body


def _numbered(message: dict[str, Any], body: str, choices: list[dict[str, Any]]) -> str:
    """Choices as a numbered list, with what to reply, for text-only channels."""
    numbered = [c for c in choices if c.get("number")]
    # A scale's question already says "choose a number from 1 to 5".
    words = [c for c in choices if not c.get("number") and not c.get("scale")]
    lines = [body]
    if numbered:
        lines.append("\n".join(f"{c['number']}. {c['title']}" for c in numbered))
        if message.get("multiple"):
            lines.append("Reply with the numbers, for example 1, 4.")
        else:
            lines.append("Reply with the number.")
    if words:
        said = " or ".join(f"{c['value']}" for c in words)
        if numbered:
            lines.append(f"You can also reply {said}.")
        elif said == "skip":
            lines.append("Type your answer, or reply skip to leave this question out.")
        else:
            lines.append(f"Reply {said}.")
    return "\n\n".join(lines)


def _messenger(
    message: dict[str, Any], body: str, choices: list[dict[str, Any]]
) -> tuple[str, list[tuple[str, str]]]:
    """Quick replies where they fit Meta's limits; otherwise numbers as quick replies."""
    if not choices:
        return body, []
    fits = len(choices) <= MESSENGER_MAX_REPLIES and all(
        len(c["title"]) <= MESSENGER_MAX_TITLE for c in choices
    )
    if fits:
        return body, [(c["title"], c["value"]) for c in choices]
    text = _numbered(message, body, choices)
    replies = [(str(c["number"]), str(c["number"])) for c in choices if c.get("number")]
    replies += [(short_title(c["title"]), c["value"]) for c in choices if not c.get("number")]
    return text, replies[:MESSENGER_MAX_REPLIES]


def short_title(title: str, limit: int = MESSENGER_MAX_TITLE) -> str:
    """A button title that fits: its first part before a comma ("Yes, start the survey" is
    "Yes"), or its words up to the limit, never a word cut in two."""
    if len(title) <= limit:
        return title
    first = title.split(",", 1)[0].strip()
    if first and len(first) <= limit:
        return first
    kept = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-").split()
    while len(kept) > 1 and kept[-1].lower() in {"or", "and", "the", "a", "an", "to", "of"}:
        kept.pop()
    return " ".join(kept) + "\u2026"


def split(text: str, limit: int) -> list[str]:
    """Split a long text at paragraph, line or word breaks so each part fits the limit."""
    if limit <= 0 or len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(
            rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit)
        )
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
