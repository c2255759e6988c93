"""Anonymising a departed agent: identity gone, contributions kept, nothing broken."""

import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from experiments.models import Experiment
from intranet.accounts.anonymisation import (
    AnonymisationRefused,
    anonymise_agent,
    is_anonymised,
)
from intranet.accounts.models import Agent, AgentSession
from practices.models import PracticePage
from skills.models import PixCampaign, PixParticipation
from surveys.models import Answer, Invitation, Response
from surveys.results import survey_results

DEMO = "@ville-demo.fr"


def login_as(email):
    client = Client()
    client.force_login(Agent.objects.get(email=email))
    return client


def answer_named_survey(make_survey, agents, values):
    """A named survey answered by each agent with the matching value."""
    survey = make_survey(kinds=("recommendation",), anonymous=False, title="Bilan nominatif")
    question = survey.questions.get()
    for agent, value in zip(agents, values, strict=True):
        Invitation.objects.create(
            survey=survey, agent=agent, answered=True, answered_at=timezone.now()
        )
        response = Response.objects.create(
            survey=survey, agent=agent, department=agent.department, submitted_at=timezone.now()
        )
        Answer.objects.create(response=response, question=question, value=value)
    return survey


def figures(survey):
    results = survey_results(survey)
    recommendation = results.questions[0].recommendation
    return (
        results.invited,
        results.responses,
        recommendation.score,
        recommendation.answers,
        [bar.count for bar in results.questions[0].bars],
    )


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_after_anonymising_the_lead_every_page_she_touched_renders_without_her_identity(
    demo, make_survey
):
    lead = Agent.objects.get(email="cheffe.projet" + DEMO)
    old = ("Sarah Cohen", "Cohen", "cheffe.projet")
    experiments = list(Experiment.objects.filter(lead=lead))
    assert experiments
    # She revised a practice page, answered a named survey, and failed a login once.
    practice = PracticePage.objects.live().first()
    practice.save_revision(user=lead).publish()
    others = list(Agent.objects.filter(is_active=True, is_superuser=False).exclude(pk=lead.pk))
    survey = answer_named_survey(make_survey, [lead, *others[:5]], [10, 9, 9, 3, 7, 8])
    before = figures(survey)
    AccessAttempt.objects.create(
        username=lead.email,
        ip_address="192.0.2.7",
        user_agent="x",
        http_accept="*/*",
        path_info="/compte/connexion/",
        attempt_time=timezone.now(),
        failures_since_start=1,
    )
    her_browser = Client()
    her_browser.force_login(lead)
    Agent.objects.filter(pk=lead.pk).update(is_active=False)

    anonymise_agent(lead)

    lead.refresh_from_db()
    assert figures(survey) == before
    assert Response.objects.filter(survey=survey, agent__isnull=True).count() == 1
    assert not AccessAttempt.objects.filter(username__icontains="cheffe").exists()
    assert her_browser.get(reverse("my_data")).status_code == 302  # logged out everywhere
    pages = [
        ("commanditaire", reverse("experiments:detail", args=[experiment.pk]))
        for experiment in experiments
    ] + [
        ("commanditaire", reverse("experiments:my_tasks")),
        ("commanditaire", reverse("experiments:list")),
        ("claire.martin", practice.url),
        ("admin", reverse("surveys:results", args=[survey.pk])),
        ("admin", reverse("surveys:export_csv", args=[survey.pk])),
        ("admin", reverse("wagtailadmin_pages:history", args=[practice.pk])),
        ("admin", reverse("wagtailadmin_pages:edit", args=[practice.pk])),
        ("admin", reverse("accounts_departed")),
        ("referente.competences", reverse("dashboard:dashboard")),
        ("referente.competences", reverse("dashboard:export_csv")),
    ]
    for login, url in pages:
        response = login_as(login + DEMO).get(url)
        assert response.status_code == 200, (login, url, response.status_code)
        content = response.content.decode("utf-8", errors="replace")
        for trace in old:
            assert trace not in content, (login, url, trace)
    assert str(lead) in login_as("commanditaire" + DEMO).get(pages[0][1]).content.decode()


def test_identity_fields_are_erased_and_contributions_kept(make_agent, make_survey, department):
    manager = make_agent("Cheffe")
    departed = make_agent(
        "Dupont",
        first_name="Jeanne",
        email="jeanne.dupont@ville.test",
        external_id="M1234",
        job_title="Juriste",
        arrival_date=timezone.localdate(),
        manager=manager,
    )
    departed.groups.add(Group.objects.get(name="Éditeurs"))
    campaign = PixCampaign.objects.create(
        pix_id="1",
        code="C",
        name="Campagne",
        organisation="Ville",
        kind=PixCampaign.Kind.PROFILES_COLLECTION,
        imported_at=timezone.now(),
    )
    PixParticipation.objects.create(
        campaign=campaign,
        agent=departed,
        identity_key="k",
        last_name="Dupont",
        first_name="Jeanne",
        email="jeanne.dupont@ville.test",
        external_id="M1234",
        is_shared=True,
        pix_total=200,
    )
    AccessFailureLog.objects.create(
        username="jeanne.dupont@ville.test",
        ip_address="192.0.2.8",
        user_agent="x",
        http_accept="*/*",
        path_info="/",
    )
    open_survey = make_survey(kinds=("recommendation",), anonymous=False)
    Invitation.objects.create(survey=open_survey, agent=departed, reminded_at=timezone.now())
    departed.is_active = False
    departed.save()

    result = anonymise_agent(departed)

    agent = Agent.objects.get(pk=departed.pk)
    assert not result.already_done
    assert str(agent) == f"Agent anonymisé {agent.pk}"
    assert agent.email == f"agent-{agent.pk}@anonymise.invalid"
    assert is_anonymised(agent)
    assert agent.external_id is None
    assert agent.job_title == "" and agent.arrival_date is None and agent.manager is None
    assert not agent.has_usable_password() and not agent.is_active
    assert not agent.groups.exists()
    assert agent.department == department  # still counted in its department's figures
    participation = PixParticipation.objects.get()
    assert participation.agent == agent and participation.pix_total == 200
    assert "Dupont" not in participation.last_name and participation.email == ""
    assert participation.external_id == ""
    assert not AccessFailureLog.objects.exists()
    invitation = Invitation.objects.get()
    assert invitation.agent == agent and invitation.reminded_at is None
    assert not Client().login(username="jeanne.dupont@ville.test", password="motdepasse-solide")


