"""Logging in and out.

A wrong email, a wrong password, a disabled account and a locked one all get
the same answer, in about the same time, so the form cannot be used to find
out who has an account.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from aiohttp import web

from bot.review import passwords
from bot.review.sessions import Session, same_token
from bot.review.site import SESSION, STAFF, database, page, read_form, site, url
from storage import audit
from storage.models import StaffUser
from storage.staff import (
    end_sessions,
    find_staff,
    is_locked,
    record_failed_login,
    record_login,
)

log = logging.getLogger(__name__)

NOT_RECOGNISED = (
    "That email and password did not work. Check them and try again. After {limit} wrong "
    "tries in a row an account is locked for {minutes} minutes."
)
TOO_MANY_HERE = (
    "There have been too many wrong passwords from your network. Wait {minutes} minute{s}, "
    "then try again."
)
EXPIRED_FORM = "This form has expired. Please go back, reload the page and try again."


def check_csrf(request: web.Request, submitted: object) -> None:
    """Refuse a form that did not come from one of our pages in this session."""
    if not same_token(request[SESSION].csrf, submitted):
        raise web.HTTPForbidden(text=EXPIRED_FORM)


async def login_form(request: web.Request) -> web.StreamResponse:
    """The login form (or, for someone logged in already, the responses)."""
    if STAFF in request:
        raise web.HTTPSeeOther(url(request, "responses"))
    return _form(request, next_page=request.query.get("next", ""))


def _form(request: web.Request, *, next_page: str, error: str = "") -> web.Response:
    return page(
        request,
        "login.html",
        {"next": _safe_next(request, next_page), "error": error},
        status=200,
    )


async def login(request: web.Request) -> web.StreamResponse:
    """Check the email and password; on success start a new session."""
    form = await read_form(request)
    check_csrf(request, form.get("csrf"))
    email = str(form.get("email", "")).strip()[:320]
    password = str(form.get("password", ""))
    throttle = site(request).throttle
    address = request.remote or ""
    wait = throttle.wait_seconds(address)
    if wait:
        minutes = math.ceil(wait / 60)
        error = TOO_MANY_HERE.format(minutes=minutes, s="" if minutes == 1 else "s")
        response = _form(request, next_page=str(form.get("next", "")), error=error)
        response.set_status(429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = await _authenticate(request, email, password)
    if user is None:
        throttle.failed(address)
        config = site(request).config
        error = NOT_RECOGNISED.format(limit=config.max_failed_logins, minutes=config.lock_minutes)
        return _form(request, next_page=str(form.get("next", "")), error=error)
    assert user.id is not None
    # A new session id and CSRF token at login: a session fixed beforehand is worthless.
    request[SESSION] = Session.new(staff_id=user.id)
    request[STAFF] = user
    await audit.record(database(request), staff_email=user.email, action="login")
    log.info("staff member %s logged in", user.id)
    raise web.HTTPSeeOther(_safe_next(request, str(form.get("next", ""))) or url(request, "home"))


async def _authenticate(request: web.Request, email: str, password: str) -> StaffUser | None:
    """The account if the email and password match and it may log in now; None otherwise."""
    db = database(request)
    config = site(request).config
    user = await find_staff(db, email=email) if email else None
    usable = user is not None and not user.disabled and not is_locked(user)
    matched = await passwords.verify_in_thread(
        user.password_hash if usable and user is not None else None, password
    )
    if usable and matched and user is not None and user.id is not None:
        new_hash = None
        if passwords.needs_rehash(user.password_hash):
            new_hash = passwords.hash_password(password)
        await record_login(db, staff_id=user.id, new_password_hash=new_hash)
        return user
    if usable:
        await record_failed_login(
            db,
            email=email,
            limit=config.max_failed_logins,
            lock_for=timedelta(minutes=config.lock_minutes),
        )
    await audit.record(db, staff_email=email.lower() or "(none)", action="login_failed", detail={})
    log.info("failed staff login")
    return None


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    form = await read_form(request)
    check_csrf(request, form.get("csrf"))
    user = request[STAFF]
    assert user.id is not None
    # Ended on the server too, so a copy of the cookie opens nothing afterwards.
    await end_sessions(database(request), staff_id=user.id)
    await audit.record(database(request), staff_email=user.email, action="logout")
    request[SESSION] = Session.new()
    del request[STAFF]
    raise web.HTTPSeeOther(url(request, "login"))


def _safe_next(request: web.Request, next_page: str) -> str:
    """Where to go after logging in: only a page of this site, never another address."""
    home = url(request, "home")
    if next_page.startswith(home) and not next_page.startswith("//") and "\\" not in next_page:
        return next_page
    return ""
