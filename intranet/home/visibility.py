from wagtail.models import Page, PageViewRestriction


def viewable_pages(request, queryset=None):
    """Live pages, minus those behind a view restriction this agent does not pass."""
    pages = (queryset if queryset is not None else Page.objects.all()).live()
    for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
        "groups"
    ):
        if not restriction.accept_request(request):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
