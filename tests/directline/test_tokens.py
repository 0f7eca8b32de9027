"""Direct Line tokens: signed, short-lived, bound to one conversation and one user."""

from __future__ import annotations

import jwt
import pytest

from bot.directline import tokens as token_module
from bot.directline.tokens import (
    STREAM,
    TokenError,
    TokenExpired,
    Tokens,
    new_conversation_id,
    new_user_id,
)

SECRET = "a-session-secret-of-at-least-thirty-two-chars"


def test_a_token_grants_its_conversation_and_user_for_thirty_minutes() -> None:
    tokens = Tokens(SECRET)
    token, grant = tokens.issue("conversation-1", "dl_resident")
    read = tokens.read(token)
    assert (read.conversation_id, read.user_id) == ("conversation-1", "dl_resident")
    assert read == grant
    assert 1795 <= grant.expires_in <= 1800


def test_the_user_id_is_where_web_chat_looks_for_it() -> None:
    token, _grant = Tokens(SECRET).issue("conversation-1", "dl_resident")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["user"] == "dl_resident"
    assert claims["conv"] == "conversation-1"


def test_an_expired_token_is_refused_as_expired() -> None:
    token, _grant = Tokens(SECRET, lifetime=-60).issue("conversation-1", "dl_resident")
    with pytest.raises(TokenExpired):
        Tokens(SECRET).read(token)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token, _grant = Tokens("another-secret-of-at-least-thirty-two-chars").issue("c", "u")
    with pytest.raises(TokenError):
        Tokens(SECRET).read(token)


def test_a_token_with_a_changed_conversation_is_refused() -> None:
    token, _grant = Tokens(SECRET).issue("conversation-1", "dl_resident")
    header, _claims, signature = token.split(".")
    forged_claims = jwt.encode({"conv": "conversation-2"}, "k" * 32).split(".")[1]
    with pytest.raises(TokenError):
        Tokens(SECRET).read(f"{header}.{forged_claims}.{signature}")


def test_a_stream_token_cannot_be_used_as_a_conversation_token_nor_the_reverse() -> None:
    tokens = Tokens(SECRET)
    token, grant = tokens.issue("conversation-1", "dl_resident")
    stream = tokens.stream(grant)
    assert tokens.read(stream, STREAM) == grant
    with pytest.raises(TokenError):
        tokens.read(stream)
    with pytest.raises(TokenError):
        tokens.read(token, STREAM)


def test_rubbish_is_not_a_token() -> None:
    with pytest.raises(TokenError):
        Tokens(SECRET).read("not-a-token")


def test_new_ids_are_unguessable_and_users_carry_the_direct_line_prefix() -> None:
    assert len({new_conversation_id() for _ in range(100)}) == 100
    user = new_user_id()
    assert user.startswith("dl_")
    assert len(user) > 12


def test_a_token_read_before_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_module, "LEEWAY_SECONDS", 0)
    now = [1_800_000_000.0]
    tokens = Tokens(SECRET, lifetime=60, clock=lambda: now[0])
    token, grant = tokens.issue("conversation-1", "dl_resident")
    assert tokens.read(token).conversation_id == "conversation-1"  # Checked, and remembered.
    now[0] = grant.expires_at + 1
    with pytest.raises(TokenExpired):
        tokens.read(token)
    with pytest.raises(TokenExpired):  # Not only while remembered: checked again, too.
        Tokens(SECRET, clock=lambda: now[0]).read(token)


def test_a_remembered_token_is_still_only_good_for_its_kind() -> None:
    tokens = Tokens(SECRET)
    token, grant = tokens.issue("conversation-1", "dl_resident")
    stream = tokens.stream(grant)
    assert tokens.read(stream, STREAM) == grant
    with pytest.raises(TokenError):
        tokens.read(stream)  # A stream token is not a conversation token...
    assert tokens.read(token) == grant
    with pytest.raises(TokenError):
        tokens.read(token, STREAM)  # ...nor the other way round, the second time either.
