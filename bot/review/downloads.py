"""Files the site serves: chart pictures, exports of the filtered responses, and the results'
breakdown tables as a spreadsheet."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from aiohttp import web

from bot.review import exports
from bot.review.pages import charts_for, chosen, results_chosen, results_key
from bot.review.results import is_breakdown
from bot.review.site import database, require, site
from bot.review.themes import theme_cells
from storage import audit
from storage.results import find_responses

EXPORTS = {
    # format: (file extension, content type)
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sav": ("sav", "application/x-spss-sav"),
    "json": ("jsonl", "application/x-ndjson"),
}


async def chart(request: web.Request) -> web.StreamResponse:
    """One chart of the results page, as an SVG picture, for the same filters."""
    require(request, "read")
    wanted = request.match_info["chart"]
    picked, _ = results_chosen(request)
    found = site(request).recent.find(results_key(picked), wanted)
    if found is None:
        charts = (await charts_for(request, picked, only=wanted)).charts
        found = next((c for c in charts if c.id == wanted), None)
    if found is None:
        raise web.HTTPNotFound(text="There is no such chart.")
    picture = await site(request).charts.svg(found)
    return web.Response(body=picture, content_type="image/svg+xml")


async def tables(request: web.Request) -> web.StreamResponse:
    """The results broken down by group, as CSV: the page's tables, small cells suppressed."""
    user = require(request, "export")
    picked, _ = results_chosen(request)
    found = await charts_for(request, picked)
    breakdowns = [c for c in found.charts if is_breakdown(c.id)]
    body = exports.tables_csv(
        [(c.title, c.headers, c.rows) for c in breakdowns], weighted=found.weighted
    )
    await audit.record(
        database(request),
        staff_email=user.email,
        action="export",
        detail={"format": "tables.csv", "filters": picked.describe(), "tables": len(breakdowns)},
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    survey = re.sub(r"[^A-Za-z0-9_-]+", "-", site(request).questions.survey) or "survey"
    return web.Response(
        body=body.encode("utf-8-sig"),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="results-{survey}-{stamp}.csv"'},
    )


async def export(request: web.Request) -> web.StreamResponse:
    """The filtered responses as a file to download; the export is written in the audit log."""
    user = require(request, "export")
    fmt = request.match_info["format"]
    picked = chosen(request)
    codebook = site(request).questions.codebook
    records = await find_responses(database(request), filters=picked.filters, newest_first=False)
    extra = await theme_cells(database(request), site(request).questions)
    if fmt == "csv":
        body = exports.as_csv(codebook, records, extra).encode("utf-8-sig")  # the BOM tells Excel
    elif fmt == "xlsx":
        body = await asyncio.to_thread(exports.as_xlsx, codebook, records, extra)
    elif fmt == "sav":
        body = await asyncio.to_thread(exports.as_sav, codebook, records, extra)
    else:
        body = exports.json_lines(records).encode()
    await audit.record(
        database(request),
        staff_email=user.email,
        action="export",
        detail={"format": fmt, "filters": picked.describe(), "responses": len(records)},
    )
    extension, content_type = EXPORTS[fmt]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    survey = re.sub(r"[^A-Za-z0-9_-]+", "-", site(request).questions.survey) or "survey"
    name = f"responses-{survey}-{stamp}.{extension}"
    return web.Response(
        body=body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def report(request: web.Request) -> web.StreamResponse:
    """The summary report for the Commissioner's briefing, as a PDF; written in the audit log."""
    from bot.review import report as summary_report

    user = require(request, "export")
    picked = chosen(request)
    here = site(request)
    summary = await summary_report.gather(here, database(request), picked)
    body = await asyncio.to_thread(summary_report.draw, summary, here)
    await audit.record(
        database(request),
        staff_email=user.email,
        action="export",
        detail={"format": "pdf", "filters": picked.describe(), "responses": summary.total},
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    survey = re.sub(r"[^A-Za-z0-9_-]+", "-", here.questions.survey) or "survey"
    return web.Response(
        body=body,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="summary-{survey}-{stamp}.pdf"'},
    )
