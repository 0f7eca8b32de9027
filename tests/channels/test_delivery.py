"""Replies reach the resident through a busy or failing connector, and no answer is lost."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from bot.cli import main
from tests.channels.conftest import Client, Connector, Issuer, activity


async def say(client: Client, connector: Connector, issuer: Issuer, text: str) -> None:
    body = activity(connector, text, conversation="busy")
    headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
    response = await client.post("/api/messages", json=body, headers=headers)
    assert response.status in (200, 201), await response.text()


async def answers(client: Client) -> list[dict[str, Any]]:
    """Each stored response's answers, by question."""
    from bot.app import SERVICES
    from storage.queries import list_responses

    services = client.app[SERVICES]
    records = await list_responses(services.db, survey_id=services.survey.id)
    return [{a.question_id: a.value for a in r.answers} for r in records]


async def test_a_reply_refused_twice_is_sent_on_the_third_try(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    await say(client, connector, issuer, "hello")
    connector.failures = [500, 503]
    await say(client, connector, issuer, "yes")
    assert "Do you live or work in Hertfordshire?" in connector.texts("busy")[-1]


async def test_a_busy_connector_saying_429_is_retried(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    connector.failures = [429]
    await say(client, connector, issuer, "hello")
    assert "automated survey" in connector.texts("busy")[0]


async def test_when_replies_cannot_be_delivered_the_answer_is_kept_and_shown_next_time(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    for text in ("hello", "yes"):
        await say(client, connector, issuer, text)
    connector.always_fail = True
    await say(client, connector, issuer, "both")
    assert await answers(client) == [{"connection": "both"}]
    connector.always_fail = False
    # The resident never saw the next question; whatever they send now, it is shown first.
    await say(client, connector, issuer, "hello?")
    assert "which of these have you used" in connector.texts("busy")[-1]
    assert await answers(client) == [{"connection": "both"}]
    await say(client, connector, issuer, "101")
    assert "channels" in (await answers(client))[0]


def test_serve_refuses_to_listen_beyond_this_machine_without_authentication() -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"], env={"MicrosoftAppId": ""})
    assert result.exit_code != 0
    assert "MicrosoftAppId is empty" in result.output
    assert "--allow-anonymous" in result.output
