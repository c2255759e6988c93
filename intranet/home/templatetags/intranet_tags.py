from django import template

from intranet.home.models import HomePage
from intranet.home.visibility import viewable_pages

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, below the site's home page."""
    request = context["request"]
    site_root = HomePage.objects.live().first()
    # Like every listing, the menu leaves out the pages this agent may not open.
    items = viewable_pages(request, site_root.get_children()).in_menu() if site_root else []
    return {"request": request, "site_root": site_root, "menu_items": items}


@register.simple_tag
def field_widget(field):
    """Render a form field's widget linked to its help text and errors (aria-describedby)."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
