"""What every page type of the intranet shares, on Wagtail's public API. Part of the kernel."""


class KnownViewRestrictions:
    """A page whose view restrictions its serving view may already know.

    Wagtail checks a page's view restrictions through ``Page.get_view_restrictions()`` (a
    documented, overridable method): one query for the page and its ancestors, one more for
    each restriction's groups. The serving view (``intranet/home/routing.py``) hands over the
    restrictions it read from the cache under the content version; any other instance asks
    Wagtail as usual.
    """

    known_view_restrictions = None

    def get_view_restrictions(self):
        if self.known_view_restrictions is not None:
            return self.known_view_restrictions
        return super().get_view_restrictions()
