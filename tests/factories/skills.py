import datetime

import factory

from skills.models import CompetenceResult, PixCampaign, PixParticipation
from skills.pixfiles import PARIS


class PixCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PixCampaign

    pix_id = factory.Sequence(str)
    code = factory.LazyAttribute(lambda campaign: f"CODE{campaign.pix_id}")
    name = factory.LazyAttribute(lambda campaign: f"Campagne {campaign.pix_id}")
    organisation = "Ville"
    kind = PixCampaign.Kind.PROFILES_COLLECTION
    imported_at = datetime.datetime(2026, 1, 1, tzinfo=PARIS)


class PixParticipationFactory(factory.django.DjangoModelFactory):
    """A profile the agent shared (``pix_total`` left to the caller)."""

    class Meta:
        model = PixParticipation

    campaign = factory.SubFactory(PixCampaignFactory)
    identity_key = factory.LazyAttribute(
        lambda participation: f"{participation.campaign.pix_id}-{participation.agent.pk}"
    )
    last_name = factory.LazyAttribute(lambda participation: participation.agent.last_name)
    first_name = factory.LazyAttribute(lambda participation: participation.agent.first_name)
    external_id = factory.LazyAttribute(
        lambda participation: participation.agent.external_id or ""
    )
    is_shared = True


class CompetenceResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceResult

    level = 0
    pix = factory.LazyAttribute(lambda result: result.level * 8)
