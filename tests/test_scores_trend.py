"""A practice's recommendation over time: one point per closed survey, each with its 95 %
interval, drawn as an accessible chart always followed by its table; k respected."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from surveys.models import Invitation, Survey
from surveys.services import close, submit_response
from surveys.trends import trend_of_page, trends_of_pages

from .queries import visit_queries
from .support.dashboard import DASHBOARD
from .support.practices import make_library, make_practice
from .support.skills import skills_officer

pytestmark = pytest.mark.django_db

MINUS = "\u2212"


@pytest.fixture
def practice(site):
    return make_practice(make_library(site), "Réunion hybride")


def rate(page, make_survey, make_agent, values, days_ago=0, closed=True, **fields):
    """A survey rating ``page`` with these answers, closed ``days_ago`` days ago."""
    survey = make_survey(**fields)
    question = survey.questions.get()
    question.subject = page
    question.save()
    for value in values:
        submit_response(
            Invitation.objects.create(survey=survey, agent=make_agent()), {question: value}
        )
    if closed:
        close(survey)
        Survey.objects.filter(pk=survey.pk).update(
            closed_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return survey


def test_one_point_per_closed_survey_oldest_first(practice, make_survey, make_agent):
    rate(practice, make_survey, make_agent, [10, 10, 10, 9, 0], days_ago=10)  # +60
    rate(practice, make_survey, make_agent, [0, 0, 6, 7, 10], days_ago=40)  # −40
    rate(practice, make_survey, make_agent, [10] * 5, closed=False)
    trend = trend_of_page(practice)
    assert [point.score for point in trend.points] == [-40, 60]
    assert [point.answers for point in trend.points] == [5, 5]
    assert trend.left_out == 0
    assert trend.last.score == 60


def test_a_survey_under_k_is_left_out_and_counted(practice, make_survey, make_agent):
    rate(practice, make_survey, make_agent, [10] * 5, days_ago=5)
    rate(practice, make_survey, make_agent, [0] * 4, days_ago=3)
    rate(practice, make_survey, make_agent, [], days_ago=2)
    rate(practice, make_survey, make_agent, [10] * 7, days_ago=1, min_group_size=8)
    trend = trend_of_page(practice)
    assert [point.score for point in trend.points] == [100]
    # Without an answer or with too few, alike: the reader cannot tell them apart.
    assert trend.left_out == 3


def test_a_point_carries_the_published_interval(practice, make_survey, make_agent):
    rate(practice, make_survey, make_agent, [10, 10, 10, 9, 0, 8, 7])
    (point,) = trend_of_page(practice).points
    assert point.answers == 5  # 7 shown as at least 5
    assert point.interval == point.recommendation.visible_interval
    assert point.interval.answers == 5


def rendered(client, practice):
    response = client.get(practice.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_practice_page_draws_the_trend_and_gives_its_table(
    agent_client, practice, make_survey, make_agent
):
    rate(practice, make_survey, make_agent, [10, 10, 10, 9, 0], days_ago=10)  # +60
    rate(practice, make_survey, make_agent, [0, 0, 6, 7, 10], days_ago=40)  # −40
    soup = rendered(agent_client, practice)
    section = soup.find("section", attrs={"aria-labelledby": "trend-title"})
    chart = section.find("svg")
    assert chart["role"] == "img"
    title_id, desc_id = chart["aria-labelledby"].split()
    assert chart.find("title", id=title_id).get_text(strip=True)
    assert "+60" in chart.find("desc", id=desc_id).get_text()
    assert len(chart.find_all("circle")) == 2
    assert len(chart.find_all("line", class_="score-trend__interval")) == 2
    assert chart.find("line", class_="score-trend__zero")
    # Coordinates are never written with a decimal comma, in French too.
    assert all("," not in circle["cy"] for circle in chart.find_all("circle"))

    table = section.find("table")
    assert table.find("caption").get_text(strip=True)
    assert [th["scope"] for th in table.find("thead").find_all("th")] == ["col"] * 5
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    ]
    # −40 on 5 answers: the widest variance (1 − .16) / 5 → ±80.34, from −100 to +40.
    assert rows[0] == [f"{MINUS}40", f"de {MINUS}100 à +20", "5", "incertain"]
    assert rows[1] == ["+60", "de +3 à +100", "5", "incertain"]
    wrapper = table.parent
    assert wrapper["tabindex"] == "0" and wrapper["role"] == "region"
    assert wrapper["aria-labelledby"] == table.caption["id"]


def test_the_current_score_is_shown_with_its_interval_in_words(
    agent_client, practice, make_survey, make_agent
):
    rate(practice, make_survey, make_agent, [10, 10, 10, 9, 0], days_ago=10)
    card = rendered(agent_client, practice).find("section", class_="score")
    text = card.get_text(" ", strip=True)
    assert "+60" in text
    assert "de +3 à +100" in text
    assert "incertain" in text


def test_no_trend_without_a_published_point(agent_client, practice, make_survey, make_agent):
    rate(practice, make_survey, make_agent, [0, 0, 0, 10], days_ago=10)
    soup = rendered(agent_client, practice)
    assert soup.find("section", attrs={"aria-labelledby": "trend-title"}) is None
    assert "0, 0, 0" not in soup.get_text()
    assert soup.find("svg", class_="score-trend__chart") is None


def test_the_trend_costs_two_queries_for_any_number_of_pages(
    site, make_survey, make_agent, django_assert_num_queries
):
    library = make_library(site)
    pages = [make_practice(library) for _ in range(3)]
    for page in pages:
        rate(page, make_survey, make_agent, [10] * 5)
    with django_assert_num_queries(2):
        trends = trends_of_pages([page.pk for page in pages])
    assert all(len(trend.points) == 1 for trend in trends.values())


def test_the_practice_page_costs_the_same_queries_with_one_or_ten_surveys(
    agent_client, practice, make_survey, make_agent
):
    rate(practice, make_survey, make_agent, [10] * 5, days_ago=20)
    one, _response = visit_queries(agent_client, practice.url)
    for days in range(9):
        rate(practice, make_survey, make_agent, [9, 9, 8, 0, 10], days_ago=days)
    ten, response = visit_queries(agent_client, practice.url)
    assert ten == one
    assert len(response.context["trend"].points) == 10


def dashboard_period():
    today = timezone.localdate()
    return {"start": (today - datetime.timedelta(days=300)).isoformat(), "end": today.isoformat()}


def test_the_dashboard_shows_each_practices_trend_with_the_same_signs(
    client, practice, make_survey, make_agent
):
    rate(practice, make_survey, make_agent, [10, 10, 10, 9, 0], days_ago=10)  # +60
    rate(practice, make_survey, make_agent, [0, 0, 6, 7, 10], days_ago=40)  # −40
    rate(practice, make_survey, make_agent, [10] * 5, days_ago=400)  # before the period
    client.force_login(skills_officer())
    response = client.get(DASHBOARD, dashboard_period())
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    section = soup.find("section", id="tendances")
    assert section.find("h3").get_text(strip=True) == practice.title
    assert section.find("svg")["role"] == "img"
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in section.find("table").tbody.find_all("tr")
    ]
    assert rows == [
        [f"{MINUS}40", f"de {MINUS}100 à +20", "5", "incertain"],
        ["+60", "de +3 à +100", "5", "incertain"],
    ]


def test_the_dashboards_trend_respects_the_dashboards_k(client, practice, make_survey, make_agent):
    rate(
        practice, make_survey, make_agent, [10] * 4, days_ago=10, anonymous=False, min_group_size=2
    )
    assert trend_of_page(practice).points  # published on the practice page, k = 2
    client.force_login(skills_officer())
    response = client.get(DASHBOARD, dashboard_period())
    section = BeautifulSoup(response.content.decode(), "html.parser").find(
        "section", id="tendances"
    )
    assert section.find("svg") is None
    assert "Aucun questionnaire clos sur la période" in section.get_text()


def test_the_dashboard_costs_the_same_queries_with_one_or_ten_surveys(
    client, practice, make_survey, make_agent
):
    client.force_login(skills_officer())
    rate(practice, make_survey, make_agent, [10] * 5, days_ago=20)
    one, _response = visit_queries(client, DASHBOARD, dashboard_period())
    other = make_practice(practice.get_parent(), "Météo d'équipe")
    for days in range(9):
        rate(practice if days % 2 else other, make_survey, make_agent, [9, 9, 8, 0, 10], days)
    ten, response = visit_queries(client, DASHBOARD, dashboard_period())
    assert ten == one
    trends = response.context["dashboard"].trends
    assert sum(len(item.trend.points) for item in trends) == 10


def test_the_dashboard_adds_every_practice_up_survey_by_survey(
    client, site, make_survey, make_agent
):

    library = make_library(site)
    hybrid, weather = make_practice(library, "Réunion hybride"), make_practice(library, "Météo")
    survey = make_survey(kinds=("recommendation", "recommendation"))
    first, second = survey.questions.all()
    first.subject, second.subject = hybrid, weather
    first.save()
    second.save()
    for value in range(5):
        submit_response(
            Invitation.objects.create(survey=survey, agent=make_agent()),
            {first: 10, second: 0 if value < 2 else 8},
        )
    close(survey)
    client.force_login(skills_officer())
    dashboard = client.get(DASHBOARD, dashboard_period()).context["dashboard"]
    assert [item.trend.last.score for item in dashboard.trends] == [-40, 100]  # by title
    (overall,) = dashboard.overall_trend.points
    # 5 promoters, 3 passives, 2 detractors of 10 answers: +30.
    assert (overall.score, overall.answers) == (30, 10)


def test_the_dashboard_draws_the_ten_most_answered_practices_and_counts_the_others(
    client, site, make_survey, make_agent
):
    library = make_library(site)
    practices = [make_practice(library, f"Pratique {number:02}") for number in range(12)]
    for number, page in enumerate(practices):  # the first two the least answered
        rate(page, make_survey, make_agent, [10] * (5 if number < 2 else 6), days_ago=5)
    client.force_login(skills_officer())
    response = client.get(DASHBOARD, dashboard_period())
    dashboard = response.context["dashboard"]
    assert [item.practice for item in dashboard.drawn_trends] == practices[2:]  # by title
    assert len(dashboard.trends) == 12  # the export keeps every one
    section = BeautifulSoup(response.content.decode(), "html.parser").find(
        "section", id="tendances"
    )
    titles = [heading.get_text(strip=True) for heading in section.find_all("h3")]
    assert titles == ["Toutes les pratiques ensemble", *(page.title for page in practices[2:])]
    assert "2 autres pratiques ont un score sur la période" in section.get_text(" ", strip=True)


def test_a_page_draws_the_last_twelve_surveys_and_says_how_many_are_older(
    agent_client, practice, make_survey, make_agent
):
    for days in range(14):
        rate(practice, make_survey, make_agent, [10] * 5 if days else [0] * 5, days_ago=days)
    soup = rendered(agent_client, practice)
    section = soup.find("section", attrs={"aria-labelledby": "trend-title"})
    assert len(section.find_all("circle")) == 12
    assert len(section.find("table").tbody.find_all("tr")) == 12
    # The newest (0 days ago, −100) is among them; the two oldest are not.
    assert section.find("table").tbody.find_all("tr")[-1].td.get_text() == f"{MINUS}100"
    assert "2 questionnaires plus anciens ne sont pas repris ici." in section.get_text(" ")
