"""Site search that understands Vietnamese typed with or without diacritics.

Readers type "khuyen hoc" for "khuyến học" and "don vi" for "đơn vị". No search
backend folds Vietnamese completely on its own (SQLite's FTS5 leaves "ế" and "đ"
alone, PostgreSQL's ``unaccent`` depends on its rules file, Elasticsearch's
autocomplete search analyzer is fixed), so every searchable page indexes its text
together with a copy folded by ``khuyenhoc.text.fold`` and the site folds the query
the same way. Backend-side folding (the PostgreSQL configuration, the Elasticsearch
analyzer) comes on top of this, it is not relied upon.

A page type joins the site search by inheriting ``SearchablePage`` and declaring
``search_type``, ``search_type_label`` and ``search_date_field``; its ordinary
``search_fields`` are folded automatically.
"""

import re
import unicodedata
from functools import lru_cache

from django.apps import apps
from django.db.models import DateTimeField, F, Q
from django.db.models.functions import Cast, Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from khuyenhoc.text import fold

# Longer queries are cut: nobody types more, and every word costs the backend work.
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12
# Title words weigh this much more than body words (PostgreSQL weights, Elasticsearch boosts).
TITLE_BOOST = 10
SNIPPET_LENGTH = 240
# Long pages are only scanned this far for a snippet.
SNIPPET_SOURCE_LIMIT = 20_000


def _flatten(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_flatten(item) for item in value.values())
    return str(value)


def with_folded_copy(value):
    """The text followed by its folded copy when folding changes it."""
    text = _flatten(value).strip()
    folded = fold(text)
    return f"{text}\n{folded}" if folded != text else text


class FoldedSearchField(index.SearchField):
    """A ``SearchField`` whose indexed text carries its own folded copy.

    The field keeps its name, so the database backends still put ``title`` in the
    title column (and its boost still applies) and Elasticsearch keeps its mapping.
    """

    def get_value(self, obj):
        return with_folded_copy(super().get_value(obj))


class FoldedAutocompleteField(index.AutocompleteField):
    def get_value(self, obj):
        return with_folded_copy(super().get_value(obj))


def fold_search_fields(fields, title_boost=TITLE_BOOST):
    folded = []
    for field in fields:
        if type(field) is index.SearchField:
            boost = field.boost
            if field.field_name == "title":
                boost = max(boost or 1, title_boost)
            field = FoldedSearchField(field.field_name, boost=boost, **field.kwargs)
        elif type(field) is index.AutocompleteField:
            field = FoldedAutocompleteField(field.field_name, **field.kwargs)
        folded.append(field)
    return folded


class SearchablePage:
    """Mixin for page models that appear in the site search (put it before ``Page``).

    Declare:
    - ``search_type``: the value of the search page's type filter (``?loai=``);
      several models may share one (home and general pages are both "trang");
    - ``search_type_label``: what readers see for that type;
    - ``search_date_field``: the model field holding the date shown on a result, used
      for the year filter and for sorting by newest.
    """

    search_type = "trang"
    search_type_label = _("Page")
    search_date_field = "first_published_at"
    # Fields a result's snippet is cut from; by default every indexed field but the title.
    search_snippet_fields = None

    @classmethod
    def get_search_fields(cls):
        return fold_search_fields(super().get_search_fields())

    @property
    def search_date(self):
        return getattr(self, self.search_date_field)

    def search_snippet_source(self):
        """Plain text a result's snippet is cut from (the page's own words, not folded)."""
        if self.search_snippet_fields is not None:
            fields = [index.SearchField(name) for name in self.search_snippet_fields]
        else:
            fields = [
                field
                for field in type(self).get_searchable_search_fields()
                if field.field_name != "title"
            ]
        texts = []
        for field in fields:
            text = _flatten(index.SearchField.get_value(field, self)).strip()
            if text:
                texts.append(text)
        return " · ".join(texts)[:SNIPPET_SOURCE_LIMIT]


