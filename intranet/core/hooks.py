"""The Wagtail hooks through which apps speak to the layers below them, and the items they
return. A lower layer calls a hook; the apps above register functions for it; nobody imports
upwards.

- ``ATTENTION_ITEMS``: functions (request) → [AttentionItem], the home page's "what needs my
  attention" block.
- ``PERSONAL_DATA``: functions (agent) → [PersonalDataSection], "Mes données" and its download,
  each built in a constant number of queries.
- ``AGENT_ANONYMISATION``: functions (agent) called inside the anonymisation's transaction, to
  detach or erase what an app holds about a departed agent.
- ``PRACTICE_TESTED_BY``: functions (request, practice page) → [TestedBy], what tested a
  practice (experiments).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from wagtail import hooks

ATTENTION_ITEMS = "register_attention_items"
PERSONAL_DATA = "register_personal_data"
AGENT_ANONYMISATION = "register_agent_anonymisation"
PRACTICE_TESTED_BY = "register_practice_tested_by"


@dataclass(frozen=True)
class AttentionItem:
    """Something for the agent to look at; ``action_label`` and ``action_url``: a second,
    direct link to what to do there (the journal's form of an experiment)."""

    title: str
    url: str
    description: str = ""
    action_label: str = ""
    action_url: str = ""


@dataclass(frozen=True)
class PersonalDataSection:
    """One kind of data about the agent: its records, why they are kept, how long."""

    key: str
    title: str
    purpose: str
    records: list = field(default_factory=list)
    note: str = ""

    def as_dict(self):
        return {
            "title": str(self.title),
            "purpose": str(self.purpose),
            "note": str(self.note),
            "count": len(self.records),
            "records": self.records,
        }


class TestedBy(NamedTuple):
    """Something that tested a practice, linked from the practice's page."""

    title: str
    url: str


def collected(hook_name, *args):
    """Every item the functions registered for ``hook_name`` return, in hook order."""
    return [item for provider in hooks.get_hooks(hook_name) for item in provider(*args)]


def attention_items(request):
    """Every item the installed apps want this agent to look at, in hook order."""
    return collected(ATTENTION_ITEMS, request)


def with_the_others_counted(items, total, title, url, description):
    """``items`` (the first ``total`` items of a list), then one item saying how many others
    there are and linking to them all; ``title(count)`` words it.
    """
    others = total - len(items)
    if others <= 0:
        return items
    return [*items, AttentionItem(title(others), url, description)]
