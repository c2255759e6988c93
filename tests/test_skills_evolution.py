"""Evolution figures on a small data set whose expected values were computed by hand."""

import datetime

import pytest

from intranet.accounts.models import Agent, Department
from skills.evolution import Snapshot, agent_levels, group_evolution, is_certifiable

from .support.skills import make_campaign, make_profiles

pytestmark = pytest.mark.django_db

SPRING, AUTUMN = datetime.date(2025, 3, 12), datetime.date(2025, 10, 8)
# Four competences at level 1: with one more, an agent becomes certifiable.
BASE = {"3.1": 1, "4.1": 1, "4.2": 1, "5.1": 1}


def agents_in(department, count, prefix):
    return [
        Agent.objects.create_user(
            f"{prefix}{index}@ville.test",
            first_name=f"{prefix}{index}",
            last_name="Test",
            department=department,
        )
        for index in range(1, count + 1)
    ]


@pytest.fixture
def city():
    """Espace public (a direction agent, voirie: 6 agents, propreté: 3) and finances (1)."""
    public_space = Department.objects.create(name="Direction de l'espace public")
    roads = Department.objects.create(name="Service voirie", parent=public_space)
    cleaning = Department.objects.create(name="Service propreté", parent=public_space)
    finances = Department.objects.create(name="Direction des finances")
    v1, v2, v3, v4, v5, v6 = agents_in(roads, 6, "v")
    p1, p2, p3 = agents_in(cleaning, 3, "p")
    [d1] = agents_in(public_space, 1, "d")
    [f1] = agents_in(finances, 1, "f")
    spring = make_campaign("1", "Printemps 2025")
    autumn = make_campaign("2", "Automne 2025")
    make_profiles(
        spring,
        {
            v1: {"1.1": 1, "2.3": 2, **BASE},
            v2: {"1.1": 2, "2.3": 1, **BASE},
            v3: {"1.1": 3},
            v4: {},
            v5: {"1.1": 4, "2.3": 3},
            v6: {"1.1": 7},
            p1: {"1.1": 1},
            p2: {"1.1": 2},
            p3: {},
            d1: {"1.1": 5},
            f1: {"1.1": 1},
        },
        SPRING,
    )
    make_profiles(
        autumn,
        {
            v1: {"1.1": 2, "2.3": 2, **BASE},
            v2: {"1.1": 2, "2.3": 3, **BASE},
            v3: {"1.1": 4, "2.3": 1, **BASE},
            v4: {"1.1": 1},
            v5: {"1.1": 3, "2.3": 3},
            p1: {"1.1": 1},
            p2: {"1.1": 3},
            p3: {},
            d1: {"1.1": 5},
            f1: {"1.1": 1},
        },
        AUTUMN,
    )
    return {
        "public_space": public_space,
        "roads": roads,
        "cleaning": cleaning,
        "finances": finances,
        "spring": spring,
        "autumn": autumn,
        "v1": v1,
    }


def campaigns(city):
    return Snapshot.of_campaign(city["spring"]), Snapshot.of_campaign(city["autumn"])


def by_code(evolution):
    return {
        row.code: (round(row.before, 2), round(row.after, 2), round(row.progressed_share, 2))
        for row in evolution.competences
    }


def test_a_service_is_compared_on_its_agents_present_in_both_campaigns(city):
    evolution = group_evolution(*campaigns(city), city["roads"])

    # v6 has no autumn profile: v1…v5 are compared.
    assert not evolution.hidden
    assert evolution.agents == 5
    figures = by_code(evolution)
    assert len(figures) == 16
    # 1.1: 1,2,3,0,4 → 2,2,4,1,3; v1, v3 and v4 progressed (v5 went down).
    assert figures["1.1"] == (2.0, 2.4, 0.6)
    # 2.3: 2,1,0,0,3 → 2,3,1,0,3; v2 and v3 progressed.
    assert figures["2.3"] == (1.2, 1.8, 0.4)
    # 4.1: v1 and v2 at 1, then v3 too.
    assert figures["4.1"] == (0.4, 0.6, 0.2)
    assert figures["3.4"] == (0.0, 0.0, 0.0)


def test_certifiable_agents_have_five_competences_at_level_one_or_more(city):
    evolution = group_evolution(*campaigns(city), city["roads"])

    # Before: v1 and v2 (6 competences each); after: v3 too.
    assert (evolution.certifiable_before, evolution.certifiable_after) == (2, 3)
    assert (evolution.certifiable_before_percent, evolution.certifiable_after_percent) == (40, 60)


def test_a_direction_includes_its_services_and_its_own_agents(city):
    evolution = group_evolution(*campaigns(city), city["public_space"])

    # v1…v5, p1…p3 and d1. 1.1: 18/9 → 21/9; v1, v3, v4 and p2 progressed.
    assert evolution.agents == 9
    before, after, progressed = by_code(evolution)["1.1"]
    assert (before, after, progressed) == (2.0, 2.33, 0.44)


def test_the_city_counts_every_agent_present_in_both_campaigns(city):
    evolution = group_evolution(*campaigns(city))

    assert evolution.agents == 10
    assert by_code(evolution)["1.1"] == (1.9, 2.2, 0.4)


@pytest.mark.parametrize("department", ["cleaning", "finances"])
def test_a_group_under_five_agents_is_hidden_without_any_number(city, department):
    evolution = group_evolution(*campaigns(city), city[department])

    assert evolution.hidden
    assert evolution.agents is None
    assert evolution.certifiable_before is None
    assert evolution.competences == ()


def test_periods_take_each_agents_latest_profile_of_the_period(city):
    extra = make_campaign("3", "Rattrapage octobre 2025")
    make_profiles(extra, {city["v1"]: {"1.1": 5}}, datetime.date(2025, 10, 20))

    evolution = group_evolution(
        Snapshot.of_period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        Snapshot.of_period(datetime.date(2025, 10, 1), datetime.date(2025, 10, 31)),
        city["roads"],
    )

    # v1's catch-up profile (1.1 at 5) replaces their autumn one: 5,2,4,1,3.
    assert evolution.agents == 5
    assert by_code(evolution)["1.1"] == (2.0, 3.0, 0.6)


def test_a_period_without_profiles_gives_a_hidden_group(city):
    evolution = group_evolution(
        Snapshot.of_period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        Snapshot.of_campaign(city["autumn"]),
    )
    assert evolution.hidden


def test_an_agent_sees_their_levels_side_by_side(city):
    spring, autumn = (
        city["v1"].pix_participations.get(campaign=city[name]) for name in ("spring", "autumn")
    )

    levels = {level.code: level for level in agent_levels(spring, autumn)}

    assert len(levels) == 16
    assert (levels["1.1"].before, levels["1.1"].after, levels["1.1"].change) == (1, 2, 1)
    assert (levels["2.3"].before, levels["2.3"].after, levels["2.3"].change) == (2, 2, 0)
    assert levels["1.1"].after_percent == 25
    assert is_certifiable(level.after for level in levels.values())
    assert not is_certifiable([1, 1, 1, 1, 0, 0])
