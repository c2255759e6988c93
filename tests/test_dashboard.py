"""The impact dashboard: the city's indicators for a period and a department, and exports.

The data set of the ``city`` fixture (tests/support/dashboard.py) is small enough to compute
every figure by hand; its comments give the computation. The tests that read it are grouped
in classes: it is built once per class, and each test runs in a savepoint of its own.
"""

import csv
import datetime
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from experiments.models import Experiment
from intranet.accounts.models import Agent, Department
from intranet.dashboard.indicators import Period, last_twelve_months, rate_table
from practices.indicators import DepartmentRate
from practices.models import CharterSignature, OnboardingProgress

from .queries import visit_queries
from .support.dashboard import (
    DASHBOARD,
    EXPORT_CSV,
    EXPORT_XLSX,
    PERIOD,
    add_agents,
    enrol,
    login,
    make_experiment,
    make_session,
    retrospective,
)
from .support.practices import (
    make_charter,
    make_library,
    make_onboarding,
    make_practice,
    make_training,
    make_training_catalogue,
)
from .support.skills import make_campaign, make_profiles, skills_officer

pytestmark = pytest.mark.django_db


def text(response):
    """The page's text, tags removed and spaces collapsed, as a reader would get it."""
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(soup.main.get_text(" ").split())


def table(response, caption):
    """The rows of the table with this caption, each as the texts of its cells."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.find("caption", string=caption)
    assert found, f"no table “{caption}”"
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
        for row in found.find_parent("table").find_all("tr")
    ]


def figures(response):
    """The key figures at the top of the page: {label: value}."""
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        item.select_one(".dashboard-figures__label").get_text(strip=True): item.select_one(
            ".dashboard-figures__value"
        ).get_text(strip=True)
        for item in soup.select(".dashboard-figures__item")
    }


def sponsor():
    agent = Agent.objects.create_user("commanditaire@ville.test", "motdepasse-solide")
    agent.groups.add(Group.objects.get(name="Commanditaires"))
    return agent


# What the city sees


class TestWhatTheCitySees:
    """The figures of the city, for a period."""

    def test_the_skills_officer_sees_the_citys_pix_users_per_department(self, client, city):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        assert response.status_code == 200
        assert "Toute la ville, du 1 janvier 2026 au 30 juin 2026" in text(response)
        # Spring 2026: voirie 6, propreté 2, finances 6 of 16 active agents.
        assert figures(response)["agents ont partagé un profil PIX"] == "14"
        assert table(response, "Utilisateurs PIX par direction et service") == [
            ["Direction ou service", "Agents", "Utilisateurs PIX", "Taux"],
            ["Direction de l'espace public", "10", "8", "80 %"],
            ["› Service propreté", "effectif insuffisant"],
            # Voirie shown, the direction minus voirie would give propreté and the director
            # together: 4 agents, fewer than 5. So voirie is withheld too.
            ["› Service voirie", "effectif insuffisant"],
            ["Direction des finances", "6", "6", "100 %"],
            ["Total", "16", "14", "88 %"],
        ]

    def test_training_participants_are_the_agents_who_attended_in_the_period(self, client, city):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        # February: 3 + 2 attended (the absent, the registered and the former agent do not
        # count); May: one of them again and 1 more; September is after the period.
        assert figures(response)["agents ont suivi une session de formation"] == "6"
        assert figures(response)["présences en session de formation"] == "7"
        assert table(response, "Participants aux formations par direction et service") == [
            ["Direction ou service", "Agents", "Participants", "Taux"],
            ["Direction de l'espace public", "10", "3", "30 %"],
            ["› Service propreté", "effectif insuffisant"],
            ["› Service voirie", "effectif insuffisant"],
            ["Direction des finances", "6", "3", "50 %"],
            ["Total", "16", "6", "38 %"],
        ]

    def test_levels_evolve_between_the_last_two_campaigns_up_to_the_end_of_the_period(
        self, client, city
    ):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        page = text(response)
        assert "« Automne 2025 » et « Printemps 2026 »" in page
        assert "Automne 2026" not in page
        assert figures(response)["agents comparés"] == "14"
        assert figures(response)["agents certifiables, avant"] == "0 (0 %)"
        assert figures(response)["agents certifiables, après"] == "6 (43 %)"  # the finances
        rows = table(
            response,
            "Niveau moyen par compétence (niveaux 0 à 8) et part des agents qui ont progressé",
        )
        assert rows[0] == [
            "Compétence",
            "Niveau moyen, Automne 2025",
            "Niveau moyen, Printemps 2026",
            "Agents qui ont progressé",
        ]
        assert len(rows) == 17
        # 1.1: all at 1, then voirie 6 × 2 + 8 × 1 = 20 / 14; the 6 of voirie progressed.
        assert rows[1] == [
            "1.1 Mener une recherche et une veille d’information",
            "1,0",
            "1,4",
            "43 %",
        ]
        assert rows[6] == ["2.3 Collaborer", "0,0", "1,0", "100 %"]

    def test_practices_are_scored_per_experiment_from_its_retrospective(self, client, city):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        page = text(response)
        assert "Ancienne expérimentation" not in page
        assert "Sans rétrospective" not in page
        assert "de \u2212100 à +100" in page  # the scale written as its scores are
        hybrid, agenda = city["hybrid"].title, city["agenda"].title
        # The most recent retrospective first.
        assert page.index("Décider sans réunion") < page.index("Réunions hybrides")
        assert table(
            response, "Score de recommandation des pratiques testées dans « Réunions hybrides »"
        ) == [
            ["Pratique testée", "Réponses", "Score de recommandation", "Intervalle à 95 %"],
            # 6 answers read "at least 5", and the interval is that of +50 on 5 answers
            # (docs/privacy.md): (1 − .25) / 5 → ±75.9.
            [hybrid, "au moins 5", "+50", "de \u22129 à +100, incertain"],
            [agenda, "pas assez de réponses"],
        ]
        assert table(
            response, "Score de recommandation des pratiques testées dans « Décider sans réunion »"
        ) == [
            ["Pratique testée", "Réponses", "Score de recommandation", "Intervalle à 95 %"],
            [hybrid, "5", "\u221240", "de \u2212100 à +20, incertain"],
        ]
        content = response.content.decode()
        assert '<rect x="30.0%" width="20.0%" height="12"></rect>' in content  # −40
        assert '<rect x="50.0%" width="25.0%" height="12"></rect>' in content  # 50

    def test_a_surveys_stricter_minimum_hides_its_scores(self, client, city):
        experiment = make_experiment("Stricte", city["head"], city["roads"], [city["hybrid"]])
        retrospective(
            experiment,
            datetime.date(2026, 6, 1),
            datetime.date(2026, 6, 10),
            {city["hybrid"]: [10] * 6},
            min_group_size=8,
        )
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        assert table(response, "Score de recommandation des pratiques testées dans « Stricte »")[
            1
        ] == [city["hybrid"].title, "pas assez de réponses"]

    def test_charter_adhesion_counts_the_current_version_only(self, client, city):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        assert "qui ont signé la version 2 de la charte, à ce jour" in text(response)
        assert table(response, "Adhésion à la charte par direction et service") == [
            ["Direction ou service", "Agents", "Signé", "Taux"],
            ["Direction de l'espace public", "10", "4", "40 %"],
            ["› Service propreté", "effectif insuffisant"],
            ["› Service voirie", "effectif insuffisant"],
            ["Direction des finances", "6", "3", "50 %"],
            ["Total", "16", "7", "44 %"],
        ]

    def test_onboarding_hides_a_small_direction_and_the_one_that_would_give_it_away(
        self, client, city
    ):
        login(client, skills_officer())

        response = client.get(DASHBOARD, PERIOD)

        # Newcomers of the period: voirie 5 (3 done), finances 2 (2 done). Finances is too
        # small; the total minus espace public would give it: espace public is hidden too.
        assert table(
            response, "Achèvement du parcours d’intégration par direction et service"
        ) == [
            ["Direction ou service", "Nouveaux arrivants", "Parcours terminé", "Taux"],
            ["Direction de l'espace public", "effectif insuffisant"],
            ["› Service propreté", "effectif insuffisant"],
            ["› Service voirie", "effectif insuffisant"],
            ["Direction des finances", "effectif insuffisant"],
            ["Total", "7", "5", "71 %"],
        ]

    def test_the_default_period_is_the_last_twelve_months(self, client, city):
        login(client, skills_officer())

        response = client.get(DASHBOARD)

        today = timezone.localdate()
        period = response.context["dashboard"].period
        assert period == last_twelve_months(today)
        assert response.context["form"]["start"].value() == period.first_day.isoformat()
        assert response.context["form"]["end"].value() == today.isoformat()


def test_the_last_twelve_months_end_today_and_survive_leap_days():
    assert last_twelve_months(datetime.date(2026, 11, 29)) == Period(
        datetime.date(2025, 11, 30), datetime.date(2026, 11, 29)
    )
    assert last_twelve_months(datetime.date(2024, 2, 29)) == Period(
        datetime.date(2023, 3, 1), datetime.date(2024, 2, 29)
    )


def test_an_empty_city_says_what_is_missing(client, site):
    login(client, skills_officer())

    response = client.get(DASHBOARD)

    page = text(response)
    assert response.status_code == 200
    assert "dès que deux campagnes de collecte de profils auront été importées" in page
    assert "Aucune expérimentation de ce périmètre n’a eu sa rétrospective" in page
    assert "Aucune charte n’est encore publiée." in page
    assert "Aucun parcours d’intégration n’est encore publié." in page
    assert figures(response)["agents ont partagé un profil PIX"] == "effectif insuffisant"


# Who sees what


class TestWhoSeesWhat:
    """Each role, its scope."""

    def test_a_plain_agent_is_refused(self, client, city):
        login(client, city["agent"])

        for url in (DASHBOARD, EXPORT_CSV, EXPORT_XLSX):
            response = client.get(url)
            assert response.status_code == 403
            assert "Accès refusé" in text(response)

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, city):
        response = client.get(DASHBOARD)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_a_director_sees_their_direction_and_its_services_by_default(self, client, city):
        login(client, city["director"])

        response = client.get(DASHBOARD, PERIOD)

        assert response.status_code == 200
        labels = [label for _key, label in response.context["form"].fields["department"].choices]
        assert labels == [
            "Direction de l'espace public",
            "Direction de l'espace public › Service propreté",
            "Direction de l'espace public › Service voirie",
        ]
        assert response.context["dashboard"].department == city["public_space"]
        page = text(response)
        assert "Direction de l'espace public, du" in page
        assert "Direction des finances" not in page

    def test_a_director_sees_the_figures_of_their_direction_only(self, client, city):
        login(client, city["director"])

        response = client.get(DASHBOARD, {**PERIOD, "department": city["public_space"].pk})

        assert table(response, "Utilisateurs PIX par direction et service") == [
            ["Direction ou service", "Agents", "Utilisateurs PIX", "Taux"],
            ["Direction de l'espace public", "10", "8", "80 %"],
            ["› Service propreté", "effectif insuffisant"],
            ["› Service voirie", "effectif insuffisant"],
            ["Total", "10", "8", "80 %"],
        ]
        # Voirie 6 and propreté 2 compared; 1.1: (6 × 2 + 2 × 1) / 8.
        assert figures(response)["agents comparés"] == "8"
        rows = table(
            response,
            "Niveau moyen par compétence (niveaux 0 à 8) et part des agents qui ont progressé",
        )
        assert rows[1][1:] == ["1,0", "1,8", "75 %"]
        page = text(response)
        assert "Réunions hybrides" in page
        assert "Décider sans réunion" not in page  # an experiment of the finances
        # Alone in the scope, voirie's 5 newcomers are enough.
        assert table(response, "Achèvement du parcours d’intégration par direction et service")[
            -1
        ] == ["Total", "5", "3", "60 %"]

    def test_a_small_service_shows_no_number_at_all(self, client, city):
        login(client, city["director"])

        response = client.get(DASHBOARD, {**PERIOD, "department": city["cleaning"].pk})

        assert response.status_code == 200
        assert set(figures(response).values()) == {"effectif insuffisant"}
        assert "Effectif insuffisant." in text(response)  # 2 agents compared
        assert not re.search(r"<td[^>]*>\s*\d", response.content.decode())

    @pytest.mark.parametrize("department", ["finances", "public_space"])
    def test_a_service_head_cannot_pick_a_department_outside_their_service(
        self, client, city, department
    ):
        login(client, city["head"])

        response = client.get(DASHBOARD, {**PERIOD, "department": city[department].pk})

        assert response.status_code == 200
        assert "Choisissez l’une des directions ou l’un des services que vous suivez." in text(
            response
        )
        assert "dashboard" not in response.context
        assert "Direction des finances" not in text(response)

    def test_a_manager_cannot_ask_for_the_whole_city(self, client, city):
        login(client, city["head"])

        response = client.get(DASHBOARD, {**PERIOD, "department": ""})

        assert "Direction ou service : Choisissez l’une des directions" in text(response)
        assert "dashboard" not in response.context

    @pytest.mark.parametrize("make_viewer", [skills_officer, sponsor], ids=["officer", "sponsor"])
    def test_skills_officers_and_sponsors_see_the_whole_city(self, client, city, make_viewer):
        login(client, make_viewer())

        response = client.get(DASHBOARD, {**PERIOD, "department": city["finances"].pk})

        assert response.status_code == 200
        labels = [label for _key, label in response.context["form"].fields["department"].choices]
        assert labels[0] == "Toute la ville"
        assert len(labels) == 5
        assert response.context["dashboard"].department == city["finances"]
        assert table(response, "Utilisateurs PIX par direction et service")[-1] == [
            "Total",
            "6",
            "6",
            "100 %",
        ]

    def test_a_superuser_sees_the_whole_city(self, client, city):
        login(client, Agent.objects.create_superuser("admin@ville.test", "motdepasse-solide"))

        response = client.get(DASHBOARD, PERIOD)

        assert response.context["dashboard"].department is None
        assert figures(response)["agents ont partagé un profil PIX"] == "14"


# Bad input

BAD_FILTERS = [
    (
        {"start": "2026-06-30", "end": "2026-01-01"},
        "Au : La fin de la période ne peut pas précéder son début.",
    ),
    ({"start": "n'importe quoi", "end": "2026-01-01"}, "Du : Saisissez une date valide."),
    ({"start": "0001-01-01", "end": "2026-01-01"}, "Du : Saisissez une date entre 2000 et 2100."),
    ({"start": "2026-01-01", "end": ""}, "Au : Saisissez une date."),
    (
        {**PERIOD, "department": "abc"},
        "Direction ou service : Choisissez l’une des directions",
    ),
    (
        {**PERIOD, "department": "99999"},
        "Direction ou service : Choisissez l’une des directions",
    ),
]


class TestBadInput:
    """Filters that make no sense."""

    @pytest.mark.parametrize(("params", "message"), BAD_FILTERS)
    def test_bad_filters_get_a_message_not_an_error(self, client, city, params, message):
        login(client, skills_officer())

        response = client.get(DASHBOARD, params)

        assert response.status_code == 200
        assert message in text(response)
        assert "dashboard" not in response.context
        assert response.content.decode().count('aria-invalid="true"') == 1

    @pytest.mark.parametrize(("params", "message"), BAD_FILTERS[:2])
    def test_bad_filters_of_an_export_get_the_form_back(self, client, city, params, message):
        login(client, skills_officer())

        response = client.get(EXPORT_CSV, params)

        assert response.status_code == 400
        assert message in text(response)

    def test_the_dashboard_answers_get_only(self, client, city):
        login(client, skills_officer())
        assert client.post(DASHBOARD, PERIOD).status_code == 405
        assert client.post(EXPORT_CSV, PERIOD).status_code == 405


# Exports


def csv_sections(response):
    """{section title: rows} of a CSV export."""
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    sections, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


class TestExports:
    """The CSV and XLSX files of the dashboard."""

    def test_the_csv_export_holds_the_same_figures_as_the_page(self, client, city):
        login(client, skills_officer())

        response = client.get(EXPORT_CSV, PERIOD)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="tableau-de-bord-2026-01-01-2026-06-30.csv"'
        )
        sections = csv_sections(response)
        assert list(sections) == [
            "Synthèse",
            "Utilisateurs PIX",
            "Participants aux formations",
            "Évolution des niveaux",
            "Recommandation des pratiques",
            "Recommandation au fil du temps",
            "Adhésion à la charte",
            "Intégration des arrivants",
        ]
        assert sections["Synthèse"] == [
            ["Direction ou service", "Toute la ville"],
            ["Du", "2026-01-01"],
            ["Au", "2026-06-30"],
            ["Taille minimale des groupes", "5"],
            ["Utilisateurs PIX", "14"],
            ["Participants aux formations", "6"],
            ["Présences en session de formation", "7"],
        ]
        assert sections["Utilisateurs PIX"] == [
            ["Direction ou service", "Agents", "Utilisateurs PIX", "Taux (%)"],
            ["Direction de l'espace public", "10", "8", "80"],
            ["Direction de l'espace public › Service propreté", *["effectif insuffisant"] * 3],
            ["Direction de l'espace public › Service voirie", *["effectif insuffisant"] * 3],
            ["Direction des finances", "6", "6", "100"],
            ["Total", "16", "14", "88"],
        ]
        levels = sections["Évolution des niveaux"]
        assert levels[:5] == [
            ["Campagne la plus ancienne", "Automne 2025"],
            ["Campagne la plus récente", "Printemps 2026"],
            ["Agents comparés", "14"],
            ["Agents certifiables, avant", "0"],
            ["Agents certifiables, après", "6"],
        ]
        assert [
            "1.1 Mener une recherche et une veille d’information",
            "1,0",
            "1,4",
            "43",
        ] in levels
        interval = ["Intervalle, borne basse", "Intervalle, borne haute", "Précision"]
        assert sections["Recommandation des pratiques"] == [
            [
                "Expérimentation",
                "Pratique testée",
                "Réponses (au moins)",
                "Score de recommandation",
                *interval,
            ],
            ["Décider sans réunion", city["hybrid"].title, "5", "-40", "-100", "+20", "incertain"],
            ["Réunions hybrides", city["hybrid"].title, "5", "+50", "-9", "+100", "incertain"],
            ["Réunions hybrides", city["agenda"].title, *["pas assez de réponses"] * 5],
        ]
        assert sections["Recommandation au fil du temps"][0] == [
            "Pratique",
            "Questionnaire",
            "Questionnaire clos le",
            "Réponses (au moins)",
            "Score de recommandation",
            *interval,
        ]
        assert [row[0] for row in sections["Recommandation au fil du temps"][1:]] == [
            city["hybrid"].title
        ] * 2
        assert sections["Adhésion à la charte"][0] == ["Version de la charte", "2"]
        assert sections["Intégration des arrivants"][-1] == ["Total", "7", "5", "71"]

    def test_the_xlsx_export_has_a_sheet_per_indicator_with_numbers(self, client, city):
        login(client, city["director"])

        response = client.get(EXPORT_XLSX, {**PERIOD, "department": city["roads"].pk})

        assert response.status_code == 200
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == [
            "Synthèse",
            "Utilisateurs PIX",
            "Participants aux formations",
            "Évolution des niveaux",
            "Recommandation des pratiques",
            "Recommandation au fil du temps",
            "Adhésion à la charte",
            "Intégration des arrivants",
        ]
        rows = list(workbook["Utilisateurs PIX"].values)
        assert rows[1:] == [
            ("Direction de l'espace public › Service voirie", 6, 6, 100),
            ("Total", 6, 6, 100),
        ]
        assert list(workbook["Synthèse"].values)[0] == (
            "Direction ou service",
            "Direction de l'espace public › Service voirie",
        )
        levels = list(workbook["Évolution des niveaux"].values)
        assert levels[2] == ("Agents comparés", 6, None, None)
        # Voirie went from 1 to 2 in 1.1: everyone progressed.
        assert ("1.1 Mener une recherche et une veille d’information", 1.0, 2.0, 100) in levels

    def test_exports_neutralise_formulas(self, client, city):
        Department.objects.filter(pk=city["finances"].pk).update(name='=HYPERLINK("x")')
        Experiment.objects.filter(title="Décider sans réunion").update(title="@SOMME(A1)")
        login(client, skills_officer())

        csv_response = client.get(EXPORT_CSV, PERIOD)
        xlsx_response = client.get(EXPORT_XLSX, PERIOD)

        sections = csv_sections(csv_response)
        workbook = load_workbook(io.BytesIO(xlsx_response.content))
        for rows in (
            sections,
            {name: list(workbook[name].values) for name in workbook.sheetnames},
        ):
            assert ['\'=HYPERLINK("x")', 6, 6, 100] in map(list, rows["Utilisateurs PIX"]) or [
                '\'=HYPERLINK("x")',
                "6",
                "6",
                "100",
            ] in rows["Utilisateurs PIX"]
            assert "'@SOMME(A1)" in [row[0] for row in rows["Recommandation des pratiques"]]

    def test_an_export_outside_ones_scope_is_refused(self, client, city):
        login(client, city["head"])

        response = client.get(EXPORT_CSV, {**PERIOD, "department": city["finances"].pk})

        assert response.status_code == 400
        assert "Choisissez l’une des directions ou l’un des services que vous suivez." in text(
            response
        )


# Hiding small groups


def department(pk, name, parent=None):
    return Department(pk=pk, name=name, parent_id=parent)


def shown(table_):
    return [
        (row.department.name if row.department else "total", None if row.hidden else row.done)
        for row in (*table_.rows, table_.total)
    ]


def test_a_directions_own_agents_count_as_a_hidden_group():
    # Direction: 2 agents of its own (hidden), 6 and 7 in its services: the smaller
    # service is hidden too, or the direction minus the services would give the two.
    direction = department(1, "Direction")
    rates = [
        DepartmentRate(direction, 15, 9),
        DepartmentRate(department(2, "Petit service", 1), 6, 3),
        DepartmentRate(department(3, "Grand service", 1), 7, 4),
        DepartmentRate(None, 15, 9),
    ]

    assert shown(rate_table(rates, 5)) == [
        ("Direction", 9),
        ("Petit service", None),
        ("Grand service", 4),
        ("total", 9),
    ]


def test_hiding_a_direction_hides_its_services():
    rates = [
        DepartmentRate(department(1, "Grande direction"), 10, 5),
        DepartmentRate(department(2, "Son service", 1), 10, 5),
        DepartmentRate(department(3, "Petite direction"), 3, 1),
        DepartmentRate(None, 13, 6),
    ]

    assert shown(rate_table(rates, 5)) == [
        ("Grande direction", None),
        ("Son service", None),
        ("Petite direction", None),
        ("total", 6),
    ]


def test_a_scope_under_the_minimum_shows_nothing():
    rates = [DepartmentRate(department(1, "Service"), 4, 4), DepartmentRate(None, 4, 4)]

    assert shown(rate_table(rates, 5)) == [("Service", None), ("total", None)]


def test_empty_departments_give_nothing_away():
    rates = [
        DepartmentRate(department(1, "Direction"), 8, 2),
        DepartmentRate(department(2, "Service vide", 1), 0, 0),
        DepartmentRate(department(3, "Service", 1), 8, 2),
        DepartmentRate(None, 8, 2),
    ]

    assert shown(rate_table(rates, 5)) == [
        ("Direction", 2),
        ("Service vide", 0),
        ("Service", 2),
        ("total", 2),
    ]


# Cost


def build_unit(index, service, head, library, training, charter, steps):
    """6 agents, 2 campaigns, 1 experiment with 2 practices, 1 session: the data unit."""
    team = add_agents(service, 6, f"unite{index}-", manager=head)
    Agent.objects.filter(pk__in=[agent.pk for agent in team]).update(
        arrival_date=datetime.date(2026, 2, 1)
    )
    for number in range(2):
        make_profiles(
            make_campaign(f"{index}-{number}", f"Campagne {index}-{number}"),
            {agent: {"1.1": number + 1, "2.3": index % 8} for agent in team},
            datetime.date(2026, 1, 10) + datetime.timedelta(days=10 * index + 5 * number),
        )
    practices = [make_practice(library), make_practice(library)]
    experiment = make_experiment(f"Expérimentation {index}", head, service, practices)
    retrospective(
        experiment,
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 20),
        {practice: [10, 9, 8, 7, 6, 0] for practice in practices},
    )
    session = make_session(training, datetime.date(2026, 4, 1) + datetime.timedelta(days=index))
    enrol(session, team)
    CharterSignature.objects.bulk_create(
        CharterSignature(page=charter, agent=agent, version=1) for agent in team
    )
    OnboardingProgress.objects.bulk_create(
        OnboardingProgress(agent=agent, step=step) for agent in team[:3] for step in steps
    )


@pytest.fixture
def growing_city(site):
    direction = Department.objects.create(name="Direction")
    service = Department.objects.create(name="Service", parent=direction)
    head = add_agents(service, 1, "cheffe")[0]
    library = make_library(site)
    training = make_training(make_training_catalogue(site))
    charter = make_charter(site)
    steps = list(make_onboarding(site).steps.all())
    units = iter(range(1000))

    def grow(units_to_add):
        for _ in range(units_to_add):
            build_unit(next(units), service, head, library, training, charter, steps)

    grow(1)
    return head, grow


@pytest.mark.parametrize("viewer", ["officer", "manager"])
def test_the_dashboard_costs_the_same_queries_at_ten_times_the_data(client, growing_city, viewer):
    head, grow = growing_city
    login(client, skills_officer() if viewer == "officer" else head)
    queries, first = visit_queries(client, DASHBOARD, PERIOD)
    assert queries[0] <= 35
    assert len(first.context["dashboard"].recommendations) == 1

    grow(9)
    counts, response = visit_queries(client, DASHBOARD, PERIOD)
    assert counts == queries

    dashboard = response.context["dashboard"]
    assert len(dashboard.recommendations) == 10
    assert dashboard.evolution.figures.agents == 6
    assert dashboard.pix_users.total.done == 60


def test_the_export_costs_the_same_queries_at_ten_times_the_data(
    client, growing_city, django_assert_num_queries
):
    _head, grow = growing_city
    login(client, skills_officer())
    client.get(EXPORT_XLSX, PERIOD)
    with CaptureQueriesContext(connection) as queries:
        client.get(EXPORT_XLSX, PERIOD)

    grow(9)
    with django_assert_num_queries(len(queries)):
        response = client.get(EXPORT_XLSX, PERIOD)

    assert response.status_code == 200


def test_the_header_offers_the_dashboard_only_to_those_who_may_open_it(client, site):
    from django.contrib.auth.models import Group

    from intranet.accounts.models import Agent

    officer = Agent.objects.create_user("officier@ville.test", "x", first_name="Lucie")
    officer.groups.add(Group.objects.get(name="Référents compétences"))
    agent = Agent.objects.create_user("simple@ville.test", "x", first_name="Paul")
    client.force_login(officer)
    assert "/tableau-de-bord/" in client.get("/").content.decode()
    client.force_login(agent)
    assert "/tableau-de-bord/" not in client.get("/").content.decode()
