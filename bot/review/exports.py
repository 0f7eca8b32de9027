"""Exports of responses: one row per response, one column per question (and loop option).

Knows the questions only through the codebook (plain data), so the staff site
and the command line share it without importing the survey engine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from storage.queries import ResponseRecord

# A cell starting with one of these could run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def answers_by_column(record: ResponseRecord) -> dict[str, Any]:
    """A response's answers keyed by column name ("ease[call_101]", "channels")."""
    return {
        (f"{a.question_id}[{a.item}]" if a.item else a.question_id): a.value for a in record.answers
    }


def as_json(record: ResponseRecord) -> dict[str, Any]:
    """Everything about a response, typed: choices as ids, scales as numbers, loops by option."""
    answers: dict[str, Any] = {}
    for answer in record.answers:
        if answer.item:
            answers.setdefault(answer.question_id, {})[answer.item] = answer.value
        else:
            answers[answer.question_id] = answer.value
    return {
        "id": record.id,
        "reference": record.reference,
        "survey": record.survey_id,
        "survey_version": record.survey_version,
        "channel": record.channel,
        "status": record.status,
        "flags": list(record.flags),
        "started_at": _iso(record.started_at),
        "completed_at": _iso(record.completed_at),
        "last_question": record.last_question,
        "answers": answers,
    }


def json_lines(records: Iterable[ResponseRecord]) -> str:
    """One JSON object per line, per response."""
    return "".join(json.dumps(as_json(r), ensure_ascii=False) + "\n" for r in records)


META_COLUMNS = ("reference", "status", "channel", "started_at", "completed_at", "flags")


def table(codebook: dict[str, Any], records: Iterable[ResponseRecord]) -> list[list[Any]]:
    """Header and rows: the response's details, then a column per question in survey order."""
    columns = [c["name"] for c in codebook["columns"]]
    rows: list[list[Any]] = [[*META_COLUMNS, *columns]]
    for record in records:
        given = answers_by_column(record)
        meta = [
            record.reference or "",
            record.status,
            record.channel,
            _iso(record.started_at),
            _iso(record.completed_at),
            ";".join(record.flags),
        ]
        rows.append([*meta, *(_cell(given.get(name)) for name in columns)])
    return rows


def as_csv(codebook: dict[str, Any], records: Iterable[ResponseRecord]) -> str:
    """The table as CSV, with formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table(codebook, records):
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def _iso(moment: Any) -> str:
    return moment.isoformat() if moment is not None else ""
