"""Streamed XLSX and CSV exports of the filtered applications list.

The export starts from the list's own query: the user's areas (``workflow.visible``), the same
filters (``ApplicationFilterSet``), search and sorting. It never holds the result whole: rows
come from the database ``CHUNK`` at a time with their reviewers' scores (one query per chunk),
and each chunk leaves as bytes before the next is read, so 100,000 applications stream in
little memory.

No library streams XLSX, so the workbook is written here: a zip written progressively to an
unseekable stream (zipfile then writes each entry's sizes after its data) with only the parts
Excel and openpyxl need: inline strings, a bold frozen heading row, dates as dates.

Reviewers' scores: always one text column ("1: 18; 2: 20; 3: 15", criterion code and points);
when the list is filtered to one learning title, also one number column per criterion code of
that title's criteria sets, to sort and add up in a spreadsheet.

Text a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return)
is neutralised in both formats: CSV gets a leading apostrophe, XLSX marks the cell "quote
prefix" (what Excel does with a typed apostrophe), so both show the same text, as text
(``khuyenhoc.cleaning``, shared with every other export).
"""

import csv
import datetime
import io
import logging
import re
import time
import zipfile
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access

from forms_app import workflow
from forms_app.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Criterion,
    LearningTitle,
    ReviewScore,
)
from khuyenhoc.cleaning import csv_text, is_formula, spreadsheet_text

from .filters import ApplicationFilterSet, search_condition

logger = logging.getLogger(__name__)

CHUNK = 2000
TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"
_SHEET_NAME_JUNK = re.compile(r"[\[\]:*?/\\]")

VALUES = [
    "id",
    "code",
    "learning_title",
    "kind",
    "status",
    "applicant_name",
    "phone",
    "email",
    "province__name",
    "commune__name",
    "hamlet",
    "submitted_at",
    "self_total",
    "self_rating",
    "review_total",
    "review_rating",
    "decision_number",
    "decision_date",
    "valid_until",
    "certificate_code",
]
SCORES = "scores"
# The columns: a model field (its name is the heading) or SCORES, the kind, the width.
COLUMNS = [
    ("code", TEXT, 18),
    ("learning_title", TEXT, 20),
    ("kind", TEXT, 20),
    ("status", TEXT, 22),
    ("applicant_name", TEXT, 32),
    ("phone", TEXT, 14),
    ("email", TEXT, 28),
    ("province", TEXT, 18),
    ("commune", TEXT, 22),
    ("hamlet", TEXT, 20),
    ("submitted_at", DATETIME, 17),
    ("self_total", NUMBER, 12),
    ("self_rating", TEXT, 14),
    ("review_total", NUMBER, 12),
    ("review_rating", TEXT, 14),
    (SCORES, TEXT, 30),
    ("decision_number", TEXT, 18),
    ("decision_date", DATE, 12),
    ("valid_until", DATE, 12),
    ("certificate_code", TEXT, 17),
]


def _may_export(user):
    return user.is_active and (user.is_superuser or user.has_perm("forms_app.view_application"))


def _ordering(request):
    """The list's sorting when it is by one of its sortable columns (empty values last, as
    there), newest first otherwise."""
    from .viewsets import ApplicationViewSet

    keys = {
        column if isinstance(column, str) else getattr(column, "sort_key", None)
        for column in ApplicationViewSet.list_display
    }
    ordering = request.GET.get("ordering", "")
    field = ordering.lstrip("-")
    if not field or field not in keys:
        return ["-submitted_at", "-pk"]
    if ordering.startswith("-"):
        return [F(field).desc(nulls_last=True), "-pk"]
    return [F(field).asc(nulls_last=True), "-pk"]


def _criterion_codes(title):
    codes = {}
    for code in (
        Criterion.objects.filter(criteria_set__title=title)
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    ):
        codes.setdefault(code, None)
    return list(codes)


def _number(value):
    """``18`` rather than ``18.0``; ``18.5`` stays."""
    return str(int(value)) if value == value.to_integral_value() else str(value)


