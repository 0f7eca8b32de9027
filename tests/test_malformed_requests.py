"""Whatever a client sends to any route, the answer is never a 5xx.

A generated corpus of malformed requests (Hypothesis draws them, and shrinks
any that fails to its simplest form) goes to every route the app serves:
odd methods; ids in the path of any length and script; query values that are
huge, non-ASCII digits, control characters; bodies that are not UTF-8, JSON
nested thousands deep, NaN, lone surrogates, NUL, 5,000-digit numbers,
activities with the wrong types in every field; forms and multipart bodies
that cannot be read. Each request carries a good or a bad token, and a staff
session or none, so the checks behind authentication are reached too.

Afterwards the server still answers `/healthz`, and a resident completes the
survey. The server runs in a thread of its own; requests go over a real
socket on loopback, on whichever database the suite runs on.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import SERVICES, create_app
from bot.review.passwords import hash_password
from bot.settings import Settings
from storage.staff import create_staff
from tests.directline.conftest import survey_steps

EXAMPLES = 400
STAFF_EMAIL = "fuzz@example.org"
STAFF_PASSWORD = "a password nobody would guess 77"
# Replies to activities on /api/messages go to a closed port on this machine, nowhere else.
CLOSED_PORT_URL = "http://127.0.0.1:9"


@dataclass
class Server:
    """The whole app on a loopback port, in a thread with its own event loop."""

    settings: Settings
    port: int = 0
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    app: web.Application | None = None

    def start(self) -> None:
        ready = threading.Event()
        self._runner: web.AppRunner | None = None

        async def serve() -> None:
            self.app = create_app(self.settings)
            self._runner = web.AppRunner(self.app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.port = self._runner.addresses[0][1]
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(serve())
            self.loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert ready.wait(60), "the server did not start"

    def call(self, coroutine: Any) -> Any:
        """Run a coroutine on the server's loop (to reach its database)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    def stop(self) -> None:
        if self._runner is not None:
            self.call(self._runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body or b"")))
            connection.endheaders(body or b"")
            response = connection.getresponse()
            return response.status, response.read(), response.headers
        finally:
            connection.close()

    def json(self, method: str, path: str, body: Any = None, token: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        status, raw, _ = self.request(method, path, data, headers)
        assert status < 300, (status, raw[:300])
        return json.loads(raw) if raw else None


@dataclass
class Known:
    """Good credentials and ids, so generated requests reach past the first check."""

    token: str
    conversation: str
    cookie: str
    response_id: int = 1


@pytest.fixture
def server(settings: Settings) -> Iterator[Server]:
    running = Server(settings)
    running.start()
    yield running
    running.stop()


def staff_cookie(server: Server) -> str:
    assert server.app is not None
    db = server.app[SERVICES].db
    server.call(
        create_staff(
            db, email=STAFF_EMAIL, password_hash=hash_password(STAFF_PASSWORD), role="admin"
        )
    )
    status, page, headers = server.request("GET", "/review/login")
    assert status == 200
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert csrf
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = urlencode(
        {"csrf": csrf[1].decode(), "next": "", "email": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    status, _, headers = server.request(
        "POST",
        "/review/login",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    assert status == 303, status
    return headers["Set-Cookie"].split(";", 1)[0]


@pytest.fixture
def known(server: Server) -> Known:
    token = server.json("POST", "/api/webchat/token")
    started = server.json("POST", "/v3/directline/conversations", token=token["token"])
    return Known(token["token"], started["conversationId"], staff_cookie(server))


def all_routes(app: web.Application) -> list[str]:
    """Every route the app serves, with its path parameters as {name}, sub-apps included."""
    routes = []
    for resource in app.router.resources():
        canonical = resource.canonical
        inner = getattr(resource, "_app", None)
        if isinstance(inner, web.Application):
            routes += all_routes(inner)  # its routes carry the prefix already
        elif isinstance(resource, web.StaticResource):
            routes.append(canonical + "/{file}")
        else:
            routes.append(canonical)
    return sorted(set(routes))


QUERY_NAMES = [
    "watermark", "page", "t", "question", "channel", "district", "status", "from", "to",
    "survey", "age_band", "sex", "weighted", "format", "next", "q", "sort",
]  # fmt: skip

odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["²", "①", "٣", "-1", "1e5", "NaN", "0x10", " 7 ", "\x00", "\ud800"]),
    st.integers(min_value=2**31, max_value=2**70).map(str),
    st.integers(min_value=300, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=400).map(lambda n: "x" * n),
)


def path_value(name: str, known: Known) -> st.SearchStrategy[str]:
    good = {
        "conversation": known.conversation,
        "id": str(known.response_id),
        "format": "csv",
        "chart": "channels",
        "file": "chat.js",
    }.get(name, "x")
    return st.one_of(st.just(good), odd_text)


def encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
)
json_value = st.recursive(
    leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
activity = st.fixed_dictionaries(
    {
        "type": st.one_of(
            st.sampled_from(["message", "conversationUpdate", "invoke", "event"]), leaf
        )
    },
    optional={
        "text": st.one_of(st.text(max_size=200), leaf, odd_text),
        "value": json_value,
        "from": st.one_of(st.fixed_dictionaries({"id": st.one_of(odd_text, leaf)}), leaf),
        "conversation": st.one_of(st.fixed_dictionaries({"id": st.one_of(odd_text, leaf)}), leaf),
        "channelId": st.one_of(st.sampled_from(["webchat", "msteams", "sms"]), leaf),
        "serviceUrl": st.just(CLOSED_PORT_URL),
        "channelData": json_value,
        "id": st.one_of(odd_text, leaf),
        "locale": st.one_of(odd_text, leaf),
    },
)


def raw_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


body = st.one_of(
    st.none(),
    st.binary(max_size=200),
    activity.map(raw_json),
    json_value.map(raw_json),
    st.sampled_from(
        [
            b"null",
            b"[]",
            b'{"type": "message", "text": "\\ud800"}',
            b'{"type": "message", "text": "a\\u0000b"}',
            b'{"type": "message", "value": NaN}',
            b'{"type": "message", "value": Infinity}',
            b'{"type": "message", "text": ' + b"9" * 5000 + b"}",
            b"[" * 3000 + b"]" * 3000,
            b'{"a":' * 2000 + b"1" + b"}" * 2000,
            b"email=\xff\xfe&password=x",
            b"--x\r\nContent-Disposition: form-data\r\n\r\n",
        ]
    ),
)
content_type = st.sampled_from(
    [
        "",
        "application/json",
        "application/json; charset=latin-1",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
    ]
)


@st.composite
def requests(
    draw: st.DrawFn, known: Known, routes: list[str]
) -> tuple[str, str, bytes | None, dict[str, str]]:
    route = draw(st.sampled_from(routes))
    path = route
    for name in re.findall(r"\{(\w+)\}", route):
        path = path.replace(f"{{{name}}}", encoded(draw(path_value(name, known))))
    query = draw(
        st.dictionaries(st.sampled_from(QUERY_NAMES) | st.text(max_size=8), odd_text, max_size=3)
    )
    if query:
        path += "?" + "&".join(f"{encoded(k)}={encoded(v)}" for k, v in query.items())
    method = draw(st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE", "OPTIONS"]))
    headers = {}
    kind = draw(content_type)
    if kind:
        headers["Content-Type"] = kind
    token = draw(st.sampled_from([known.token, "", "garbage", known.token[:-3] + "abc"]))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if draw(st.booleans()):
        headers["Cookie"] = known.cookie
    if draw(st.booleans()):
        headers["Origin"] = draw(
            st.sampled_from(["null", "https://evil.example", "http://127.0.0.1"])
        )
    return method, path, draw(body), headers


def complete_the_survey(server: Server) -> str:
    """A resident takes the whole survey over Direct Line; the closing message."""
    token = server.json("POST", "/api/webchat/token")["token"]
    started = server.json("POST", "/v3/directline/conversations", token=token)
    path = f"/v3/directline/conversations/{started['conversationId']}/activities"
    watermark = ""
    seen: list[str] = []

    def read_until(text: str) -> None:
        nonlocal watermark
        deadline = time.monotonic() + 30
        while not any(text in line for line in seen):
            assert time.monotonic() < deadline, f"never saw {text!r}; last: {seen[-3:]}"
            got = server.json("GET", f"{path}?watermark={watermark}", token=token)
            watermark = got["watermark"] or watermark
            seen.extend(a.get("text", "") for a in got["activities"] if a["from"]["id"] != "u")
            time.sleep(0.05)

    steps = survey_steps()
    for step in steps:
        read_until(step["prompt"])
        seen.clear()
        message = {"type": "message", "text": step["answer"], "id": uuid.uuid4().hex}
        server.json("POST", path, message, token=token)
        time.sleep(0.15)  # as a quick reader types, well inside the per-conversation limit
    read_until("Your reference is")
    return next(line for line in seen if "Your reference is" in line)


@pytest.mark.timeout(900)
def test_no_request_gets_a_5xx_and_the_server_carries_on(server: Server, known: Known) -> None:
    answered: dict[int, int] = {}
    assert server.app is not None
    routes = all_routes(server.app)
    assert {"/api/messages", "/review/responses/{id}", "/accessibility"} <= set(routes)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(known, routes))
    def never_5xx(request: tuple[str, str, bytes | None, dict[str, str]]) -> None:
        method, path, data, headers = request
        status, raw, _ = server.request(method, path, data, headers)
        answered[status] = answered.get(status, 0) + 1
        assert status < 500, (status, method, path[:200], (data or b"")[:200], raw[:300])

    never_5xx()
    assert sum(answered.values()) >= EXAMPLES
    # Every kind of refusal was met, so the corpus reached past the first checks.
    assert {400, 401, 403, 404} <= set(answered), answered

    status, raw, _ = server.request("GET", "/healthz")
    assert status == 200, raw
    assert "Thank you" in complete_the_survey(server)
