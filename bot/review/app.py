"""The staff review site as a sub-app: `create_review_app(config, codebook)`.

Mounted by the bot at /review. Every route is registered in `add_routes`; two
middlewares wrap them all: one adds the security headers, the other reads the
session cookie, insists on a login, and writes the cookie back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final

from aiohttp import web

from bot.review import auth, downloads, pages
from bot.review.config import ReviewConfig
from bot.review.sessions import COOKIE_NAME, Session
from bot.review.site import (
    DATABASE,
    SESSION,
    SITE,
    STAFF,
    THEMER,
    Site,
    database,
    prefix,
    site,
)
from bot.review.themer import ThemerSource
from bot.review.themes import theme_routes
from storage.database import Database
from storage.errors import RecordNotFound
from storage.staff import get_staff, session_ended

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# Routes anyone may open: the login form and the style sheet it uses.
PUBLIC: Final = frozenset({"login", "login_post", "static"})
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_review_app(
    config: ReviewConfig,
    codebook: dict[str, Any],
    *,
    db: Database | None = None,
    themer: ThemerSource | None = None,
) -> web.Application:
    """Build the review site. `UnsafeSecret` if the session secret will not do.

    The database is read from the app it is mounted in (`DATABASE`), unless
    given here. `themer` gives the theme model when it is first needed; without
    it staff can read and change themes but not find new ones.
    """
    config.check()
    app = web.Application(middlewares=[security_headers, sessions])
    app[SITE] = Site.build(config, codebook)
    if db is not None:
        app[DATABASE] = db
    if themer is not None:
        app[THEMER] = themer
    add_routes(app)
    return app


def add_routes(app: web.Application) -> None:
    """Every route of the site, in one place; each page also answers at its address + .json."""
    get = app.router.add_get
    get("/", pages.home, name="home")
    get("/login", auth.login_form, name="login")
    app.router.add_post("/login", auth.login, name="login_post")
    app.router.add_post("/logout", auth.logout, name="logout")
    for path, view, name in (
        ("/responses", pages.responses, "responses"),
        ("/responses/{id:\\d+}", pages.response, "response"),
        ("/results", pages.results, "results"),
        ("/free-text", pages.free_text, "free_text"),
        ("/audit", pages.audit, "audit"),
    ):
        get(path, view, name=name)
        get(path + ".json", view, name=f"{name}.json")
    get("/results/charts/{chart:[A-Za-z0-9_-]+}.svg", downloads.chart, name="chart")
    get("/results/tables.csv", downloads.tables, name="results_tables")
    get("/export/{format:csv|xlsx|sav|json}", downloads.export, name="export")
    get("/report.pdf", downloads.report, name="report")
    theme_routes(app)
    app.router.add_static("/static", STATIC, name="static", append_version=True)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Strict headers on every answer, errors included; nothing personal is cached."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _protect(error.headers, request)
        raise
    _protect(response.headers, request)
    return response


def _protect(headers: Any, request: web.Request) -> None:
    headers.update(SECURITY_HEADERS)
    if request.match_info.route.name != "static":
        headers["Cache-Control"] = "no-store"


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the session; send people who are not logged in to the login page; renew the cookie."""
    session = site(request).policy.load(request.cookies.get(COOKIE_NAME))
    user = None
    if session is not None and session.staff_id is not None:
        try:
            user = await get_staff(database(request), staff_id=session.staff_id)
        except RecordNotFound:
            user = None
        if user is None or user.disabled or session_ended(user, session.logged_in_at):
            session, user = None, None
    request[SESSION] = session or Session.new()
    if user is not None:
        request[STAFF] = user
    elif request.match_info.route.name not in PUBLIC:
        _refuse(request)
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _set_cookie(error, request)
        raise
    _set_cookie(response, request)
    return response


def _refuse(request: web.Request) -> None:
    """401 for scripts; for people, the login page, coming back here afterwards."""
    if request.path.endswith(".json") or request.match_info.route.name == "export":
        raise web.HTTPUnauthorized(
            text='{"error": "Log in first."}', content_type="application/json"
        )
    login = request.app.router["login"].url_for().with_query(next=request.path_qs)
    raise web.HTTPSeeOther(login)


def _set_cookie(response: web.StreamResponse, request: web.Request) -> None:
    """Write the (renewed) session back, unless the response has been sent already."""
    if response.prepared or request.match_info.route.name == "static":
        return
    config = site(request).config
    session = request[SESSION].touched()
    response.set_cookie(
        COOKIE_NAME,
        site(request).policy.dump(session),
        path=prefix(request),
        httponly=True,
        samesite="Lax",
        secure=config.environment == "production" or request.secure,
    )
