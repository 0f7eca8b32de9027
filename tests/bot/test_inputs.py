"""What the server takes from a request: JSON, numbers, ids and client addresses."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.inputs import (
    MAX_DEPTH,
    InputError,
    bounded_number,
    client_address,
    json_object,
    parse_json,
    text_id,
)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 2000 + b"]" * 2000, "nested more than"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": -Infinity}', "-Infinity"),
        (b'{"text": "\\ud800"}', "cannot be stored"),
        (b'{"text": "a\\u0000b"}', "cannot be stored"),
        (b'{"\\u0000": 1}', "cannot be stored"),
        (b'{"n": ' + b"9" * 5000 + b"}", "at most 30 digits"),
        (b"{", "not valid JSON"),
    ],
)
def test_json_that_cannot_be_taken_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_json(raw)


def test_ordinary_json_is_read_as_it_is() -> None:
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(deep.encode())
    body = '{"type": "message", "text": "Café ☕ [brackets] {braces}", "n": -12, "f": 1.5}'
    assert json_object(body.encode())["text"] == "Café ☕ [brackets] {braces}"
    with pytest.raises(InputError, match="JSON object"):
        json_object(b"null")


@pytest.mark.parametrize(
    "value", ["²", "①", "٣", "-1", "1e5", " 7", "7 ", "9" * 40, "18446744073709551616"]
)
def test_a_number_from_a_query_is_ascii_digits_within_bounds(value: str) -> None:
    with pytest.raises(InputError, match="whole number from 0 to 1000"):
        bounded_number(value, name="page", default=1, maximum=1000)


def test_a_missing_number_takes_its_default() -> None:
    assert bounded_number(None, name="page", default=1, maximum=10) == 1
    assert bounded_number("", name="page", default=1, maximum=10) == 1
    assert bounded_number("0010", name="page", default=1, maximum=10) == 10


@pytest.mark.parametrize(
    ("value", "reason"),
    [(None, "must be text"), ("x" * 201, "up to 200"), ("a\x00b", "control"), (7, "must be text")],
)
def test_an_id_is_short_text_with_no_controls(value: object, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        text_id(value, name="conversation.id")


def test_the_client_address_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    forwarded = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9, 10.0.0.2"}
    request = make_mocked_request("GET", "/", headers=forwarded).clone(remote="192.0.2.1")
    assert client_address(request, frozenset()) == "192.0.2.1"
    assert client_address(request, frozenset({"192.0.2.1"})) == "10.0.0.2"
    assert client_address(request, frozenset({"192.0.2.1", "10.0.0.2"})) == "203.0.113.9"
