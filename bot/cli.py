"""The `survey-bot` command: the single entry point for people and scripts."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import click
from aiohttp import web

from bot.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


@click.group()
def main() -> None:
    """survey-bot: a conversational survey for public consultations."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3978, show_default=True, help="Port to listen on.")
@click.option(
    "--allow-anonymous",
    is_flag=True,
    help="Listen beyond this machine even though MicrosoftAppId is empty (no tokens checked).",
)
def serve(host: str, port: int, allow_anonymous: bool) -> None:
    """Serve the bot, the web chat and the staff site (migrations are applied first)."""
    from bot.app import create_app

    settings = _settings()
    if not settings.auth_enabled and not allow_anonymous and not _loopback(host):
        raise click.ClickException(
            f"Refusing to listen on {host}: MicrosoftAppId is empty, so /api/messages would "
            "take activities from anyone, unchecked. Set MicrosoftAppId (and "
            "MicrosoftAppPassword) to require Azure Bot Service tokens, listen on 127.0.0.1, "
            "or pass --allow-anonymous if something in front of this server checks callers."
        )
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app = create_app(settings)
    except ValueError as error:  # Settings the app refuses, such as a weak secret.
        raise click.ClickException(str(error)) from error
    base = f"http://{host}:{port}"
    click.echo(f"survey-bot is serving the survey from {settings.survey_file}")
    click.echo(f"  Web chat (residents): {base}/")
    click.echo(f"  Direct Line 3.0:      {base}/v3/directline/")
    click.echo(f"  Database:             {settings.safe_database_url}")
    click.echo(f"  Bot Framework:        {base}/api/messages")
    click.echo(f"  Health check:         {base}/healthz")
    click.echo(f"  Staff review site:    {base}/review/")
    app.on_startup.append(_hint_when_no_staff)
    web.run_app(app, host=host, port=port, print=None, access_log=None)


async def _hint_when_no_staff(app: web.Application) -> None:
    """Say how to add the first staff account, when there is none that can log in."""
    from bot.review import DATABASE
    from storage.staff import list_staff

    users = await list_staff(app[DATABASE])
    if not any(not user.disabled for user in users):
        click.echo(
            "  No staff account can log in to the review site yet. Add one (it asks for a "
            "password):\n    make staff EMAIL=you@example.org\n"
            "  or: .venv/bin/survey-bot staff add you@example.org --role admin"
        )


def _loopback(host: str) -> bool:
    """Whether an address only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "xlsx", "sav"]),
    default="json",
    show_default=True,
    help="json: JSON lines with everything; csv, xlsx (Excel), sav (SPSS): a column per question.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output if not given.",
)
@click.option("--survey", help="Survey id, or all. Default: the survey the bot asks.")
@click.option(
    "--status",
    type=click.Choice(["completed", "in_progress", "abandoned"]),
    help="Only responses with this status.",
)
@click.option("--since", metavar="YYYY-MM-DD", help="Only responses started on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only responses started on or before this day.")
@click.option("--channel", help="Only responses that came through this channel, such as webchat.")
@click.option(
    "--flagged", type=click.Choice(["yes", "no"]), help="Only responses flagged (or not)."
)
@click.option("--search", help="Only responses with these words in one of their answers.")
@click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="QUESTION=OPTION",
    help="Only responses that chose this answer, such as district=watford or "
    "channels=call_101. Give it more than once to combine.",
)
def export(fmt: str, output: Path | None, answers: tuple[str, ...], **filters: str | None) -> None:
    """Export responses, with the same filters as the staff site."""
    query = {name: value for name, value in filters.items() if value}
    if filters.get("search"):
        query["q"] = str(filters["search"])
    for answer in answers:
        question, sep, option = answer.partition("=")
        if not sep:
            raise click.BadParameter(
                "use QUESTION=OPTION, such as district=watford", param_hint="--answer"
            )
        query[question.strip()] = option.strip()
    binary = fmt in ("xlsx", "sav")
    if output is None and binary and sys.stdout.isatty():
        raise click.UsageError(f"A {fmt} file cannot be shown here: give --output FILE.")
    body = asyncio.run(_export(_settings(), fmt, query))
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        output.write_bytes(body)
        click.echo(f"Wrote {output}", err=True)


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The PDF file to write.",
)
@click.option(
    "--weighted",
    type=click.Choice(["yes", "no"]),
    default="yes",
    show_default=True,
    help="Weight the charts to the population (when there are population figures).",
)
def report(output: Path, weighted: str) -> None:
    """Write the summary report for the Commissioner's briefing (PDF)."""
    body = asyncio.run(_report(_settings(), weighted))
    output.write_bytes(body)
    click.echo(f"Wrote {output}", err=True)


async def _report(settings: Settings, weighted: str) -> bytes:
    from bot.codebook import codebook
    from bot.review import report as summary_report
    from bot.review.config import ReviewConfig
    from bot.review.filters import parse
    from bot.review.site import Site
    from dialogs.loader import load_survey
    from storage import audit
    from storage.database import open_database

    here = Site.build(
        ReviewConfig.from_settings(settings), codebook(load_survey(settings.survey_file))
    )
    picked = parse({"weighted": weighted}, here.questions, timezone=here.config.timezone)
    db = await open_database(settings.database_url)
    try:
        summary = await summary_report.gather(here, db, picked)
        await audit.record(
            db,
            staff_email="(command line)",
            action="export",
            detail={"format": "pdf", "filters": picked.describe(), "responses": summary.total},
        )
    finally:
        await db.close()
    return await asyncio.to_thread(summary_report.draw, summary, here)