def searchable_models():
    """Every concrete page model that declared itself searchable, in a stable order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, SearchablePage) and not model._meta.abstract
        ),
        key=lambda model: model._meta.label,
    )


def search_types():
    """``[(value, label, [models])]`` in the order the filter shows them."""
    types = {}
    for model in searchable_models():
        value, label = model.search_type, model.search_type_label
        types.setdefault(value, (value, label, []))[2].append(model)
    return list(types.values())


def _date_lookup(model):
    """How to reach ``model``'s search date from ``Page``: its own column or a join."""
    from wagtail.models import Page

    field = model._meta.get_field(model.search_date_field)
    if field.model is Page or issubclass(Page, field.model):
        return model.search_date_field, True
    return f"{model._meta.model_name}__{model.search_date_field}", False


def search_date_expression():
    """One date per page whatever its type, for ``Page`` querysets (database backends)."""
    parts = []
    shared = False
    for model in searchable_models():
        lookup, on_page = _date_lookup(model)
        if on_page:
            shared = True
            continue
        parts.append(Cast(F(lookup), DateTimeField()))
    if shared or not parts:
        parts.append(F("first_published_at"))
    return Coalesce(*parts) if len(parts) > 1 else parts[0]


def year_filter(year, models):
    """A ``Q`` for ``Page`` selecting the pages of ``models`` dated in ``year``."""
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for model in models:
        lookup, on_page = _date_lookup(model)
        part = Q(**{f"{lookup}__year": year})
        if on_page:
            part &= Q(content_type=ContentType.objects.get_for_model(model))
        condition |= part
    return condition


# --- Queries ---------------------------------------------------------------------


def clean_query(raw):
    """What the reader typed, made safe to show and to keep: no control characters,
    single spaces, at most ``MAX_QUERY_LENGTH`` characters."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    printable = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


_WORD = re.compile(r"[^\W_]+")


def query_terms(query):
    """The folded, lower-case words of a query; punctuation and search syntax
    ("135/KH-UBND", quotes, AND, *, ^2) only separate words."""
    terms = []
    for term in _WORD.findall(fold(query).lower()):
        if term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def backend_query(query):
    """The text handed to the search backend: folded words separated by spaces."""
    return " ".join(query_terms(query))


# --- Highlighting ------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(ch):
    return fold(ch).lower()


class _FoldTable(dict):
    def __missing__(self, key):
        value = self[key] = _fold_char(chr(key))
        return value


_FOLD_TABLE = _FoldTable()


def folded_with_positions(text):
    """``text`` folded and lower-cased, with the index in ``text`` of each folded character.

    Vietnamese letters fold one for one, so usually the positions are the identity;
    anything else (decomposed marks, ligatures) is mapped character by character.
    """
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text):
        return folded, None
    pieces, positions = [], []
    for position, ch in enumerate(text):
        piece = _fold_char(ch)
        pieces.append(piece)
        positions.extend([position] * len(piece))
    return "".join(pieces), positions


def _term_pattern(terms):
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def match_spans(text, terms):
    """``(start, end)`` spans of ``text`` whose folded form is one of ``terms`` (whole words)."""
    if not text or not terms:
        return []
    folded, positions = folded_with_positions(text)
    spans = []
    for match in _term_pattern(terms).finditer(folded):
        start, end = match.start(), match.end()
        if positions is not None:
            start, end = positions[start], positions[end - 1] + 1
        spans.append((start, end))
    return spans


def _mark(text, spans, offset=0):
    pieces, cursor = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if start < cursor or start < 0 or end > len(text):
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def highlight(text, terms):
    """``text`` escaped, with the words matching ``terms`` in ``<mark>``."""
    return mark_safe(_mark(text or "", match_spans(text or "", terms)))  # noqa: S308


def snippet(text, terms, length=SNIPPET_LENGTH):
    """A passage of ``text`` around the first place where the most terms meet, escaped,
    with the matches in ``<mark>``; the start of the text when nothing matches."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    spans = match_spans(text, terms)
    start = 0
    if spans:
        best, best_count = spans[0][0], 0
        for first, _end in spans:
            window_terms = {
                text[s:e].lower() for s, e in spans if first <= s and e <= first + length
            }
            if len(window_terms) > best_count:
                best, best_count = first, len(window_terms)
        start = max(0, best - length // 4)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space != -1 and start - space < 30 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    body = _mark(text[start:end], [(s, e) for s, e in spans if s >= start and e <= end], start)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308
