from django import template
from django.urls import reverse

from intranet.home.chrome import accessibility_conformity, menu
from intranet.home.models import AccessibilityStatementPage

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, below the site's home page; like every listing, the
    menu leaves out the pages this agent may not open.
    """
    request = context["request"]
    home_url, items = menu(request)
    return {"request": request, "home_url": home_url, "menu_items": items}


@register.inclusion_tag("includes/accessibility_mention.html", takes_context=True)
def accessibility_mention(context):
    """The mention the law wants on every page: « Accessibilité : partiellement conforme »,
    the state of the published statement, linking to it ("non conforme" without one)."""
    state = accessibility_conformity(context["request"])
    Conformity = AccessibilityStatementPage.Conformity
    return {
        "state": Conformity(state).label if state else Conformity.NONE.label,
        "url": reverse("accessibility_statement") if state else None,
    }