def test_an_active_agent_is_refused_and_nothing_changes(agent):
    with pytest.raises(AnonymisationRefused, match="Claire Martin"):
        anonymise_agent(agent)
    agent.refresh_from_db()
    assert agent.email == "agent@ville.test" and agent.last_name == "Martin"


def test_a_superuser_is_refused_even_inactive(make_agent):
    boss = make_agent("Patron", is_superuser=True, is_staff=True, is_active=False)
    with pytest.raises(AnonymisationRefused, match="Patron"):
        anonymise_agent(boss)
    boss.refresh_from_db()
    assert boss.last_name == "Patron"


def test_anonymising_twice_changes_nothing_the_second_time(make_agent):
    departed = make_agent("Parti", is_active=False)
    anonymise_agent(departed)
    first = Agent.objects.values().get(pk=departed.pk)
    again = anonymise_agent(departed)
    assert again.already_done
    assert Agent.objects.values().get(pk=departed.pk) == first


def test_the_other_agents_sessions_survive(make_agent):
    departed = make_agent("Parti")
    colleague = make_agent("Reste")
    for agent in (departed, colleague):
        Client().force_login(agent)
    departed.is_active = False
    departed.save()
    anonymise_agent(departed)
    owners = [session.get_decoded().get("_auth_user_id") for session in AgentSession.objects.all()]
    assert owners == [str(colleague.pk)]


# The command


def test_the_command_finds_the_agent_by_matricule_or_email(make_agent):
    by_matricule = make_agent("Un", external_id="M1", is_active=False)
    by_email = make_agent("Deux", email="deux@ville.test", is_active=False)
    out = io.StringIO()
    call_command("anonymise_agent", "M1", stdout=out)
    call_command("anonymise_agent", "DEUX@ville.test", stdout=out)
    assert is_anonymised(Agent.objects.get(pk=by_matricule.pk))
    assert is_anonymised(Agent.objects.get(pk=by_email.pk))
    assert "Agent anonymisé" in out.getvalue()


@pytest.mark.parametrize("identifier", ["inconnu@ville.test", "M999", ""])
def test_the_command_refuses_an_unknown_agent(db, identifier):
    with pytest.raises(CommandError):
        call_command("anonymise_agent", identifier)


def test_the_command_refuses_an_active_agent_in_one_line(agent):
    with pytest.raises(CommandError) as refusal:
        call_command("anonymise_agent", agent.email)
    assert "\n" not in str(refusal.value)
    agent.refresh_from_db()
    assert agent.last_name == "Martin"


# The admin screen


@pytest.fixture
def superuser(make_agent):
    return make_agent("Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def departed(make_agent):
    return make_agent("Partie", first_name="Odile", is_active=False)


def test_a_superuser_lists_departed_agents_confirms_and_anonymises(
    client, superuser, departed, agent
):
    client.force_login(superuser)
    listing = client.get(reverse("accounts_departed")).content.decode()
    assert "Odile Partie" in listing
    assert "Claire Martin" not in listing  # active
    confirm = client.get(reverse("accounts_anonymise", args=[departed.pk]))
    assert confirm.status_code == 200
    assert not is_anonymised(Agent.objects.get(pk=departed.pk))  # GET changes nothing
    response = client.post(reverse("accounts_anonymise", args=[departed.pk]))
    assert response.status_code == 302
    assert is_anonymised(Agent.objects.get(pk=departed.pk))
    assert "Agent anonymisé" in client.get(response.url).content.decode()  # the message
    assert "Odile" not in client.get(reverse("accounts_departed")).content.decode()


def test_the_admin_screen_refuses_an_active_agent(client, superuser, agent):
    client.force_login(superuser)
    client.post(reverse("accounts_anonymise", args=[agent.pk]))
    agent.refresh_from_db()
    assert agent.last_name == "Martin"


@pytest.mark.parametrize("role", ["Éditeurs", "Modérateurs", "Référents compétences", None])
def test_anyone_but_a_superuser_is_refused(client, make_agent, departed, role):
    user = make_agent("Curieux", is_staff=role is not None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    for url in (reverse("accounts_departed"), reverse("accounts_anonymise", args=[departed.pk])):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(reverse("accounts_anonymise", args=[departed.pk]))
    assert response.status_code in (302, 403)
    assert not is_anonymised(Agent.objects.get(pk=departed.pk))


def test_the_anonymise_post_needs_the_csrf_token(superuser, departed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.post(reverse("accounts_anonymise", args=[departed.pk]))
    assert response.status_code == 403
    assert not is_anonymised(Agent.objects.get(pk=departed.pk))


def test_an_unknown_agent_is_a_404(client, superuser):
    client.force_login(superuser)
    assert client.post(reverse("accounts_anonymise", args=[999_999])).status_code == 404


def test_revisions_stay_attached_to_the_anonymised_agent(site, make_agent):
    editor = make_agent("Rédactrice", is_active=False)
    site.save_revision(user=editor)
    anonymise_agent(editor)
    assert Revision.objects.filter(user=editor).count() == 1
