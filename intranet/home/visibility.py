from wagtail.models import Page, PageViewRestriction


def restrictions_refused(request):
    """The pages behind a view restriction this agent does not pass; computed once per request,
    as a page often asks several times (related pages, the tool guide, the library).
    """
    refused = getattr(request, "_refused_restricted_pages", None)
    if refused is None:
        refused = [
            restriction.page
            for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
                "groups"
            )
            if not restriction.accept_request(request)
        ]
        request._refused_restricted_pages = refused
    return refused


def viewable_pages(request, queryset=None):
    """Live pages, minus those behind a view restriction this agent does not pass."""
    pages = (queryset if queryset is not None else Page.objects.all()).live()
    for page in restrictions_refused(request):
        pages = pages.not_descendant_of(page, inclusive=True)
    return pages