class Export:
    """What the files hold, decided while the request is served (headings and labels in the
    user's language, dates in their time zone); the rows are read only as the file streams."""

    def __init__(self, queryset, codes):
        self.queryset = queryset
        self.codes = codes
        self.tz = timezone.get_current_timezone()
        self.labels = {
            key: {value: str(label) for value, label in choices}
            for key, choices in [
                ("learning_title", LearningTitle.choices),
                ("kind", ApplicationKind.choices),
                ("status", ApplicationStatus.choices),
            ]
        }
        self.headings, self.kinds, self.widths = [], [], []
        for name, kind, width in COLUMNS:
            if name == SCORES:
                heading = _("Reviewers' scores by criterion")
            else:
                heading = capfirst(str(Application._meta.get_field(name).verbose_name))
            self._column(heading, kind, width)
        for code in codes:
            self._column(_("Criterion %(code)s (reviewers)") % {"code": code}, NUMBER, 12)
        self.count = 0

    def _column(self, heading, kind, width):
        self.headings.append(heading)
        self.kinds.append(kind)
        self.widths.append(width)

    def chunks(self):
        """Lists of rows, ``CHUNK`` at a time, each with one query for its scores."""
        rows = self.queryset.values(*VALUES).iterator(chunk_size=CHUNK)
        while chunk := list(islice(rows, CHUNK)):
            scores = {}
            for application_id, code, points in (
                ReviewScore.objects.filter(application_id__in=[row["id"] for row in chunk])
                .order_by("application_id", "criterion__sort_order", "criterion_id")
                .values_list("application_id", "criterion__code", "points")
            ):
                scores.setdefault(application_id, []).append((code, points))
            self.count += len(chunk)
            yield [self._row(row, scores.get(row["id"], [])) for row in chunk]

    def _row(self, row, scores):
        labels = self.labels
        submitted = row["submitted_at"]
        if submitted is not None:
            submitted = timezone.localtime(submitted, self.tz).replace(tzinfo=None)
        cells = [
            row["code"],
            labels["learning_title"].get(row["learning_title"], row["learning_title"]),
            labels["kind"].get(row["kind"], row["kind"]),
            labels["status"].get(row["status"], row["status"]),
            row["applicant_name"],
            row["phone"],
            row["email"],
            row["province__name"],
            row["commune__name"],
            row["hamlet"],
            submitted,
            row["self_total"],
            row["self_rating"],
            row["review_total"],
            row["review_rating"],
            "; ".join(f"{code}: {_number(points)}" for code, points in scores),
            row["decision_number"],
            row["decision_date"],
            row["valid_until"],
            row["certificate_code"],
        ]
        if self.codes:
            by_code = dict(scores)
            cells += [by_code.get(code) for code in self.codes]
        return cells


# --- CSV ------------------------------------------------------------------------------------


def _csv_cell(value, kind):
    if value is None:
        return ""
    if kind == NUMBER:
        return _number(value)
    if kind == DATE:
        return value.isoformat()
    if kind == DATETIME:
        return value.strftime("%Y-%m-%d %H:%M")
    return csv_text(value)


