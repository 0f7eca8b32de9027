"""What every page shares: the site object, request state, rendering and the JSON twins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.review.charts import ChartDrawer, RecentCharts
from bot.review.config import Questions, ReviewConfig
from bot.review.filters import STATUS_LABELS
from bot.review.population import Population, load_population
from bot.review.sessions import Session, SessionPolicy
from bot.review.themer import ThemerSource
from bot.review.throttle import AddressThrottle
from storage.database import Database
from storage.models import StaffRole, StaffUser

TEMPLATES = Path(__file__).parent / "templates"
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# What each role may do. Everyone who can log in may read and export responses (and read
# the themes); changing the themes changes what everyone reads, so only admins may.
PERMISSIONS = {
    StaffRole.REVIEWER.value: frozenset({"read", "export"}),
    StaffRole.ADMIN.value: frozenset({"read", "export", "audit", "themes"}),
}


@dataclass
class Site:
    """The review site's configuration and tools, built once by the app factory."""

    config: ReviewConfig
    questions: Questions
    policy: SessionPolicy
    templates: jinja2.Environment
    charts: ChartDrawer
    throttle: AddressThrottle
    population: Population
    recent: RecentCharts

    @classmethod
    def build(cls, config: ReviewConfig, codebook: dict[str, Any]) -> Site:
        """Everything the pages need."""
        templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        zone = ZoneInfo(config.timezone)
        templates.filters["when"] = lambda moment: _when(moment, zone)
        templates.globals["status_labels"] = STATUS_LABELS
        templates.globals["accessibility_url"] = config.accessibility_url
        policy = SessionPolicy(
            secret=config.session_secret,
            idle_seconds=config.idle_minutes * 60,
            absolute_seconds=config.session_hours * 3600,
        )
        throttle = AddressThrottle(config.max_failed_logins_per_address, config.lock_minutes * 60)
        questions = Questions(codebook)
        population = (
            load_population(config.population_file, questions)
            if config.population_file
            else Population()
        )
        drawer = ChartDrawer()
        return cls(
            config, questions, policy, templates, drawer, throttle, population, RecentCharts()
        )


SITE = web.AppKey("review_site", Site)
# The database: set on the review app itself, or on the app it is mounted in.
DATABASE = web.AppKey("review_database", Database)
# Where the theme model comes from: called when it is first needed (it takes a while to load).
THEMER: web.AppKey[ThemerSource] = web.AppKey("review_themer")
SESSION = web.RequestKey("review_session", Session)
STAFF = web.RequestKey("review_staff", StaffUser)


def site(request: web.Request) -> Site:
    """The review site the request is for."""
    return request.config_dict[SITE]


def database(request: web.Request) -> Database:
    """The database, wherever it was set."""
    return request.config_dict[DATABASE]


def staff(request: web.Request) -> StaffUser:
    """The member of staff logged in (the login check has run before any page)."""
    return request[STAFF]


def require(request: web.Request, permission: str) -> StaffUser:
    """The member of staff, if their role allows this; 403 otherwise."""
    user = staff(request)
    if permission not in PERMISSIONS.get(user.role, frozenset()):
        raise web.HTTPForbidden(text="Your role does not allow this page.")
    return user


def whole_number(value: str | None, name: str, *, maximum: int, default: int = 0) -> int:
    """A whole number from the address, 0 to `maximum`; 400 saying so for anything else."""
    if value is None or value == "":
        return default
    if not re.fullmatch(r"[0-9]{1,19}", value) or int(value) > maximum:
        raise web.HTTPBadRequest(text=f"{name} must be a whole number from 0 to {maximum}.")
    return int(value)


async def read_form(
    request: web.Request,
) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The posted form; 400 if it cannot be read (not UTF-8, a broken multipart body)."""
    try:
        form = await request.post()
    except web.HTTPException:
        raise
    except (ValueError, AssertionError, LookupError) as error:
        message = "The form could not be read. Send it again from the page."
        raise web.HTTPBadRequest(text=message) from error
    for value in form.values():
        if isinstance(value, str) and ("\x00" in value or _SURROGATE.search(value)):
            raise web.HTTPBadRequest(text="The form holds a character that cannot be kept.")
    return form


def wants_json(request: web.Request) -> bool:
    """Whether this is a page's JSON twin (the same address ending in .json)."""
    return request.path.endswith(".json")


def url(request: web.Request, name: str, query: dict[str, Any] | None = None, **parts: str) -> str:
    """The address of a named route, with an optional query string (empty values left out)."""
    address = request.app.router[name].url_for(**parts)
    if query:
        address = address.with_query({k: str(v) for k, v in query.items() if v not in ("", None)})
    return str(address)


def prefix(request: web.Request) -> str:
    """Where the site is mounted, such as /review."""
    return url(request, "home").rstrip("/") or "/"


def page(
    request: web.Request, template: str, data: dict[str, Any], *, status: int = 200
) -> web.Response:
    """A page as HTML, or its data as JSON for the twin."""
    if wants_json(request):
        return web.json_response(data, status=status, dumps=_dumps)
    user = request.get(STAFF)
    context = {
        **data,
        "data": data,
        "staff": user,
        "can": PERMISSIONS.get(user.role, frozenset()) if user else frozenset(),
        "csrf": request[SESSION].csrf,
        "url": lambda name, query=None, **parts: url(request, name, query, **parts),
        "path": request.path,
        "survey_title": site(request).questions.title,
    }
    body = site(request).templates.get_template(template).render(context)
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status)


def _dumps(data: Any) -> str:
    import json

    return json.dumps(data, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _when(moment: datetime | str | None, zone: ZoneInfo) -> str:
    """A time as staff read it: "2 Mar 2026, 09:05", in the site's time zone."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"
