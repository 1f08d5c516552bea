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

On PostgreSQL Wagtail matches ``title || body``, concatenating the two vectors of every
row, selects that concatenation for every matching row, and matches again to count. Here
each word is matched in the title or the body (the same rows, served by the GIN index of
each column, a third faster when everything matches), one query of ordered ids serves the
count and every page of results, ranked where the index entries are read (the join then
carries an id and a score, not both vectors of every match: a fifth faster when everything
matches), and a full rebuild ends with ``ANALYZE`` so the planner knows the rewritten index
at once instead of looping over every page until autovacuum comes by.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "khuyenhoc.search_backend"}}``.
"""

import operator
import re
from functools import cache, reduce

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


@cache
def postgres_classes():
    """Built on first use: the PostgreSQL modules only import when the database is PostgreSQL."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db import connections
    from django.db.models import F, Q
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresAutocompleteQueryCompiler,
        PostgresSearchAtomicRebuilder,
        PostgresSearchQueryCompiler,
        PostgresSearchRebuilder,
        PostgresSearchResults,
    )
    from modelsearch.query import Fuzzy, MatchAll, Not, PlainText
    from modelsearch.utils import get_descendants_content_types_pks

    entry_prefix = "index_entries__"

    def on_entry(value):
        """``F("index_entries__title")`` as ``F("title")``: the same column, read from the
        index entry table itself."""
        if isinstance(value, F) and value.name.startswith(entry_prefix):
            return F(value.name.removeprefix(entry_prefix))
        return value

    class FilterOnlyMixin:
        def search(self, config, start, stop, score_field=None, backend=None):
            query = self.query
            if isinstance(query, (MatchAll, Fuzzy)) or (
                isinstance(query, Not) and isinstance(query.subquery, MatchAll)
            ):
                return super().search(config, start, stop, score_field, backend)
            search_query = self.build_tsquery(query, config=config)
            vectors = self.get_search_vectors(search_query)
            rank = self._build_rank_expression(vectors, config)
            match = self.per_word_match(query, vectors, config)
            if match is not None:
                queryset = self.queryset.filter(match)
            else:
                combined = vectors[0][0]
                for vector, _boost in vectors[1:]:
                    combined = combined._combine(vector, "||", False)
                # alias(), not annotate(): matched by the GIN index, never sent back.
                queryset = self.queryset.alias(_vector_=combined).filter(_vector_=search_query)
            return self._apply_ordering_and_scoring(queryset, rank, start, stop, score_field)

        def per_word_match(self, query, vectors, config):
            """``title || body @@ 'a & b'`` as ``(title @@ 'a' OR body @@ 'a') AND (... 'b')``.

            The same rows for plain words, but PostgreSQL no longer concatenates the two
            vectors of every row (a third of the time of a query that matches everything),
            and the GIN indexes on each column still serve selective queries. Phrases and
            negations keep Wagtail's concatenated match.
            """
            if len(vectors) < 2 or not isinstance(query, PlainText):
                return None
            words = [word for word in re.split(r"[\s\-]+", query.query_string) if word]
            if not words:
                return None
            lookups = [vector.name for vector, _boost in vectors if isinstance(vector, F)]
            if len(lookups) != len(vectors):
                return None

            def anywhere(search_query):
                return reduce(operator.or_, (Q(**{lookup: search_query}) for lookup in lookups))

            if query.operator == "or":
                return anywhere(self.build_tsquery(query, config=config))
            return reduce(
                operator.and_,
                (anywhere(self.build_tsquery(PlainText(word), config=config)) for word in words),
            )

        def ranked_pks(self, config):
            """The ids of every match, best first, or None where Wagtail's query must run.

            ``SELECT ARRAY_AGG(id ORDER BY score DESC, id DESC) FROM (matching entries with
            their score OFFSET 0) JOIN (the filtered pages)``: ``OFFSET 0`` keeps PostgreSQL
            from flattening the entries' subquery, so the score is computed as each entry is
            read and the join hashes ids and scores instead of copying both vectors.
            """
            query = self.query
            if not self.order_by_relevance or self.fields is not None:
                return None
            if not isinstance(query, PlainText):
                return None
            search_query = self.build_tsquery(query, config=config)
            vectors = [
                (on_entry(vector), on_entry(boost))
                for vector, boost in self.get_index_vectors(search_query)
            ]
            match = self.per_word_match(query, vectors, config)
            if match is None:
                return None
            content_types = get_descendants_content_types_pks(self.queryset.model)
            entries = (
                IndexEntry._default_manager.filter(content_type_id__in=content_types)
                .filter(match)
                .annotate(score=self._build_rank_expression(vectors, config))
                .values_list("object_id", "score")
                .order_by()
            )
            pages = self.queryset.order_by().values_list("pk")
            entries_sql, entries_params = entries.query.sql_with_params()
            pages_sql, pages_params = pages.query.sql_with_params()
            sql = (
                "SELECT ARRAY_AGG(page.id ORDER BY entry.score DESC, page.id DESC) "
                f"FROM ({entries_sql} OFFSET 0) AS entry (object_id, score) "
                f"INNER JOIN ({pages_sql}) AS page (id) ON entry.object_id = page.id::text"
            )
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(sql, (*entries_params, *pages_params))
                return cursor.fetchone()[0] or []

    class QueryCompiler(FilterOnlyMixin, PostgresSearchQueryCompiler):
        pass

    class AutocompleteQueryCompiler(FilterOnlyMixin, PostgresAutocompleteQueryCompiler):
        pass

    class RankedOnceResults(PostgresSearchResults):
        """Counted and paged from one query: the ids of every match, in order.

        Wagtail matches and joins the pages twice, once to count and once for the page
        of results; here counting fetches the ordered ids (a few bytes each) once,
        shared by the clones the paginator makes, and only the requested slice is
        loaded. Results never counted (suggestions) keep Wagtail's ``LIMIT`` query.
        """

        def _ordered_pks(self):
            compiler = self.query_compiler
            if getattr(compiler, "ordered_pks", None) is None:
                config = compiler.get_config(self.backend)
                ids = compiler.ranked_pks(config)
                if ids is None:
                    matches = compiler.search(config, None, None, backend=self.backend)
                    # One array in one row: reading 10,000 rows of one id each costs more
                    # than the database takes to sort them.
                    ordering = matches.query.order_by
                    ids = matches.order_by().aggregate(ids=ArrayAgg("pk", order_by=ordering))
                    ids = ids["ids"] or []
                compiler.ordered_pks = ids
            return compiler.ordered_pks

        def _do_count(self):
            if self._score_field:
                return super()._do_count()
            return len(self._ordered_pks())

        def _do_search(self):
            if self._score_field or getattr(self.query_compiler, "ordered_pks", None) is None:
                return super()._do_search()
            chosen = self._ordered_pks()[self.start : self.stop]
            queryset = self.query_compiler.queryset.filter(pk__in=chosen)
            objects = {obj.pk: obj for obj in queryset}
            return [objects[pk] for pk in chosen if pk in objects]

    def analyze(index):
        table = index.entries.model._meta.db_table
        with index.write_connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")

    class Rebuilder(PostgresSearchRebuilder):
        def finish(self):
            super().finish()
            analyze(self.index)

    class AtomicRebuilder(PostgresSearchAtomicRebuilder):
        def finish(self):
            super().finish()
            analyze(self.index)

    return QueryCompiler, AutocompleteQueryCompiler, RankedOnceResults, Rebuilder, AtomicRebuilder


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    """The database backend for the default database's vendor, as Wagtail picks it."""
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        (
            backend.query_compiler_class,
            backend.autocomplete_query_compiler_class,
            backend.results_class,
        ) = weighted_sqlite_classes()
    elif type(backend).__name__ == "PostgresSearchBackend":
        compiler, autocomplete, results, rebuilder, atomic_rebuilder = postgres_classes()
        backend.query_compiler_class = compiler
        backend.autocomplete_query_compiler_class = autocomplete
        backend.results_class = results
        backend.atomic_rebuilder_class = atomic_rebuilder
        atomic = params.get("ATOMIC_REBUILD", True)
        backend.rebuilder_class = atomic_rebuilder if atomic else rebuilder
    return backend
