"""What the frame of every page shows that is the same for many agents: the main menu and the
footer's accessibility mention, cached under the content version (`intranet.core.content`)."""

from intranet.core.content import shared_content
from intranet.core.visibility import viewable_pages

from .models import AccessibilityStatementPage, HomePage


def menu(request):
    """The site's home and the top-level pages shown in menus that this agent may open:
    (home url or None, [(title, url)]).
    """

    def entries():
        site_root = HomePage.objects.live().first()
        if site_root is None:
            return (None, [])
        items = viewable_pages(request, site_root.get_children()).in_menu()
        return (
            site_root.get_url(request),
            [(item.title, item.get_url(request)) for item in items],
        )

    return shared_content(request, "menu", entries)


def accessibility_conformity(request):
    """The conformity state of the published accessibility statement (a code of
    `AccessibilityStatementPage.Conformity`), or "" without one: the footer's mention."""

    def state():
        return (
            AccessibilityStatementPage.objects.live().values_list("conformity", flat=True).first()
            or ""
        )

    return shared_content(request, "accessibility-conformity", state)