async def _export(settings: Settings, fmt: str, query: dict[str, str]) -> bytes:
    from bot.codebook import codebook
    from bot.review import exports
    from bot.review.config import Questions
    from bot.review.filters import FilterError, parse
    from bot.review.themes import theme_cells
    from dialogs.loader import load_survey
    from storage import audit
    from storage.database import open_database
    from storage.results import find_responses

    book = codebook(load_survey(settings.survey_file))
    try:
        chosen = parse(query, Questions(book))
    except FilterError as error:
        raise click.UsageError(str(error)) from error
    db = await open_database(settings.database_url)
    try:
        records = await find_responses(db, filters=chosen.filters, newest_first=False)
        themes = await theme_cells(db, Questions(book)) if fmt != "json" else []
        await audit.record(
            db,
            staff_email="(command line)",
            action="export",
            detail={"format": fmt, "filters": chosen.describe(), "responses": len(records)},
        )
    finally:
        await db.close()
    if fmt == "csv":
        return exports.as_csv(book, records, themes).encode()
    if fmt == "xlsx":
        return exports.as_xlsx(book, records, themes)
    if fmt == "sav":
        return exports.as_sav(book, records, themes)
    return exports.json_lines(records).encode()


@main.group()
def staff() -> None:
    """Accounts for the staff review site (at /review)."""


@staff.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["reviewer", "admin"]),
    default="reviewer",
    show_default=True,
    help="reviewer: read and export responses; admin: also read the audit log.",
)
@click.password_option(help="The password (asked for if not given; at least 12 characters).")
def staff_add(email: str, role: str, password: str) -> None:
    """Add a staff account that can log in to the review site."""
    from bot.review.passwords import WeakPassword, check_strength, hash_password
    from storage.staff import StaffExists, create_staff

    if "@" not in email:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    try:
        check_strength(password, email=email)
    except WeakPassword as error:
        raise click.ClickException(str(error)) from error

    async def add(db: Any) -> None:
        await create_staff(db, email=email, password_hash=hash_password(password), role=role)

    try:
        asyncio.run(_with_database(_settings(), add))
    except StaffExists as error:
        raise click.ClickException(f"There is already an account for {email.lower()}.") from error
    click.echo(f"Added {email.lower()} as {role}. They can log in at /review/login.")


@staff.command("list")
def staff_list() -> None:
    """List the staff accounts."""
    from storage.staff import is_locked, list_staff

    users = asyncio.run(_with_database(_settings(), list_staff))
    if not users:
        click.echo("No staff accounts yet. Add one with: survey-bot staff add EMAIL --role admin")
    for user in users:
        state = "disabled" if user.disabled else "locked" if is_locked(user) else "active"
        click.echo(f"{user.email}\t{user.role}\t{state}\tadded {user.created_at:%Y-%m-%d}")


@staff.command("disable")
@click.argument("email")
def staff_disable(email: str) -> None:
    """Stop an account logging in; it is logged out at once. Its audit entries stay."""
    from storage.errors import RecordNotFound
    from storage.staff import disable_staff

    async def disable(db: Any) -> None:
        await disable_staff(db, email=email)

    try:
        asyncio.run(_with_database(_settings(), disable))
    except RecordNotFound as error:
        raise click.ClickException(f"There is no account for {email.lower()}.") from error
    click.echo(f"Disabled {email.lower()}.")


async def _with_database(settings: Settings, work: Any) -> Any:
    """Open the database, do the work, close it."""
    from storage.database import open_database

    db = await open_database(settings.database_url)
    try:
        return await work(db)
    finally:
        await db.close()


@main.command()
@click.argument("reference")
@click.confirmation_option(prompt="Delete this response and its whole conversation for good?")
def erase(reference: str) -> None:
    """Delete a response by its reference code, with its transcript, state and chat log."""
    from storage.errors import RecordNotFound
    from storage.retention import erase_by_reference

    async def erase_one(db: Any) -> None:
        from storage import audit

        await erase_by_reference(db, reference=reference)
        await audit.record(
            db,
            staff_email="(command line)",
            action="erase",
            detail={"reference": reference.upper(), "by": "staff"},
        )

    try:
        asyncio.run(_with_database(_settings(), erase_one))
    except RecordNotFound as error:
        raise click.ClickException(f"No response has the reference {reference}.") from error
    click.echo(f"Deleted the response {reference} and everything about its conversation.")


@main.command()
def purge() -> None:
    """Delete transcripts and unfinished responses older than the settings allow."""
    from bot.retention import purge_once

    settings = _settings()

    async def purge_now(db: Any) -> Any:
        return await purge_once(db, settings)

    counts = asyncio.run(_with_database(settings, purge_now))
    click.echo(
        f"Deleted {counts.transcript_lines} transcript lines, {counts.activities} chat log "
        f"entries, {counts.responses} unfinished responses and {counts.states} old "
        "conversation states."
    )
