"""SQLite's search backend, where a word in a page's title ranks above the same word in its
body (FTS5's ``bm25()`` weighs every column alike unless told otherwise)."""

from wagtail.search.backends.database.sqlite.query import (
    BM25,
    Not,
    Phrase,
    PlainText,
    SQLiteFTSIndexEntry,
)
from wagtail.search.backends.database.sqlite.sqlite import (
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

# The full-text table's columns, in the order the search app's migration creates them
# (autocomplete, body, title); search() does not match the autocomplete column.
FTS_COLUMN_WEIGHTS = (0.0, 1.0, 10.0)


class TitleWeightedBM25(BM25):
    def as_sql(self, compiler, connection, function=None, template=None):
        weights = ", ".join(str(weight) for weight in FTS_COLUMN_WEIGHTS)
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []


class TitleWeightedQueryCompiler(SQLiteSearchQueryCompiler):
    def build_tsrank(self, vector, query, config=None, boost=1.0):
        if isinstance(query, (Phrase, PlainText, Not)):
            # bm25() is negative, the best match the lowest: results are ordered upward.
            return TitleWeightedBM25() * boost if boost != 1.0 else TitleWeightedBM25()
        return super().build_tsrank(vector, query, config=config, boost=boost)


class TitleWeightedSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = TitleWeightedQueryCompiler
