"""Helpers shared by the skills tests: the people of the PIX fixtures, direct data builders."""

import datetime
from pathlib import Path

from django.contrib.auth.models import Group

from skills.framework import COMPETENCES
from skills.models import Competence, CompetenceResult, PixCampaign, PixParticipation
from skills.pixfiles import PARIS

from ..factories.accounts import AgentFactory, DepartmentFactory
from ..factories.skills import CompetenceResultFactory, PixCampaignFactory, PixParticipationFactory

PIX_FILES = Path(__file__).parent.parent / "data" / "pix"
CODES = [code for code, _name in COMPETENCES]


def pix_file(name):
    return (PIX_FILES / name).read_bytes()


def fixture_agents():
    """The agents the files of tests/data/pix speak about (two namesakes included)."""
    direction = DepartmentFactory(name="Direction de l'espace public")
    service = DepartmentFactory(name="Service voirie", parent=direction)
    people = [
        ("004512", "Claire", "Martin", "claire.martin@ville.test"),
        ("004513", "Hélène", "Dupré-Lefèvre", "helene.dupre@ville.test"),
        ("004514", "Karim", "Benali", "karim.benali@ville.test"),
        ("004515", "Léa", "Nguyen", "lea.nguyen@ville.test"),
        ("004516", "Thomas", "Petit", "thomas.petit@ville.test"),
        ("004517", "Thomas", "Petit", "thomas.petit2@ville.test"),
    ]
    return {
        email.split("@")[0]: AgentFactory(
            email=email,
            first_name=first,
            last_name=last,
            external_id=matricule,
            department=service,
        )
        for matricule, first, last, email in people
    }


def database_state():
    """Every row the skills app writes, to show that a refused import changed nothing."""
    return (
        list(PixCampaign.objects.order_by("pk").values()),
        list(PixParticipation.objects.order_by("pk").values()),
        list(CompetenceResult.objects.order_by("pk").values()),
    )


def make_campaign(pix_id, name, kind=PixCampaign.Kind.PROFILES_COLLECTION):
    return PixCampaignFactory(pix_id=pix_id, name=name, kind=kind)


def make_profiles(campaign, levels_by_agent, day):
    """Shared profiles, straight into the database: {agent: {code: level}} (others: 0)."""
    participations = PixParticipation.objects.bulk_create(
        PixParticipationFactory.build(
            campaign=campaign,
            agent=agent,
            shared_at=datetime.datetime.combine(day, datetime.time(10), PARIS),
            pix_total=sum(levels.values()) * 8,
        )
        for agent, levels in levels_by_agent.items()
    )
    competences = dict(Competence.objects.values_list("code", "pk"))
    CompetenceResult.objects.bulk_create(
        CompetenceResultFactory.build(
            participation=participation,
            competence_id=competences[code],
            level=levels.get(code, 0),
        )
        for participation, levels in zip(participations, levels_by_agent.values(), strict=True)
        for code in CODES
    )
    return participations


def skills_officer(email="referente@ville.test"):
    officer = AgentFactory(email=email, first_name="Lucie", last_name="")
    officer.groups.add(Group.objects.get(name="Référents compétences"))
    return officer
