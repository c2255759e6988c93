"""Issue 16 end to end: an agent's idea becomes an experiment, its action plan gives her an
action she marks done, three months later she answers the follow-up survey, and the practice
the experiment tested shows the follow-up as a point of its score over time. The browser
walks what people do (propose, adopt, mark done, answer, read); the middle stages are
advanced over HTTP by the tests' helpers, to keep the journey fast. Time moves by patching
timezone.now (the daily command and the live server see the same instant), never by sleeping.
"""

import contextlib
import datetime
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect
from wagtail.models import Page

from experiments.follow_ups import FOLLOW_UP_SURVEY_DAYS
from experiments.models import ActionItem, Experiment, Idea
from intranet.accounts.models import Agent
from surveys.models import Invitation, Question
from surveys.services import submit_response

from ..factories.accounts import AgentFactory
from ..support.experiments import framing, post_task
from ..support.followthrough import answers_for
from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-through")
TITLE = "Un micro de salle pour chaque réunion hybride"
ACTION = "Équiper les trois salles de réunion d'un micro"
PRACTICE_SLUG = "reunion-hybride"
COLLEAGUES = 5  # with Claire, more than the follow-up's minimum group size


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def no_capture(execute=True):
    """The helpers' on-commit capture: the live server's database commits, callbacks run."""
    return contextlib.nullcontext()


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def open_follow_ups():
    out = io.StringIO()
    call_command("open_follow_ups", stdout=out)
    return out.getvalue()


def advance_to_the_action_plan(experiment, practice, claire):
    """Framing, approval, launch, run, retrospective (everyone answers), synthesis, then an
    action plan whose only action is Claire's: as the lead and the sponsor would, over HTTP."""
    client = Client()
    lead = experiment.lead
    sponsor = Agent.objects.get(email="commanditaire@ville-demo.fr")
    colleagues = [
        AgentFactory(last_name=f"Collègue {number}", department=claire.department)
        for number in range(COLLEAGUES)
    ]

    def step(name, agent, data):
        response = post_task(client, agent, experiment, name, data, no_capture)
        assert response.status_code == 302, (
            name,
            response.context and response.context.get("form").errors,
        )

    step("frame", lead, framing(sponsor, title=TITLE, practices=[str(practice.pk)]))
    step("review", sponsor, {"decision": "approve"})
    step(
        "launch",
        lead,
        {
            "planned_start": "2026-12-01",
            "planned_end": "2027-01-31",
            "participant_emails": "\n".join(a.email for a in [claire, *colleagues]),
        },
    )
    step("run", lead, {"confirm": "on"})
    experiment.refresh_from_db()
    survey = experiment.retrospective_survey
    for number, invitation in enumerate(Invitation.objects.filter(survey=survey).order_by("pk")):
        submit_response(invitation, answers_for(survey, number))
    step("retrospective", lead, {"confirm": "on"})
    step("synthesis", lead, {"synthesis": "Le micro change tout.", "decision": "generalise"})
    step(
        "action_plan",
        lead,
        {
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-what": ACTION,
            "actions-0-owner_email": claire.email,
            "actions-0-due_date": "2027-03-01",
        },
    )
    experiment.refresh_from_db()
    return colleagues


