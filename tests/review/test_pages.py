"""Each page, its JSON twin, the security headers, roles and the audit trail, over HTTP."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review.app import SECURITY_HEADERS
from storage.models import StaffUser
from tests.review.conftest import AddResponse, login

Client = TestClient[web.Request, web.Application]
PAGES = ["/review/responses", "/review/results", "/review/free-text", "/review/audit"]
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"


@pytest.fixture
async def response_id(add_response: AddResponse) -> int:
    """A completed response whose resident typed markup."""
    return await add_response(
        answers={
            "connection": "live",
            "channels": ["call_101"],
            "ease[call_101]": 2,
            "improve[call_101]": SCRIPT,
            "changes": IMAGE,
            "district": "watford",
        },
        transcript=[("bot", "Do you live or work in Hertfordshire?"), ("resident", SCRIPT)],
    )


@pytest.mark.parametrize("path", PAGES)
async def test_each_page_and_its_json_twin_answer_an_admin(
    client: Client, admin: StaffUser, response_id: int, path: str
) -> None:
    await login(client, admin.email)

    html = await client.get(path)
    twin = await client.get(path + ".json")

    assert html.status == 200
    assert html.content_type == "text/html"
    assert twin.status == 200
    assert isinstance(await twin.json(), dict)


async def test_one_response_shows_answers_and_transcript_with_json_twin(
    client: Client, reviewer: StaffUser, response_id: int
) -> None:
    await login(client, reviewer.email)

    html = await (await client.get(f"/review/responses/{response_id}")).text()
    data = await (await client.get(f"/review/responses/{response_id}.json")).json()

    assert "Calling 101" in html  # the option's label, not its id
    assert [line["sender"] for line in data["transcript"]] == ["bot", "resident"]
    assert data["transcript"][1]["text"] == SCRIPT
    assert data["transcript"][0]["channel"] == "webchat"
    assert {a["question"] for a in data["answers"]} >= {"connection", "ease", "district"}


async def test_what_residents_typed_is_shown_escaped(
    client: Client, reviewer: StaffUser, response_id: int
) -> None:
    await login(client, reviewer.email)

    for path in (f"/review/responses/{response_id}", "/review/free-text?question=improve"):
        html = await (await client.get(path)).text()
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    changes = await (await client.get("/review/free-text?question=changes")).text()
    assert IMAGE not in changes
    assert "&lt;img src=x onerror=alert(2)&gt;" in changes


async def test_a_response_that_does_not_exist_is_404(client: Client, reviewer: StaffUser) -> None:
    await login(client, reviewer.email)

    assert (await client.get("/review/responses/999")).status == 404
    assert (await client.get("/review/responses/999.json")).status == 404


@pytest.mark.parametrize("path", ["/review/login", "/review/responses", "/review/missing.svg"])
async def test_every_answer_carries_the_security_headers(
    client: Client, reviewer: StaffUser, path: str
) -> None:
    await login(client, reviewer.email)

    answer = await client.get(path.replace("/missing.svg", "/results/charts/missing.svg"))

    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"


async def test_pages_have_no_inline_scripts_or_styles(
    client: Client, admin: StaffUser, response_id: int
) -> None:
    await login(client, admin.email)

    for path in [*PAGES, f"/review/responses/{response_id}"]:
        html = await (await client.get(path)).text()
        assert "<script" not in html
        assert "style=" not in html
        assert "<style" not in html


async def test_a_reviewer_cannot_read_the_audit_log(client: Client, reviewer: StaffUser) -> None:
    await login(client, reviewer.email)

    assert (await client.get("/review/audit")).status == 403
    assert (await client.get("/review/audit.json")).status == 403
    page = await (await client.get("/review/responses")).text()
    assert "Audit log" not in page


async def test_the_audit_log_records_logins_views_and_exports(
    client: Client, admin: StaffUser, reviewer: StaffUser, response_id: int
) -> None:
    await login(client, reviewer.email)
    await client.get(f"/review/responses/{response_id}")
    await client.get("/review/export/csv?district=watford")
    client.session.cookie_jar.clear()
    await login(client, admin.email)

    entries = (await (await client.get("/review/audit.json")).json())["entries"]

    done = [(e["staff"], e["action"], e["detail"]) for e in reversed(entries)]
    assert done[0] == ("reviewer@example.org", "login", {})
    reference = (await (await client.get(f"/review/responses/{response_id}.json")).json())[
        "response"
    ]["reference"]
    assert done[1] == ("reviewer@example.org", "view_response", {"reference": reference})
    assert done[2] == (
        "reviewer@example.org",
        "export",
        {"format": "csv", "filters": {"district": "watford"}, "responses": 1},
    )
    assert done[3][:2] == ("admin@example.org", "login")


async def test_nobody_can_change_the_audit_log_from_the_site(
    client: Client, admin: StaffUser
) -> None:
    await login(client, admin.email)

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        answer = await client.request(method, "/review/audit")
        assert answer.status == 405


async def test_a_filter_that_makes_no_sense_is_a_400_with_the_reason(
    client: Client, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email)

    answer = await client.get("/review/responses?since=yesterday")

    assert answer.status == 400
    assert "2026-11-23" in await answer.text()


async def test_the_front_door_goes_to_the_responses(client: Client, reviewer: StaffUser) -> None:
    await login(client, reviewer.email)

    answer = await client.get("/review/", allow_redirects=False)

    assert answer.headers["Location"] == "/review/responses"


async def test_the_free_text_page_counts_how_often_the_follow_up_was_asked_and_answered(
    client: Client, reviewer: StaffUser, add_response: AddResponse
) -> None:
    await add_response(answers={"changes": "better service", "changes_more": "answer 101 faster"})
    await add_response(answers={"changes": "dunno", "changes_more": None})
    await add_response(answers={"changes": "webchat at weekends"})
    await login(client, reviewer.email)

    html = await (await client.get("/review/free-text?question=changes")).text()
    data = await (await client.get("/review/free-text.json?question=changes")).json()
    more = await (await client.get("/review/free-text.json?question=changes_more")).json()

    assert "asked one follow-up question <strong>2</strong> times" in html
    assert "<strong>1</strong> was answered" in html
    assert data["follow_up"] == {"asked": 2, "answered": 1, "id": "changes_more"}
    assert [a["text"] for a in more["answers"]] == ["answer 101 faster"]
    assert more["follow_up"] is None


async def test_each_change_is_shown_with_why_and_any_follow_up_beside_it(
    client: Client, reviewer: StaffUser, add_response: AddResponse
) -> None:
    await add_response(
        answers={
            "changes": "better service",
            "changes_more": "a callback instead of waiting",
            "changes_why": "I work shifts and cannot wait on hold",
        }
    )
    await add_response(answers={"changes": "webchat at weekends"})
    await login(client, reviewer.email)

    data = await (await client.get("/review/free-text.json?question=changes")).json()
    html = await (await client.get("/review/free-text?question=changes")).text()

    beside = {a["text"]: a["then"] for a in data["answers"]}
    assert beside["webchat at weekends"] == []
    assert beside["better service"] == [
        {
            "question": "Changes you would like: more detail",
            "text": "a callback instead of waiting",
        },
        {
            "question": "Why those changes would help",
            "text": "I work shifts and cannot wait on hold",
        },
    ]
    assert "<strong>Why those changes would help:</strong> I work shifts" in html
