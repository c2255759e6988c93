"""Site search: Wagtail's database backend, where a word in a page's title ranks above the
same word in its body on SQLite as it does on PostgreSQL, and a page is found by its kind.

PostgreSQL ranks the title vector above the body one. SQLite's backend ranks with FTS5's
``bm25()`` over every column alike: a step of the onboarding path that mentioned "visio"
ranked with the training of that title. Named in WAGTAILSEARCH_BACKENDS; after a change of
what is indexed, existing sites run ``manage.py update_index``.
"""

from django.db import connection
from wagtail.search import index
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend
from wagtail.search.backends.database.fallback import DatabaseSearchBackend as FallbackBackend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    backend = DatabaseSearchBackend(params)
    if connection.vendor == "sqlite" and not isinstance(backend, FallbackBackend):
        # Imported here: its full-text model exists on SQLite only.
        from .sqlite_search import TitleWeightedSQLiteSearchBackend

        return TitleWeightedSQLiteSearchBackend(params)
    return backend


class KindField(index.SearchField):
    """The words naming a page's kind (its ``search_kind()``), indexed with its title:
    "formation" finds every training as if the word were in its title. The database
    backends put every search field named "title" in the title column; Page's own title
    field stays, as Wagtail's checks ask."""

    def __init__(self, boost=2):
        super().__init__("title", boost=boost)

    def get_value(self, obj):
        return obj.search_kind()
