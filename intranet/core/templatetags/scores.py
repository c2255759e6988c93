from django import template

from intranet.core.scores import format_score

register = template.Library()


@register.filter
def score(value):
    """A recommendation score as every page writes it: "+43", "0", "−12"."""
    return format_score(value)
