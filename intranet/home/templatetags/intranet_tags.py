from django import template

from intranet.home.chrome import menu

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, below the site's home page; like every listing, the
    menu leaves out the pages this agent may not open.
    """
    request = context["request"]
    home_url, items = menu(request)
    return {"request": request, "home_url": home_url, "menu_items": items}


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
