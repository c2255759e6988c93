"""Which pages an agent may open: live, and not behind a view restriction they fail."""

from wagtail.models import Page

from .content import refused_restrictions


def viewable_pages(request, queryset=None):
    """Live pages, minus those behind a view restriction this agent does not pass."""
    pages = (queryset if queryset is not None else Page.objects.all()).live()
    for page in refused_restrictions(request):
        pages = pages.not_descendant_of(page, inclusive=True)
    return pages


def viewable_through(request, queryset, lookup):
    """Objects whose page at ``lookup`` (e.g. "session__training") this agent may open: as
    `viewable_pages`, with joins instead of a subquery, which PostgreSQL plans in half the time.
    """
    objects = queryset.filter(**{f"{lookup}__live": True})
    for page in refused_restrictions(request):
        objects = objects.exclude(**{f"{lookup}__path__startswith": page.path})
    return objects
