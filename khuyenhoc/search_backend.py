"""Wagtail's database search backend, with SQLite ranking that weighs titles and scales.

PostgreSQL and Elasticsearch honour ``SearchField(boost=...)``; the SQLite backend
ranks with FTS5's ``bm25()`` giving every column the same weight, then multiplies it
by a title-length factor, so a short title that does not match can outrank a long
one that does. Here the title column weighs ``TITLE_BOOST`` times the body and the
length factor is left out.

Wagtail also orders SQLite results by a correlated subquery that runs the full-text
match again for every matching row (seconds for 10,000 matches). Here the match runs
once: the scores of all matches come back in one query, the filtered page ids in
another, they are sorted in Python and only the requested slice is loaded.
Everything else is Wagtail's own.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "khuyenhoc.search_backend"}}``.
"""

from functools import cache

from modelsearch.backends.database import SearchBackend as database_backend

from khuyenhoc.search import TITLE_BOOST


@cache
def weighted_sqlite_classes():
    """Built on first use: the SQLite modules only import when the database is SQLite."""
    from django.db.models import F, FloatField, Func
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.query import MatchAll, Not, Phrase, PlainText
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.search.models import SQLiteFTSIndexEntry

    class WeightedBM25(Func):
        """``bm25()`` with the title weighted; the FTS5 columns are (autocomplete, body, title)."""

        output_field = FloatField()

        def as_sql(self, compiler, connection, **extra):
            table = SQLiteFTSIndexEntry._meta.db_table
            return f"bm25({table}, 0.0, 1.0, {float(TITLE_BOOST)})", []

    class RankOnceMixin:
        def ranked(self, config, start, stop):
            """The slice ``[start:stop]`` of the results by relevance, as a list."""
            query = normalize(self.query)
            if isinstance(query, (MatchAll, Not)):
                return list(self.search(config, start, stop))
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS,
                self.build_search_query(query, config=config),
            )
            entries = SQLiteFTSIndexEntry.objects.filter(match).filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
            )
            rank = self._build_rank_expression(self.get_search_vectors(), config)
            scores = dict(
                entries.annotate(score=rank).values_list("index_entry__object_id", "score")
            )
            pks = (
                self.queryset.filter(pk__in=entries.values("index_entry__object_id"))
                .order_by("-pk")
                .values_list("pk", flat=True)
            )
            # bm25() is negative, best first; the sort is stable, so ties stay newest first.
            chosen = sorted(pks, key=lambda pk: scores.get(str(pk), 0.0))[start:stop]
            objects = {obj.pk: obj for obj in self.queryset.filter(pk__in=chosen)}
            return [objects[pk] for pk in chosen if pk in objects]

    class WeightedSQLiteQueryCompiler(RankOnceMixin, SQLiteSearchQueryCompiler):
        def get_index_vectors(self):
            return [(F("index_entry__title"), 1.0)]

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            if isinstance(query, (Phrase, PlainText, Not)):
                return WeightedBM25() * boost if boost != 1.0 else WeightedBM25()
            return super().build_tsrank(vector, query, config=config, boost=boost)

    class WeightedSQLiteSearchResults(SQLiteSearchResults):
        def _do_search(self):
            compiler = self.query_compiler
            if (
                hasattr(compiler, "ranked")
                and compiler.order_by_relevance
                and not self._score_field
            ):
                return compiler.ranked(compiler.get_config(self.backend), self.start, self.stop)
            return super()._do_search()

        def _do_count(self):
            # Counting needs no order: leave out the per-row ranking subquery.
            compiler = self.query_compiler
            by_relevance, compiler.order_by_relevance = compiler.order_by_relevance, False
            try:
                return compiler.search(compiler.get_config(self.backend), None, None).count()
            finally:
                compiler.order_by_relevance = by_relevance

    class RankOnceAutocompleteCompiler(RankOnceMixin, SQLiteAutocompleteQueryCompiler):
        pass

    return WeightedSQLiteQueryCompiler, RankOnceAutocompleteCompiler, WeightedSQLiteSearchResults


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    """The database backend for the default database's vendor, as Wagtail picks it."""
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        (
            backend.query_compiler_class,
            backend.autocomplete_query_compiler_class,
            backend.results_class,
        ) = weighted_sqlite_classes()
    return backend
