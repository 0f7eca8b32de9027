"""Reading an activity's JSON into botbuilder's `Activity`, quickly when it is plain.

`receive(data)` reads it and keeps the JSON for the turn (`received_json`),
so the handler need not turn the `Activity` back into JSON to store it.

botbuilder's own reader (msrest's `Activity.deserialize`) takes about as long
as the rest of a Direct Line turn's Python put together. Most activities a
resident's client sends are plain: strings, a timestamp, who sent it and to
which conversation. Those are read here, field by field from the schema's
own map; anything else (attachments, suggested actions, a field of the wrong
type...) goes to msrest, which reads or refuses it exactly as before.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any, Final

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
from msrest.serialization import Model


class _Plain:
    """How to read one model's plain fields: JSON name -> (attribute, schema type)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields: dict[str, tuple[str, str]] = {
            spec["key"]: (attribute, spec["type"])
            for attribute, spec in model._attribute_map.items()
        }


_ACCOUNT: Final = _Plain(ChannelAccount)
_CONVERSATION: Final = _Plain(ConversationAccount)
_ACTIVITY: Final = _Plain(Activity)
_NESTED: Final = {"ChannelAccount": _ACCOUNT, "ConversationAccount": _CONVERSATION}


class _NotPlain(Exception):  # noqa: N818 (a signal to fall back, not an error)
    """A field this reader leaves to msrest."""


# The JSON of the activity the current request brought (each request is a task of its own).
_RECEIVED: ContextVar[dict[str, Any] | None] = ContextVar("received_activity", default=None)


def receive(data: dict[str, Any]) -> Activity:
    """`read_activity`, keeping the JSON for `received_json` during this request's turn."""
    activity = read_activity(data)
    _RECEIVED.set(data)
    return activity


def received_json(activity: Activity) -> dict[str, Any] | None:
    """The JSON `activity` was read from in this request, with only the schema's fields
    (as serialising it would give); None if it was not read by `receive`."""
    data = _RECEIVED.get()
    if data is None or data.get("id") != activity.id or data.get("type") != activity.type:
        return None
    return {name: value for name, value in data.items() if name in _ACTIVITY.fields}


def read_activity(data: dict[str, Any]) -> Activity:
    """The `Activity` for an activity's JSON; raises ValueError if it does not fit the schema."""
    try:
        activity = _read(_ACTIVITY, data)
    except _NotPlain:
        return Activity().deserialize(data)
    if not isinstance(activity, Activity):
        raise TypeError("expected an Activity")
    return activity


def _read(plain: _Plain, data: Any) -> Model:
    if not isinstance(data, dict):
        raise _NotPlain
    values: dict[str, Any] = {}
    for name, value in data.items():
        found = plain.fields.get(name)
        if found is None:
            continue  # Not in the schema: msrest drops it too.
        attribute, kind = found
        values[attribute] = _value(kind, value)
    return plain.model(**values)


def _value(kind: str, value: Any) -> Any:
    if value is None or kind == "object":
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "iso-8601" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise _NotPlain from error
        if moment.tzinfo is None:
            raise _NotPlain  # msrest decides what a time without a zone means.
        return moment
    if kind in _NESTED:
        return _read(_NESTED[kind], value)
    if kind == "[ChannelAccount]" and isinstance(value, list):
        return [_read(_ACCOUNT, item) for item in value]
    raise _NotPlain
