"""Counting a page's queries when shared content is cached (`intranet.core.content`)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.core.content import raise_content_version


def visit_queries(client, url, params=None):
    """([queries of a visit right after a content change, of the next visit], last response).

    Both must stay the same whatever the size of the data: the first fills the shared caches,
    the next reads them.
    """
    client.get(url, params)  # what is cached for good (Wagtail's site root paths)
    raise_content_version()
    counts = []
    for _visit in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        counts.append(len(queries))
    return counts, response