@pytest.mark.parametrize(
    "viewport",
    [{"width": 375, "height": 812}, {"width": 1366, "height": 768}],
    ids=["375", "1366"],
)
def test_an_idea_is_followed_through_to_a_point_on_the_practice_s_trend(page, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    claire = Agent.objects.get(email="claire.martin@ville-demo.fr")
    practice = Page.objects.get(slug=PRACTICE_SLUG).specific

    # 1. Claire proposes the idea; the project lead adopts it and lands on the framing.
    login(page, claire.email)
    page.goto("/experimentations/idees/nouvelle/")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Une pratique").check()
    page.get_by_label("Le problème").fill("On n'entend pas la salle depuis chez soi.")
    page.get_by_label("Votre idée").fill("Un micro de salle omnidirectionnel.")
    page.get_by_label("Qui elle concerne").fill("Toutes les équipes en travail hybride.")
    page.get_by_role("button", name="Proposer").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    idea = Idea.objects.get(title=TITLE)
    page.context.clear_cookies()

    login(page, "cheffe.projet@ville-demo.fr")
    page.goto(f"/experimentations/idees/{idea.pk}/")
    page.get_by_role("link", name="Adopter : lancer une expérimentation").click()
    page.get_by_role("button", name="Adopter et lancer l'expérimentation").press("Enter")
    expect(page.get_by_label("Problème", exact=False).first).to_have_value(
        "On n'entend pas la salle depuis chez soi."
    )
    assert_accessible(page)
    shot(page, f"1-framing-{width}")
    experiment = Experiment.objects.get(title=TITLE)
    page.context.clear_cookies()

    # 2. The middle stages, server-side: the action plan gives Claire an action.
    colleagues = advance_to_the_action_plan(experiment, practice, claire)
    action = ActionItem.objects.get(what=ACTION)
    assert action.owner == claire

    # 3. Claire finds it in « Mes tâches », opens it and marks it done, by keyboard.
    login(page, claire.email)
    page.goto("/experimentations/taches/")
    expect(page.get_by_role("heading", name="Mes actions")).to_be_visible()
    actions = page.get_by_role("table", name="Les actions des plans d’action")
    expect(actions).to_contain_text(ACTION)
    assert_accessible(page)
    shot(page, f"2-tasks-{width}")
    actions.get_by_role("link", name=ACTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION)
    assert_accessible(page)
    page.get_by_role("radio", name="faite").check()
    page.get_by_label("Point d’avancement").fill("Les trois salles sont équipées.")
    page.get_by_role("button", name="Enregistrer").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Action mise à jour.")
    assert_accessible(page)
    shot(page, f"3-action-done-{width}")
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE

    # 4. Three months later the daily command opens the follow-up; Claire answers it from
    # « Mes questionnaires », her colleagues too (server-side), enough to reach k.
    follow_up = experiment.follow_ups.get(number=1)
    three_months = timezone.now() + datetime.timedelta(
        days=(follow_up.due_on - timezone.localdate()).days
    )
    with at(three_months):
        assert open_follow_ups().startswith("1 follow-ups opened")
        follow_up.refresh_from_db()
        survey = follow_up.survey
        assert survey.invitations.filter(agent=claire).exists()
        page.context.clear_cookies()  # her session of three months ago has expired
        login(page, claire.email)
        page.goto("/questionnaires/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes questionnaires")
        assert_accessible(page)
        shot(page, f"4-my-surveys-{width}")
        page.get_by_role("link", name=survey.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
        assert_accessible(page)
        for question in survey.questions.all():
            group = page.get_by_role("group", name=question.label)
            if question.kind == Question.Kind.SINGLE_CHOICE:
                group.get_by_label("Oui", exact=True).check()
            elif question.kind == Question.Kind.RECOMMENDATION:
                group.get_by_label("10", exact=True).check()
        shot(page, f"5-follow-up-survey-{width}")
        page.get_by_role("button", name="Envoyer mes réponses").press("Enter")
        expect(page.get_by_role("status")).to_contain_text(
            "Merci, vos réponses sont enregistrées."
        )
        assert survey.responses.count() == 1
        for colleague in colleagues:
            answers = {}
            for question in survey.questions.all():
                if question.kind == Question.Kind.SINGLE_CHOICE:
                    answers[question] = "Oui"
                elif question.kind == Question.Kind.RECOMMENDATION:
                    answers[question] = 10
            submit_response(Invitation.objects.get(survey=survey, agent=colleague), answers)
    assert survey.responses.count() >= survey.min_group_size
    # Still open, k answers or not, it is no point of the trend yet.
    page.goto(practice.url)
    expect(page.locator("section[aria-labelledby=trend-title] tbody tr").first).to_be_visible()
    expect(page.locator("tbody tr", has_text=survey.title)).to_have_count(0)

    # Past its closing date, the command closes it.
    closing = three_months + datetime.timedelta(days=FOLLOW_UP_SURVEY_DAYS + 1)
    with at(closing):
        assert open_follow_ups().endswith("1 follow-up surveys closed.\n")
    survey.refresh_from_db()
    assert survey.closed_at

    # 5. The practice's page: the follow-up is a point of « Le score au fil du temps ».
    page.goto(practice.url)
    section = page.locator("section[aria-labelledby=trend-title]")
    expect(section.get_by_role("heading", name="Le score au fil du temps")).to_be_visible()
    row = section.get_by_role("table").locator("tbody tr", has_text=survey.title)
    expect(row).to_have_count(1)
    closed_on = timezone.localtime(survey.closed_at).date()
    expect(row.locator("time")).to_have_attribute("datetime", closed_on.isoformat())
    expect(row.locator("time")).to_have_text(date_format(closed_on, "DATE_FORMAT"))
    expect(row.locator("td").first).to_have_text("+100")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert_accessible(page)
    shot(page, f"6-practice-trend-{width}")
