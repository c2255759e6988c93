"""The "what needs my attention" block of the home page.

Apps contribute items through the ``register_attention_items`` Wagtail hook: a function
taking the request and returning a list of :class:`AttentionItem`. The home page never
imports the apps, so dependencies keep pointing towards ``intranet``.
"""

from dataclasses import dataclass

from wagtail import hooks

HOOK_NAME = "register_attention_items"


@dataclass(frozen=True)
class AttentionItem:
    title: str
    url: str
    description: str = ""


def attention_items(request):
    """Every item the installed apps want this agent to look at, in hook order."""
    items = []
    for provider in hooks.get_hooks(HOOK_NAME):
        items.extend(provider(request))
    return items


def with_the_others_counted(items, total, title, url, description):
    """``items`` (the first ``total`` items of a list), then one item saying how many others
    there are and linking to them all; ``title(count)`` words it.
    """
    others = total - len(items)
    if others <= 0:
        return items
    return [*items, AttentionItem(title(others), url, description)]
