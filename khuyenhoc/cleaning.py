"""Characters nobody types, kept out of what visitors send and out of the spreadsheets we write.

A NUL byte cannot be stored by PostgreSQL (a 500 where SQLite stored it), and the other control
characters (``\\x01``, ``\\x1b``, ``\\x7f``, the C1 range) are never typed by people yet break
XLSX files (openpyxl refuses them, Excel calls the file damaged) and can hide text in logs.

- ``HostileInputMiddleware`` answers HTTP 400 with a readable page when the address or a posted
  field name or value carries a NUL (no form could keep it), and otherwise strips the control
  characters from every GET and POST value and name before any view or form reads them, so
  nothing a person typed is lost and every form, ours, Wagtail's and the form builder's, gets the
  same clean text. Tabs and line breaks stay: multi-line answers need them.
- ``parse_number`` reads points and scores as people type them, and nothing that is not a
  finite number of sane size.
- ``spreadsheet_text`` and ``csv_text`` are what every export writes: no control characters, and
  text a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return first) neutralised. ``SafeSpreadsheetExportMixin`` applies them to Wagtail's exports
  (snippet lists, form submissions), so rows stored before this cleaning never break a file.
"""

import re
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone surrogates;
# the two noncharacters XML 1.0 cannot carry.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def strip_controls(text):
    """``"An\\x01 \\x1bBình"`` → ``"An Bình"``; tabs and line breaks stay."""
    return CONTROL_CHARACTERS.sub("", text)


def parse_number(value):
    """A number as typed, ``17.5`` or ``17,5``, as a finite ``Decimal``; None for anything
    else (``NaN``, ``Infinity``, ``1e999999999``, words): ``Decimal`` reads those, and
    comparing or rounding them raises."""
    text = str(value if value is not None else "").strip().replace(",", ".")
    if not text or len(text) > 40:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number.adjusted()) > 20:
        return None
    return number


def is_formula(text):
    return text.startswith(FORMULA_STARTS)


def spreadsheet_text(value):
    """Any value as text a spreadsheet cell can hold."""
    return strip_controls(str(value))


def csv_text(value):
    """Text for a CSV cell: a leading apostrophe keeps a would-be formula as text (Excel shows
    the text without it, as for a typed apostrophe)."""
    text = spreadsheet_text(value)
    return "'" + text if is_formula(text) else text


def cleaned_query(query):
    """``query`` without control characters in its names and values; itself when clean."""
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(v) for v in values])
    return cleaned


def _has_nul(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class HostileInputMiddleware:
    """A NUL in the address or in a posted field (name or value): HTTP 400. Every other
    control character is stripped from GET and POST, and so is a NUL in a query string:
    searches, filters and lookups give their normal answer to what remains. Listed after
    ``LocaleMiddleware`` (the page is in the reader's language) and before
    ``CsrfViewMiddleware`` (which reads the cleaned POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        has_form = request.method == "POST" and request.content_type in FORM_CONTENT_TYPES
        if "\x00" in request.path or (
            # File fields by name only: reading an upload here would use it up.
            has_form and (_has_nul(request.POST) or any("\x00" in key for key in request.FILES))
        ):
            return bad_request(request)
        request.GET = cleaned_query(request.GET)
        if has_form:
            request.POST = cleaned_query(request.POST)
        return self.get_response(request)


def bad_request(request):
    """A page of its own, without the site's menus: they would read the refused address."""
    response = render(
        request,
        "400.html",
        {
            "message": _(
                "Your request contains characters that cannot be used (for example a null "
                "character). Please check what you typed and try again."
            )
        },
        status=400,
    )
    add_never_cache_headers(response)
    return response


class SafeSpreadsheetExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin``: every text cell goes through
    ``csv_text`` (CSV) or ``spreadsheet_text`` with Excel's quote prefix (XLSX)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, str):
            return value
        if export_format == self.FORMAT_CSV:
            return csv_text(value)
        return spreadsheet_text(value)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if isinstance(cell.value, str) and is_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
            yield cell