def _csv(export):
    """UTF-8 with a byte order mark, so Excel reads the Vietnamese letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take():
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data.encode("utf-8")

    writer.writerow(export.headings)
    yield "\ufeff".encode() + take()
    kinds = export.kinds
    for rows in export.chunks():
        writer.writerows([_csv_cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows)
        yield take()


# --- XLSX -----------------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Cell styles (indexes into cellXfs below).
S_HEADING, S_DATE, S_DATETIME, S_QUOTED = 1, 2, 3, 4
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)

CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet_name):
    name = _SHEET_NAME_JUNK.sub("", spreadsheet_text(sheet_name))[:31] or "Sheet1"
    return (
        XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Pipe:
    """Where zipfile writes: without ``tell`` or ``seek`` it streams, and the bytes wait here
    until the response takes them."""

    def __init__(self):
        self._parts = []

    def write(self, data):
        self._parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _text_cell(ref, value, style=0):
    text = spreadsheet_text(value)
    if not style and is_formula(text):
        style = S_QUOTED
    space = ' xml:space="preserve"' if text != text.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{escape(text)}</t></is></c>'


def _xlsx_row(number, row, kinds, letters):
    cells = []
    for letter, value, kind in zip(letters, row, kinds, strict=True):
        if value is None or value == "":
            continue
        ref = f"{letter}{number}"
        if kind == TEXT:
            cells.append(_text_cell(ref, value))
        elif kind == NUMBER:
            cells.append(f'<c r="{ref}"><v>{_number(value)}</v></c>')
        elif kind == DATE:
            days = (value - EXCEL_EPOCH.date()).days
            cells.append(f'<c r="{ref}" s="{S_DATE}"><v>{days}</v></c>')
        else:
            # To the nearest second, as the cell shows it: ten decimals of a day keep whole
            # seconds exact (six, as before, rounded them to 0.09 s after truncating).
            seconds = round((value - EXCEL_EPOCH).total_seconds())
            cells.append(f'<c r="{ref}" s="{S_DATETIME}"><v>{seconds / 86400:.10f}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _xlsx(export, sheet_name):
    letters = [_column_letter(i) for i in range(len(export.headings))]
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(export.widths, start=1)
    )
    head = (
        XML_HEAD + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f"<cols>{columns}</cols><sheetData>"
        '<row r="1">'
        + "".join(
            _text_cell(f"{letter}1", heading, S_HEADING)
            for letter, heading in zip(letters, export.headings, strict=True)
        )
        + "</row>"
    )
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head.encode())
            yield pipe.take()
            number = 1
            for rows in export.chunks():
                parts = []
                for row in rows:
                    number += 1
                    parts.append(_xlsx_row(number, row, export.kinds, letters))
                sheet.write("".join(parts).encode())
                yield pipe.take()
            sheet.write(b"</sheetData></worksheet>")
    yield pipe.take()


# --- The view -------------------------------------------------------------------------------

FORMATS = {
    "csv": ("text/csv; charset=utf-8", _csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
}


def _logged(stream, export, user, fmt, query):
    started = time.monotonic()
    yield from stream
    logger.info(
        "Applications exported as %s by %s (%s): %d rows in %.1f s",
        fmt,
        user.get_username(),
        query or "no filter",
        export.count,
        time.monotonic() - started,
    )


@require_admin_access
def export(request, fmt):
    """The applications the list shows (same areas, filters, search, order), as a file."""
    if fmt not in FORMATS:
        raise Http404
    if not _may_export(request.user):
        raise PermissionDenied
    queryset = workflow.visible(Application.objects.all(), request.user)
    filterset = ApplicationFilterSet(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = "; ".join(
            f"{filterset.form.fields[name].label if name in filterset.form.fields else name}: "
            + " ".join(messages)
            for name, messages in filterset.errors.items()
        )
        return HttpResponse(
            _("The export was not made: some filters are not valid (%(errors)s).")
            % {"errors": errors},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    queryset = filterset.qs
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(search_condition(query))
    queryset = queryset.order_by(*_ordering(request))
    title = filterset.form.cleaned_data.get("learning_title")
    data = Export(queryset, _criterion_codes(title) if title else [])
    content_type, writer = FORMATS[fmt]
    if fmt == "xlsx":
        stream = writer(data, capfirst(str(Application._meta.verbose_name_plural)))
    else:
        stream = writer(data)
    # The filters go to the log, not what was searched for (a name, a phone number).
    logged_query = request.GET.copy()
    if query:
        logged_query["q"] = "..."
    response = StreamingHttpResponse(
        _logged(stream, data, request.user, fmt, logged_query.urlencode()),
        content_type=content_type,
    )
    filename = f"ho-so-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
