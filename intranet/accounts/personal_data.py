"""What the intranet holds about an agent: the "My data" page and its JSON download.

Apps contribute their sections through the ``register_personal_data`` Wagtail hook: a
function taking the agent and returning a list of :class:`PersonalDataSection`, each built
in a constant number of queries. accounts never imports the apps, so dependencies keep
pointing towards ``intranet``.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from wagtail import hooks

HOOK_NAME = "register_personal_data"


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


def personal_data_sections(agent):
    """Every section the installed apps hold about this agent, in hook order."""
    sections = []
    for provider in hooks.get_hooks(HOOK_NAME):
        sections.extend(provider(agent))
    return sections


def personal_data_document(agent, sections=None):
    """The whole export, ready for JSON: one entry per section, keyed by its ``key``."""
    sections = personal_data_sections(agent) if sections is None else sections
    return {
        "intranet": settings.WAGTAIL_SITE_NAME,
        "generated_at": timezone.now(),
        "agent_id": agent.pk,
        "sections": {section.key: section.as_dict() for section in sections},
    }


def personal_data_json(agent):
    return json.dumps(
        personal_data_document(agent), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
