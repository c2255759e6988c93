from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def page_in_title(number, count):
    """“ – page 2 of 5” from a list's second page on: each page of a list has its own title."""
    if not number or number < 2:
        return ""
    return " – " + _("page %(number)s of %(count)s") % {"number": number, "count": count}
