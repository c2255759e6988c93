"""Retention: surveys closed for SURVEY_RETENTION_MONTHS lose what links them to agents."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from intranet.accounts.models import Agent
from surveys.models import Answer, Invitation, Response, Survey
from surveys.results import survey_results
from surveys.retention import months_before, purge_survey_personal_data

NOW = timezone.make_aware(datetime.datetime(2027, 3, 15, 12, 0))
CUTOFF = timezone.make_aware(datetime.datetime(2026, 3, 15, 12, 0))  # 12 months before NOW
MINUTE = datetime.timedelta(minutes=1)


def closed_survey(make_survey, agents, closed_at, anonymous=False, values=(10, 9, 8, 6, 2)):
    """A survey closed at `closed_at`, every agent invited; the first len(values) answered."""
    survey = make_survey(
        kinds=("recommendation",),
        anonymous=anonymous,
        title=f"Clos le {closed_at:%Y-%m-%d %H:%M}",
        opens_at=closed_at - datetime.timedelta(days=30),
        closes_at=closed_at,
    )
    Survey.objects.filter(pk=survey.pk).update(closed_at=closed_at)
    survey.refresh_from_db()
    survey.audience_agents.set(agents)
    survey.save()  # a parental many-to-many is written on save
    question = survey.questions.get()
    for index, agent in enumerate(agents):
        answered = index < len(values)
        Invitation.objects.create(
            survey=survey,
            agent=agent,
            answered=answered,
            answered_at=closed_at - datetime.timedelta(days=1)
            if answered and not anonymous
            else None,
        )
        if answered:
            response = Response.objects.create(
                survey=survey,
                agent=None if anonymous else agent,
                department=agent.department.parent or agent.department,
                submitted_at=closed_at - datetime.timedelta(days=1),
            )
            Answer.objects.create(response=response, question=question, value=values[index])
    return survey


def figures(survey):
    results = survey_results(Survey.objects.get(pk=survey.pk))
    question = results.questions[0]
    return (
        results.invited,
        results.responses,
        question.recommendation.score,
        [bar.count for bar in question.bars],
        [(direction.name, direction.responses) for direction in results.directions],
    )


@pytest.fixture
def agents(make_agent):
    return [make_agent(f"Agent{index}") for index in range(7)]


def test_a_survey_closed_just_over_the_retention_is_purged_one_just_inside_is_not(
    make_survey, agents
):
    outside = closed_survey(make_survey, agents, CUTOFF - MINUTE)
    inside = closed_survey(make_survey, agents, CUTOFF + MINUTE)
    before = figures(outside), figures(inside)

    report = purge_survey_personal_data(now=NOW)

    assert [purge.survey.pk for purge in report.surveys] == [outside.pk]
    assert report.invitations == 7 and report.named_responses == 5
    assert not Invitation.objects.filter(survey=outside).exists()
    assert Invitation.objects.filter(survey=inside).count() == 7
    assert not Response.objects.filter(survey=outside, agent__isnull=False).exists()
    assert Response.objects.filter(survey=inside, agent__isnull=False).count() == 5
    assert not Survey.objects.get(pk=outside.pk).audience_agents.exists()
    assert Survey.objects.get(pk=inside.pk).audience_agents.count() == 7
    assert Answer.objects.filter(response__survey=outside).count() == 5
    assert (figures(outside), figures(inside)) == before  # scores, counts, directions


def test_the_retention_comes_from_the_setting(make_survey, agents, settings):
    survey = closed_survey(make_survey, agents, NOW - datetime.timedelta(days=100))
    settings.SURVEY_RETENTION_MONTHS = 4
    assert purge_survey_personal_data(now=NOW).surveys == []
    settings.SURVEY_RETENTION_MONTHS = 3
    assert [purge.survey for purge in purge_survey_personal_data(now=NOW).surveys] == [survey]


def test_a_survey_past_its_closing_date_but_not_closed_yet_counts_as_closed(make_survey, agents):
    survey = closed_survey(make_survey, agents, CUTOFF - MINUTE)
    Survey.objects.filter(pk=survey.pk).update(closed_at=None)
    assert len(purge_survey_personal_data(now=NOW).surveys) == 1


def test_an_open_survey_and_a_survey_closed_early_but_lately_are_kept(make_survey, agents):
    still_open = closed_survey(make_survey, agents, NOW + datetime.timedelta(days=3))
    Survey.objects.filter(pk=still_open.pk).update(closed_at=None)
    # Planned to close long ago? No: closed by hand yesterday, planned for later.
    closed_early = closed_survey(make_survey, agents, NOW - datetime.timedelta(days=1))
    assert purge_survey_personal_data(now=NOW).surveys == []
    assert Invitation.objects.filter(survey__in=[still_open, closed_early]).count() == 14


def test_the_purge_is_idempotent(make_survey, agents):
    survey = closed_survey(make_survey, agents, CUTOFF - MINUTE, anonymous=True)
    before = figures(survey)
    purge_survey_personal_data(now=NOW)
    again = purge_survey_personal_data(now=NOW)
    assert again.surveys == []
    assert Survey.objects.get(pk=survey.pk).purged_invitations == 7
    assert figures(survey) == before


def test_the_dry_run_prints_what_would_go_and_deletes_nothing(make_survey, agents):
    survey = closed_survey(make_survey, agents, timezone.now() - datetime.timedelta(days=800))
    out = io.StringIO()
    call_command("purge_survey_personal_data", "--dry-run", stdout=out)
    assert survey.title in out.getvalue()
    assert "7" in out.getvalue() and "5" in out.getvalue()
    assert Invitation.objects.filter(survey=survey).count() == 7
    assert Response.objects.filter(survey=survey, agent__isnull=False).count() == 5

    call_command("purge_survey_personal_data", stdout=io.StringIO())
    assert not Invitation.objects.filter(survey=survey).exists()


def test_the_command_refuses_a_retention_under_a_month(db):
    with pytest.raises(CommandError):
        call_command("purge_survey_personal_data", "--months", "0")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2027, 3, 31, 8), 1, datetime.datetime(2027, 2, 28, 8)),
        (datetime.datetime(2028, 3, 31, 8), 1, datetime.datetime(2028, 2, 29, 8)),
        (datetime.datetime(2027, 1, 15, 8), 12, datetime.datetime(2026, 1, 15, 8)),
        (datetime.datetime(2027, 1, 15, 8), 13, datetime.datetime(2025, 12, 15, 8)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_after_purging_the_demo_every_survey_page_still_renders(db):
    call_command("seed_demo", stdout=io.StringIO())
    experiments = list(Experiment.objects.filter(retrospective_survey__isnull=False))
    surveys = list(Survey.objects.all())
    assert experiments and Invitation.objects.exists()
    before = {survey.pk: survey_results(survey).invited for survey in surveys}

    report = purge_survey_personal_data(now=timezone.now() + datetime.timedelta(days=3 * 365))

    assert report.surveys and not Invitation.objects.filter(survey__closed_at__isnull=False)
    assert {survey.pk: survey_results(survey).invited for survey in Survey.objects.all()} == before
    admin, sponsor, claire = (
        Client(),
        Client(),
        Client(),
    )
    admin.force_login(Agent.objects.get(email="admin@ville-demo.fr"))
    sponsor.force_login(Agent.objects.get(email="commanditaire@ville-demo.fr"))
    claire.force_login(Agent.objects.get(email="claire.martin@ville-demo.fr"))
    urls = (
        [
            (sponsor, reverse("experiments:detail", args=[experiment.pk]))
            for experiment in experiments
        ]
        + [(admin, reverse("surveys:results", args=[survey.pk])) for survey in surveys]
        + [
            (admin, reverse("surveys_admin:index")),
            (claire, reverse("surveys:mine")),
            (claire, reverse("my_data")),
            (admin, reverse("dashboard:dashboard")),
        ]
    )
    for client, url in urls:
        assert client.get(url).status_code == 200, url


def test_a_purged_survey_still_cannot_be_deleted(make_survey, agents, client):
    from django.contrib.auth.models import Group

    survey = closed_survey(make_survey, agents, CUTOFF - MINUTE)
    purge_survey_personal_data(now=NOW)
    editor = agents[0]
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)

    response = client.post(reverse("surveys_admin:delete", args=[survey.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys_admin:index")
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert Answer.objects.filter(response__survey=survey).count() == 5
