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
