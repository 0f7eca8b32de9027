"""The themes pages over HTTP: reading, changing, bad input and who may do what."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.language import load_language
from bot.review import DATABASE, ReviewConfig, create_review_app
from storage import audit
from storage.database import Database
from storage.models import StaffUser, ThemeStatus
from storage.themes import NewTheme, replace_suggestions, text_answers, theme_set
from tests.review.conftest import SURVEY, AddResponse, csrf_of, login

Client = TestClient[web.Request, web.Application]

WAITING = [
    "101 takes forever to answer",
    "waited an hour on 101 and gave up",
    "answer 101 faster please",
    "the 101 queue is far too long",
    "shorter waits on 101",
    "I gave up waiting on the 101 line",
    "101 never picks up",
    "you wait ages on 101",
]
PATROLS = [
    "more police officers on the streets",
    "bring back bobbies on the beat",
    "more PCSOs walking round the town",
    "I never see police patrols in my village",
    "visible police on foot",
    "police patrolling the estate at night",
    "more coppers walking about",
    "officers on foot not in cars",
]


@pytest.fixture
async def themed(
    db: Database, codebook: dict[str, Any], config: ReviewConfig
) -> AsyncIterator[Client]:
    """A client of a review site that has the theme model."""
    parent = web.Application()
    parent[DATABASE] = db
    review = create_review_app(config, codebook, themer=lambda: load_language().themes)
    parent.add_subapp("/review", review)
    async with TestClient(TestServer(parent, host="127.0.0.1")) as test_client:
        yield test_client


async def answers_to_changes(add_response: AddResponse, texts: list[str]) -> None:
    for text in texts:
        await add_response(answers={"changes": text})


async def two_themes(db: Database) -> tuple[int, int, list[int]]:
    """Waiting and Patrols, suggested, over the answers stored so far; their ids and answers."""
    found = await text_answers(db, survey_id=SURVEY, question_id="changes")
    waiting = {a.answer_id: 0.5 for a in found if "101" in a.text}
    patrols = {a.answer_id: 0.5 for a in found if a.answer_id not in waiting}
    made = await replace_suggestions(
        db,
        survey_id=SURVEY,
        question_id="changes",
        found=[NewTheme("Waiting", waiting), NewTheme("Patrols", patrols)],
        looked_at=[a.answer_id for a in found],
    )
    ids = [a.answer_id for a in found]
    return made[0].id or 0, made[1].id or 0, ids


async def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    """A form sent from the themes page, with its CSRF token."""
    page = await client.get("/review/themes/changes")
    form = {"csrf": csrf_of(await page.text()), **(data or {})}
    return await client.post(f"/review/themes/changes{path}", data=form, allow_redirects=False)


async def shown(client: Client, question: str = "changes") -> Any:
    answer = await client.get(f"/review/themes/{question}.json")
    assert answer.status == 200
    return await answer.json()


async def test_an_admin_finds_themes_with_counts_shares_and_three_quotes_each(
    themed: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING + PATROLS)
    await login(themed, admin.email)

    found = await post(themed, "/find")
    data = await shown(themed)

    assert found.status == 303
    assert len(data["themes"]) >= 2
    assert data["answers"] == 16
    assert data["themed"] == 16
    assert data["new"]["count"] == 0
    for theme in data["themes"]:
        assert theme["status"] == ThemeStatus.SUGGESTED
        assert theme["label"]
        assert 1 <= len(theme["quotes"]) <= 3
        assert {q["text"] for q in theme["quotes"]} <= set(WAITING + PATROLS)
        assert theme["share"] == round(100 * theme["count"] / 16, 1)
    logged = await audit.list_entries(db, action="themes_found")
    assert logged.entries[0].staff_email == admin.email


async def test_renaming_a_theme_approves_it_and_is_audited(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:3] + PATROLS[:3])
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)

    renamed = await post(client, f"/{waiting}/rename", {"label": "  101 waiting   times "})
    data = await shown(client)

    assert renamed.status == 303
    assert data["themes"][0]["label"] == "101 waiting times"
    assert data["themes"][0]["status"] == ThemeStatus.APPROVED
    logged = await audit.list_entries(db, action="theme_renamed")
    assert logged.entries[0].detail == {
        "question": "changes",
        "theme": waiting,
        "was": "Waiting",
        "now": "101 waiting times",
    }


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("", "Enter a name for the theme."),
        ("   ", "Enter a name for the theme."),
        ("x" * 81, "80 characters or fewer"),
        ("patrols", 'Another theme is already called "patrols"'),
    ],
)
async def test_a_name_that_will_not_do_is_refused_with_the_reason(
    client: Client,
    db: Database,
    admin: StaffUser,
    add_response: AddResponse,
    label: str,
    reason: str,
) -> None:
    await answers_to_changes(add_response, WAITING[:2] + PATROLS[:2])
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)

    refused = await post(client, f"/{waiting}/rename", {"label": label})

    assert refused.status == 400
    assert reason in await refused.text()
    assert (await shown(client))["themes"][0]["label"] == "Waiting"


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/999999/rename", {"label": "New"}, 404),
        ("/99999999999999999999/rename", {"label": "New"}, 400),
        ("/999999/delete", {}, 404),
        ("/merge", {"theme": "1"}, 400),
        ("/merge", {"theme": ["1", "abc"]}, 400),
        ("/merge", {"theme": ["1", "999999"]}, 404),
        ("/move", {"answer": "x", "into": "1"}, 400),
        ("/move", {"answer": "999999", "into": "1"}, 404),
        ("/move", {"answer": "1"}, 400),
        ("/move", {"answer": "1", "into": "-3"}, 400),
    ],
)
async def test_bad_changes_get_a_4xx_with_a_reason(
    client: Client,
    db: Database,
    admin: StaffUser,
    add_response: AddResponse,
    path: str,
    data: dict[str, Any],
    status: int,
) -> None:
    await answers_to_changes(add_response, WAITING[:2] + PATROLS[:2])
    await two_themes(db)
    await login(client, admin.email)

    refused = await post(client, path, data)

    assert refused.status == status
    assert (await refused.text()).strip()


async def test_a_theme_of_another_question_or_no_question_is_not_found(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:2] + PATROLS[:2])
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)

    assert (await client.get(f"/review/themes/changes_why/{waiting}")).status == 404
    assert (await client.get("/review/themes/no_such_question")).status == 404
    assert (await client.get("/review/themes/changes/12abc")).status == 404
    assert (await client.get(f"/review/themes/changes/{waiting}")).status == 200


async def test_a_form_without_its_token_is_refused(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:2])
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)

    refused = await client.post(
        f"/review/themes/changes/{waiting}/delete", data={}, allow_redirects=False
    )

    assert refused.status == 403
    assert len((await shown(client))["themes"]) == 2


async def test_a_reviewer_reads_the_themes_but_cannot_change_them(
    client: Client, db: Database, reviewer: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:2] + PATROLS[:2])
    waiting, _, _ = await two_themes(db)
    await login(client, reviewer.email)

    page = await client.get("/review/themes/changes")
    refused = await post(client, f"/{waiting}/rename", {"label": "Mine"})

    assert page.status == 200
    assert "Rename" not in await page.text()
    assert refused.status == 403
    assert (await shown(client))["themes"][0]["label"] == "Waiting"


async def test_someone_not_logged_in_sees_nothing(client: Client) -> None:
    page = await client.get("/review/themes/changes", allow_redirects=False)
    data = await client.get("/review/themes/changes.json")
    change = await client.post("/review/themes/changes/1/delete", allow_redirects=False)

    assert page.status == 303
    assert data.status == 401
    assert change.status in (303, 401)


async def test_merging_puts_the_answers_together_under_the_new_name(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:3] + PATROLS[:3])
    waiting, patrols, _ = await two_themes(db)
    await login(client, admin.email)

    merged = await post(
        client, "/merge", {"theme": [str(patrols), str(waiting)], "label": "Contact"}
    )
    data = await shown(client)

    assert merged.status == 303
    assert [(t["id"], t["label"], t["count"]) for t in data["themes"]] == [(patrols, "Contact", 6)]


async def test_a_deleted_theme_leaves_its_answers_in_no_theme(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:3] + PATROLS[:2])
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)

    deleted = await post(client, f"/{waiting}/delete")
    data = await shown(client)

    assert deleted.status == 303
    assert [t["label"] for t in data["themes"]] == ["Patrols"]
    assert data["in_no_theme"]["count"] == 3
    assert (await audit.list_entries(db, action="theme_deleted")).total == 1


async def test_an_answer_moved_by_staff_stays_where_they_put_it_when_new_answers_arrive(
    themed: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING + PATROLS)
    waiting, patrols, ids = await two_themes(db)
    await login(themed, admin.email)
    await post(themed, f"/{waiting}/approve")
    await post(themed, f"/{patrols}/approve")
    moved = ids[0]  # a 101 answer, which staff say is about patrols instead

    await post(
        themed, "/move", {"answer": str(moved), "out_of": str(waiting), "into": str(patrols)}
    )
    await answers_to_changes(
        add_response, ["101 kept me on hold for 50 minutes", "we need police walking the streets"]
    )
    before = await shown(themed)
    sorted_ = await post(themed, "/sort")
    after = await shown(themed)

    assert before["new"]["count"] == 2
    assert sorted_.status == 303
    assert after["new"]["count"] == 0
    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert current.themes_of(moved) == [patrols]
    new = await text_answers(db, survey_id=SURVEY, question_id="changes")
    by_text = {a.text: a.answer_id for a in new}
    assert current.themes_of(by_text["101 kept me on hold for 50 minutes"]) == [waiting]
    assert current.themes_of(by_text["we need police walking the streets"]) == [patrols]
    moves = await audit.list_entries(db, action="theme_answer_moved")
    assert moves.entries[0].detail == {
        "question": "changes",
        "answer": moved,
        "out_of": waiting,
        "into": patrols,
    }


async def test_sorting_needs_an_approved_theme_and_new_answers(
    themed: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:2] + PATROLS[:2])
    waiting, _, _ = await two_themes(db)
    await login(themed, admin.email)

    unapproved = await post(themed, "/sort")
    await post(themed, f"/{waiting}/approve")
    nothing_new = await post(themed, "/sort")

    assert unapproved.status == 409
    assert "Approve at least one theme" in await unapproved.text()
    assert nothing_new.status == 409
    assert "no new answers" in await nothing_new.text()


async def test_splitting_a_theme_makes_two_from_its_answers(
    themed: Client, db: Database, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING + PATROLS)
    found = await text_answers(db, survey_id=SURVEY, question_id="changes")
    (mixed,) = await replace_suggestions(
        db,
        survey_id=SURVEY,
        question_id="changes",
        found=[NewTheme("Mixed", {a.answer_id: 0.5 for a in found})],
        looked_at=[a.answer_id for a in found],
    )
    await login(themed, admin.email)

    split = await post(themed, f"/{mixed.id}/split")
    data = await shown(themed)

    assert split.status == 303
    assert len(data["themes"]) == 2
    by_label = {t["label"]: t for t in data["themes"]}
    assert sorted(t["count"] for t in data["themes"]) == [8, 8]
    other = next(t for label, t in by_label.items() if label != "Mixed")
    quotes = {q["text"] for q in other["quotes"]}
    assert quotes <= set(WAITING) or quotes <= set(PATROLS)


async def test_without_the_model_themes_can_be_read_but_not_found(
    client: Client, admin: StaffUser, add_response: AddResponse
) -> None:
    await answers_to_changes(add_response, WAITING[:2])
    await login(client, admin.email)

    refused = await post(client, "/find")

    assert refused.status == 409
    assert "not set up on this server" in await refused.text()


async def test_the_themes_address_opens_the_first_free_text_question(
    client: Client, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email)

    first = await client.get("/review/themes", allow_redirects=False)

    assert first.status == 303
    assert first.headers["Location"] == "/review/themes/improve"


async def test_the_csv_export_has_a_column_per_theme_of_ones_and_noughts(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse, tmp_path: Path
) -> None:
    await answers_to_changes(add_response, [WAITING[0], PATROLS[0]])
    await add_response(answers={"visibility": 3})
    waiting, _, _ = await two_themes(db)
    await login(client, admin.email)
    await post(client, f"/{waiting}/rename", {"label": "101 waiting times"})

    export = await client.get("/review/export/csv")
    rows = list(csv.reader(io.StringIO((await export.read()).decode("utf-8-sig"))))

    header = rows[0]
    first = header.index("theme: Changes you would like: 101 waiting times")
    second = header.index("theme: Changes you would like: Patrols (suggested)")
    cells = sorted((row[header.index("changes")], row[first], row[second]) for row in rows[1:])
    assert cells == [("", "", ""), (WAITING[0], "1", "0"), (PATROLS[0], "0", "1")]

    # The same columns in Excel, and 0/1 variables with value labels in SPSS.
    book = load_workbook(io.BytesIO(await (await client.get("/review/export/xlsx")).read()))
    sheet = [list(r) for r in book["Responses"].iter_rows(values_only=True)]
    assert "theme: Changes you would like: 101 waiting times" in sheet[0]
    saved = tmp_path / "responses.sav"
    saved.write_bytes(await (await client.get("/review/export/sav")).read())
    frame, meta = pyreadstat.read_sav(str(saved))
    labels = meta.column_names_to_labels
    [waiting_variable] = [v for v, label in labels.items() if label.endswith("101 waiting times")]
    assert meta.variable_value_labels[waiting_variable] == {
        0.0: "Not in the theme",
        1.0: "In the theme",
    }
    assert sorted(frame[waiting_variable].dropna().tolist()) == [0.0, 1.0]


async def test_suggesting_themes_with_no_answers_says_there_are_none_yet(
    themed: Client, admin: StaffUser
) -> None:
    await login(themed, admin.email)

    refused = await post(themed, "/find")

    assert refused.status == 409
    assert "no answers to this question yet" in await refused.text()


async def test_themes_by_group_count_each_group_and_hide_small_ones(
    client: Client, db: Database, reviewer: StaffUser, add_response: AddResponse
) -> None:
    # Twelve from Watford (eight about 101), three from Dacorum: too few to show.
    for n in range(12):
        text = WAITING[n % len(WAITING)] if n < 8 else PATROLS[n % len(PATROLS)]
        await add_response(answers={"changes": f"{text} ({n})", "district": "watford"})
    for n in range(3):
        await add_response(answers={"changes": f"{PATROLS[n]} ({n})", "district": "dacorum"})
    await two_themes(db)
    await login(client, reviewer.email)

    data = await (await client.get("/review/themes/changes.json")).json()

    [district] = [t for t in data["by_group"] if t["question"] == "district"]
    groups = [g["label"] for g in district["groups"]]
    assert groups == ["Dacorum", "Watford"]
    waiting = next(r for r in district["rows"] if r["theme"] == "Waiting")
    dacorum, watford = waiting["cells"]
    assert dacorum == {"count": "fewer than 10", "share": "fewer than 10"}
    assert watford == {"count": 8, "share": 66.7}
    assert district["groups"][0]["answers"] == "fewer than 10"
    html = await (await client.get("/review/themes/changes")).text()
    assert "Themes by group" in html
    assert "8 (66.7%)" in html
