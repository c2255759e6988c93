"""What the intranet holds about an agent: the "My data" page and its JSON download.

Apps contribute their sections through the ``PERSONAL_DATA`` hook (`intranet.core.hooks`):
accounts never imports the apps.
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from intranet.core.hooks import PERSONAL_DATA, collected


def personal_data_sections(agent):
    """Every section the installed apps hold about this agent, in hook order."""
    return collected(PERSONAL_DATA, agent)


def personal_data_document(agent, sections=None):
    """The whole export, ready for JSON: one entry per section, keyed by its ``key``."""
    sections = personal_data_sections(agent) if sections is None else sections
    return {
        "intranet": settings.WAGTAIL_SITE_NAME,
        "generated_at": timezone.now(),
        "agent_id": agent.pk,
        "sections": {section.key: section.as_dict() for section in sections},
    }


class LocalTimeJSONEncoder(DjangoJSONEncoder):
    """Times in the city's time zone, with their offset: people read the file too."""

    def default(self, o):
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


def personal_data_json(agent):
    return json.dumps(
        personal_data_document(agent), cls=LocalTimeJSONEncoder, ensure_ascii=False, indent=2
    )
