"""Exports of responses: one row per response, one column per question (and loop option).

Knows the questions only through the codebook (plain data), so the staff site
and the command line share it without importing the survey engine.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
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


# Kinds of question whose answers are codes, each with a label beside it in CSV and Excel.
LABELLED_KINDS = ("single_choice", "multiple_choice", "yes_no")
LABEL_SUFFIX = " (label)"
# Extra columns after the questions: a heading, and the cell for each response id (others empty).
Extra = Sequence[tuple[str, Mapping[int, Any]]]


def table(
    codebook: dict[str, Any],
    records: Iterable[ResponseRecord],
    extra: Extra = (),
    *,
    times: str = "text",
) -> list[list[Any]]:
    """Header and rows: the response's details, a column per question in survey order, extras.

    A choice's column holds its code ("watford"); the column after it, named
    "district (label)", holds what the resident was shown ("Watford"). Times are
    ISO text, or with `times="datetime"` UTC datetimes (for a spreadsheet's own dates).
    """
    columns = list(codebook["columns"])
    header: list[Any] = list(META_COLUMNS)
    for column in columns:
        header.append(column["name"])
        if column["kind"] in LABELLED_KINDS:
            header.append(column["name"] + LABEL_SUFFIX)
    rows: list[list[Any]] = [[*header, *(heading for heading, _ in extra)]]
    when = _naive_utc if times == "datetime" else _iso
    for record in records:
        given = answers_by_column(record)
        row: list[Any] = [
            record.reference or "",
            record.status,
            record.channel,
            when(record.started_at),
            when(record.completed_at),
            ";".join(record.flags),
        ]
        for column in columns:
            value = given.get(column["name"])
            row.append(_cell(value))
            if column["kind"] in LABELLED_KINDS:
                row.append(_label(column, value))
        row += [_cell(cells.get(record.id)) for _, cells in extra]
        rows.append(row)
    return rows


def _label(column: dict[str, Any], value: Any) -> str:
    """The labels of a choice's codes, as the resident saw them."""
    if value is None:
        return ""
    labels = column["values"]
    codes = value if isinstance(value, list) else [value]
    return "; ".join(str(labels.get(str(code), code)) for code in codes)


def as_csv(codebook: dict[str, Any], records: Iterable[ResponseRecord], extra: Extra = ()) -> str:
    """The table as CSV, with formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table(codebook, records, extra):
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def tables_csv(
    tables: Iterable[tuple[str, list[str], list[list[Any]]]], *, weighted: bool = False
) -> str:
    """Tables of results, one after another: a title line, the headings, the rows, a blank line.

    The cells are as the results page shows them, so those from fewer than 10
    responses already read "fewer than 10".
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Weighted to the population" if weighted else "Not weighted"])
    writer.writerow([])
    for title, headers, rows in tables:
        writer.writerow([neutralise(title)])
        writer.writerow([neutralise(h) for h in headers])
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
        writer.writerow([])
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


# Characters a spreadsheet file cannot hold (control characters other than tab and newlines).
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_xlsx(
    codebook: dict[str, Any], records: Iterable[ResponseRecord], extra: Extra = ()
) -> bytes:
    """The table as an Excel workbook, with a second sheet describing every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    for number, row in enumerate(table(codebook, records, extra, times="datetime")):
        cells = [_xlsx_cell(value) for value in row]
        if number == 0:
            cells = [_bold(sheet, value, bold) for value in cells]
        else:
            cells = [_dated(sheet, value) for value in cells]
        sheet.append(cells)
    about = book.create_sheet("Questions")
    about.append([_bold(about, h, bold) for h in ("Column", "Label", "Question", "Answers")])
    for column in codebook["columns"]:
        answers = "; ".join(f"{value} = {label}" for value, label in column["values"].items())
        about.append(
            [
                _xlsx_cell(column["name"]),
                _xlsx_cell(column["label"]),
                _xlsx_cell(column["text"]),
                _xlsx_cell(answers),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    """A cell value safe in a workbook: not a formula, no characters the format forbids."""
    if isinstance(value, str):
        return neutralise(_ILLEGAL_IN_XLSX.sub("", value))
    return value


def _dated(sheet: Any, value: Any) -> Any:
    """A time as the spreadsheet's own date and time (UTC), shown as such."""
    if not isinstance(value, datetime):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell


def _bold(sheet: Any, value: Any, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


CHOSEN_LABELS: dict[int | float, str] = {0: "Not chosen", 1: "Chosen"}
# Answers that are a refusal to answer: marked missing in SPSS, though kept as a code.
MISSING_OPTIONS = frozenset({"prefer_not_to_say"})


def as_sav(codebook: dict[str, Any], records: Iterable[ResponseRecord], extra: Extra = ()) -> bytes:
    """The responses as an SPSS data file.

    Choices are numbered 1, 2, 3... in the survey's order, with the option
    labels as value labels; multiple-choice questions become one 0/1 variable
    per option (chosen or not), as SPSS multiple-response sets expect. Times
    are UTC. Each extra column (a theme) is a 0/1 variable too, missing where
    the response has nothing to put in it.
    """
    import narwhals as nw
    import pyreadstat

    sav = _SavTable(codebook)
    for record in records:
        sav.add(record)
    for number, (heading, cells) in enumerate(extra, start=1):
        variable = sav.declare_extra(f"theme_{number}", heading)
        sav.data[variable] = [cells.get(record_id) for record_id in sav.ids]
    types = {"number": nw.Float64(), "text": nw.String(), "time": nw.Datetime("us")}
    schema = {variable: types[sort] for variable, sort in sav.sorts.items()}
    frame = nw.from_dict(sav.data, schema=schema, backend="pandas").to_native()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=str(codebook.get("title", ""))[:64],
            column_labels=sav.labels,
            variable_value_labels=sav.value_labels,
            variable_measure=sav.measures,
            missing_ranges=sav.missing,
        )
        return path.read_bytes()


class _SavTable:
    """Columns of an SPSS file built up one response at a time."""

    def __init__(self, codebook: dict[str, Any]) -> None:
        self.data: dict[str, list[Any]] = {}
        self.labels: dict[str, str] = {}
        self.value_labels: dict[str, dict[int | float, str]] = {}
        self.measures: dict[str, str] = {}
        # Codes SPSS treats as missing (user-missing): "Prefer not to say".
        self.missing: dict[str, list[int | float]] = {}
        self.sorts: dict[str, str] = {}  # "number", "text" or "time"
        self._names: set[str] = set()
        self._columns = list(codebook["columns"])
        self.ids: list[int] = []  # the responses, in row order
        # (variable, codebook column or None, option) for every variable, in order.
        self._variables: list[tuple[str, dict[str, Any] | None, str]] = []
        for name, label, sort in (
            ("reference", "Reference given to the resident", "text"),
            ("status", "Status", "text"),
            ("channel", "Channel the response came through", "text"),
            ("started", "Started (UTC)", "time"),
            ("completed", "Completed (UTC)", "time"),
            ("flags", "Safety flags raised", "text"),
        ):
            self._declare(name, label, None, "", sort)
        for column in self._columns:
            self._declare_column(column)

    def _declare(
        self, name: str, label: str, column: dict[str, Any] | None, option: str, sort: str
    ) -> str:
        variable = _spss_name(name, self._names)
        self._names.add(variable.lower())
        self.sorts[variable] = sort
        self.data[variable] = []
        self.labels[variable] = label[:256]
        self._variables.append((variable, column, option))
        return variable

    def _declare_column(self, column: dict[str, Any]) -> None:
        kind = column["kind"]
        if kind == "multiple_choice":
            for option, option_label in column["values"].items():
                label = f"{column['label']}: {option_label}"
                name = f"{column['name']}_{option}"
                variable = self._declare(name, label, column, option, "number")
                self.value_labels[variable] = dict(CHOSEN_LABELS)
                self.measures[variable] = "nominal"
            return
        sort = "number" if kind in ("single_choice", "yes_no", "scale", "number") else "text"
        variable = self._declare(column["name"], column["label"], column, "", sort)
        if kind in ("single_choice", "yes_no"):
            labels: dict[int | float, str] = dict(enumerate(column["values"].values(), start=1))
            self.value_labels[variable] = labels
            self.measures[variable] = "nominal"
            codes = dict(enumerate(column["values"], start=1))
            declined = [code for code, option in codes.items() if option in MISSING_OPTIONS]
            if declined:
                self.missing[variable] = list(declined)
        elif kind == "scale":
            self.value_labels[variable] = {int(v): label for v, label in column["values"].items()}
            self.measures[variable] = "ordinal"
        elif kind == "number":
            self.measures[variable] = "scale"

    def declare_extra(self, name: str, label: str) -> str:
        """A 0/1 variable after the questions (a theme: in it or not)."""
        variable = self._declare(name, label, None, "", "number")
        self._variables.pop()  # filled whole by the caller, not row by row
        self.value_labels[variable] = {0: "Not in the theme", 1: "In the theme"}
        self.measures[variable] = "nominal"
        return variable

    def add(self, record: ResponseRecord) -> None:
        """Add one response as a row."""
        self.ids.append(record.id)
        given = answers_by_column(record)
        meta = {
            "reference": record.reference or "",
            "status": record.status,
            "channel": record.channel,
            "started": _naive_utc(record.started_at),
            "completed": _naive_utc(record.completed_at),
            "flags": ";".join(record.flags),
        }
        for variable, column, option in self._variables:
            if column is None:
                value = meta[variable]
            else:
                value = _sav_value(column, option, given.get(column["name"]))
            self.data[variable].append(value)


def _sav_value(column: dict[str, Any], option: str, answer: Any) -> Any:
    """An answer as SPSS holds it: a code, a 0/1, a number or text; None is missing."""
    kind = column["kind"]
    if kind == "multiple_choice":
        if not isinstance(answer, list):
            return None
        return 1 if option in answer else 0
    if kind in ("single_choice", "yes_no"):
        codes = {value: code for code, value in enumerate(column["values"], start=1)}
        return codes.get(str(answer)) if answer is not None else None
    if kind in ("scale", "number"):
        return answer if isinstance(answer, int | float) and not isinstance(answer, bool) else None
    return "" if answer is None else str(answer)


def _spss_name(name: str, taken: set[str]) -> str:
    """A valid, unused SPSS variable name: letters, digits and underscores, 64 at most."""
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "v"
    if not base[0].isalpha():
        base = "v_" + base
    base = base[:60]
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}_{number}"
    return candidate


def _naive_utc(moment: datetime | None) -> datetime | None:
    """A UTC time without its zone, which SPSS files cannot hold."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None)
