"""The `survey-bot` command: the single entry point for people and scripts."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import click
from aiohttp import web

from bot.settings import Settings, SettingsError


def _settings(**overrides: str) -> Settings:
    try:
        return Settings.from_env(None, **overrides)
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


@click.group()
def main() -> None:
    """survey-bot: a conversational survey for public consultations."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3978, show_default=True, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the bot, the web chat and the staff site (migrations are applied first)."""
    from bot.app import create_app

    settings = _settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    base = f"http://{host}:{port}"
    click.echo(f"survey-bot is serving the survey from {settings.survey_file}")
    click.echo(f"  Database:            {_safe_url(settings.database_url)}")
    click.echo(f"  Bot Framework:       {base}/api/messages")
    click.echo(f"  Health check:        {base}/healthz")
    web.run_app(app, host=host, port=port, print=None, access_log=None)


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':')[0]}:***@{host}" if ":" in credentials else url
    return url


@main.command("check-survey")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check_survey(path: Path) -> None:
    """Check a survey file and list every problem in it."""
    from dialogs.loader import SurveyFileError, load_survey

    try:
        survey = load_survey(path)
    except SurveyFileError as error:
        for problem in error.problems:
            click.echo(problem.describe(str(path)), err=True)
        count = len(error.problems)
        raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} found.") from error
    questions = [q for q in survey.questions if q.kind != "statement"]
    click.echo(
        f"{path}: survey {survey.id} version {survey.version}, "
        f"{len(questions)} questions. No problems found."
    )


@main.command()
def chat() -> None:
    """Take the survey in this terminal, as a resident would (answers are stored)."""
    asyncio.run(_chat(_settings()))


async def _chat(settings: Settings) -> None:
    from bot.conversation import Arrival, Services, run_turn
    from dialogs.loader import load_survey
    from storage.database import open_database

    db = await open_database(settings.database_url)
    services = Services(settings=settings, survey=load_survey(settings.survey_file), db=db)
    conversation = f"terminal-{uuid.uuid4().hex[:12]}"
    user = f"terminal-user-{uuid.uuid4().hex[:12]}"
    click.echo("Type your answers. Press Ctrl+D to leave (your answers so far are kept).\n")
    try:
        replies = await run_turn(services, Arrival("terminal", conversation, user, welcome=True))
        while True:
            _show(replies)
            try:
                typed = await asyncio.to_thread(input, "> ")
            except (EOFError, KeyboardInterrupt):
                click.echo("\nGoodbye.")
                return
            activity = {"type": "message", "id": uuid.uuid4().hex, "text": typed}
            replies = await run_turn(
                services, Arrival("terminal", conversation, user, text=typed, activity=activity)
            )
    finally:
        await db.close()


def _show(activities: list[dict[str, Any]]) -> None:
    for activity in activities:
        click.echo(activity.get("text", ""))
        click.echo()


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output if not given.",
)
@click.option(
    "--status",
    type=click.Choice(["completed", "in_progress", "abandoned"]),
    help="Only responses with this status.",
)
def export(fmt: str, output: Path | None, status: str | None) -> None:
    """Export responses: JSON lines (everything, typed) or CSV (a column per question)."""
    text = asyncio.run(_export(_settings(), fmt, status))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


async def _export(settings: Settings, fmt: str, status: str | None) -> str:
    from bot.codebook import codebook
    from bot.review import exports
    from dialogs.loader import load_survey
    from storage.database import open_database
    from storage.queries import list_responses

    survey = load_survey(settings.survey_file)
    db = await open_database(settings.database_url)
    try:
        records = await list_responses(db, survey_id=survey.id, status=status)
    finally:
        await db.close()
    if fmt == "csv":
        return exports.as_csv(codebook(survey), records)
    return exports.json_lines(records)


@main.command()
@click.argument("reference")
@click.confirmation_option(prompt="Delete this response and its whole conversation for good?")
def erase(reference: str) -> None:
    """Delete a response by its reference code, with its transcript, state and chat log."""
    from storage.errors import RecordNotFound

    try:
        asyncio.run(_erase(_settings(), reference))
    except RecordNotFound as error:
        raise click.ClickException(f"No response has the reference {reference}.") from error
    click.echo(f"Deleted the response {reference} and everything about its conversation.")


async def _erase(settings: Settings, reference: str) -> None:
    from storage.database import open_database
    from storage.retention import erase_by_reference

    db = await open_database(settings.database_url)
    try:
        await erase_by_reference(db, reference=reference)
    finally:
        await db.close()


@main.command()
def purge() -> None:
    """Delete transcripts and unfinished responses older than the settings allow."""
    counts = asyncio.run(_purge(_settings()))
    click.echo(
        f"Deleted {counts.transcript_lines} transcript lines, {counts.activities} chat log "
        f"entries, {counts.responses} unfinished responses and {counts.states} old "
        "conversation states."
    )


async def _purge(settings: Settings) -> Any:
    from bot.retention import purge_once
    from storage.database import open_database

    db = await open_database(settings.database_url)
    try:
        return await purge_once(db, settings)
    finally:
        await db.close()
