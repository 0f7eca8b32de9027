"""The kinds of value a setting takes, each checked as the environment gives it (text)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_settings import NoDecode
from yarl import URL


def comma_list(value: object) -> object:
    """'a, b,,c' -> ('a', 'b', 'c'); anything but text is left for the type check."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def none_if_empty(value: object) -> object:
    """ "" (set, but empty) -> None."""
    return None if value == "" else value


def web_address(value: str) -> str:
    """An http or https address with a host; "" (not set) passes."""
    if value:
        url = URL(value)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("must be a web address such as https://example.org")
    return value


def https_address(value: str) -> str:
    """An https address with a host; "" (not set) passes."""
    if value and (URL(value).scheme != "https" or not URL(value).host):
        raise ValueError("must be an https:// address")
    return value


def ip_addresses(values: tuple[str, ...]) -> tuple[str, ...]:
    """IP addresses, each checked."""
    for value in values:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"must list IP addresses, and {value!r} is not one") from None
    return values


def web_origins(values: tuple[str, ...]) -> tuple[str, ...]:
    """Web origins (scheme, host and port, no path), without a trailing slash."""
    origins = []
    for value in values:
        url = URL(value)
        if url.scheme not in ("http", "https") or not url.host or url.path not in ("", "/"):
            raise ValueError(f"must list web origins such as https://example.org, not {value!r}")
        origins.append(value.rstrip("/"))
    return tuple(origins)


def one_of(names: tuple[str, ...]) -> Any:
    """Accept any letter case of these names, and give the name as written here."""

    def canonical(value: object) -> object:
        if isinstance(value, str):
            return next((name for name in names if name.lower() == value.strip().lower()), value)
        return value

    return BeforeValidator(canonical)


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(comma_list)]
WebAddress = Annotated[str, AfterValidator(web_address)]
OptionalPath = Annotated[Path | None, BeforeValidator(none_if_empty)]
