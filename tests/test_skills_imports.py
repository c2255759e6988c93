import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from intranet.accounts.models import Agent
from intranet.core.files import ImportRefused
from skills import demo
from skills.importers import import_pix
from skills.models import Area, Competence, CompetenceResult, PixCampaign, PixParticipation

from .support.skills import PIX_FILES, database_state, fixture_agents, pix_file

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def agents(db):
    return fixture_agents()


def levels_of(participation):
    return dict(participation.results.values_list("competence__code", "level"))


def test_the_framework_has_16_competences_in_5_areas():
    assert Area.objects.count() == 5
    assert Competence.objects.count() == 16
    assert Competence.objects.get(code="3.2").name == "Développer des documents multimedia"
    assert Competence.objects.get(code="2.4").area.name == "Communication et collaboration"


def test_spreadsheet_resaved_profiles_collection_with_old_dates_is_imported(agents):
    report = import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))

    campaign = PixCampaign.objects.get(pix_id="100231")
    assert campaign.name == "Diagnostic numérique 2024"
    assert campaign.kind == PixCampaign.Kind.PROFILES_COLLECTION
    assert (report.rows, report.participants, report.matched, report.shared) == (6, 6, 4, 5)
    claire = PixParticipation.objects.get(campaign=campaign, agent=agents["claire.martin"])
    assert claire.matched_by == PixParticipation.MatchedBy.EXTERNAL_ID
    assert claire.external_id == "004512"
    assert claire.shared_at == datetime.datetime(2024, 10, 14, tzinfo=UTC)
    assert claire.pix_total == 164
    assert claire.certifiable is True
    assert levels_of(claire) == {
        "1.1": 1, "1.2": 2, "1.3": 1, "2.1": 3, "2.2": 2, "2.3": 1, "2.4": 1, "3.1": 1,
        "3.2": 0, "3.3": 0, "3.4": 0, "4.1": 2, "4.2": 2, "4.3": 1, "5.1": 1, "5.2": 0,
    }  # fmt: skip
    assert claire.results.get(competence__code="2.1").pix == 24


def test_participants_are_matched_by_matricule_then_by_a_unique_name(agents):
    report = import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))

    lea = PixParticipation.objects.get(agent=agents["lea.nguyen"])
    # "NGUYEN Lea" with a mistyped matricule is Léa Nguyen, the only agent of that name.
    assert (lea.last_name, lea.external_id, lea.matched_by) == ("NGUYEN", "4515", "name")
    # Two agents are called Thomas Petit: no guess, the row stays unmatched.
    assert not PixParticipation.objects.filter(agent__last_name="Petit").exists()
    assert [(p.last_name, p.first_name, p.external_id) for p in report.unmatched] == [
        ("Lemaire", "Jeanne", "009001"),
        ("Petit", "Thomas", "999999"),
    ]
    assert PixParticipation.objects.filter(agent__isnull=True).count() == 2


def test_latest_send_is_kept_when_a_person_has_several_rows(agents):
    report = import_pix(pix_file("collecte-2025.csv"))

    assert (report.rows, report.participants) == (7, 5)
    karim = PixParticipation.objects.get(agent=agents["karim.benali"])
    assert karim.pix_total == 111
    assert karim.shared_at == datetime.datetime(2025, 1, 20, 15, 45, tzinfo=UTC)  # 16:45 Paris
    # Claire's unsent participation is listed before her sent one: the sent one wins.
    claire = PixParticipation.objects.get(agent=agents["claire.martin"])
    assert claire.is_shared
    assert claire.pix_total == 197
    assert levels_of(claire)["2.1"] == 4


def test_unsent_profile_is_kept_without_results(agents):
    report = import_pix(pix_file("collecte-2025.csv"))

    lea = PixParticipation.objects.get(agent=agents["lea.nguyen"])
    assert (lea.is_shared, lea.shared_at, lea.pix_total, lea.certifiable) == (
        False,
        None,
        None,
        None,
    )
    assert not lea.results.exists()
    assert (report.shared, report.not_shared) == (4, 1)


def test_formula_guard_is_removed_and_matricules_stay_text(agents):
    report = import_pix(pix_file("collecte-2025.csv"))

    # Someone typed a phone number as their matricule; PIX guarded the leading "+".
    [outsider] = report.unmatched
    assert (outsider.last_name, outsider.external_id) == ("Dupont", "+33 6 12 34 56 78")
    assert PixParticipation.objects.get(agent__isnull=True).external_id == "+33 6 12 34 56 78"
    assert PixParticipation.objects.get(agent=agents["claire.martin"]).external_id == "004512"


def test_pix_going_down_is_data_not_an_error(agents):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    import_pix(pix_file("collecte-2025.csv"))

    helene = agents["helene.dupre"]
    levels = CompetenceResult.objects.filter(
        participation__agent=helene, competence__code="4.2"
    ).order_by("participation__shared_at")
    assert [(result.pix, result.level) for result in levels] == [(22, 2), (14, 1)]


def test_assessment_export_is_imported_and_matched_by_email(agents):
    report = import_pix(pix_file("evaluation-2025.csv"))

    campaign = PixCampaign.objects.get(pix_id="301877")
    assert campaign.kind == PixCampaign.Kind.ASSESSMENT
    assert campaign.target_profile == "Collaborer à distance"
    assert (report.participants, report.matched, report.shared) == (3, 2, 2)
    claire = PixParticipation.objects.get(agent=agents["claire.martin"])
    assert claire.matched_by == PixParticipation.MatchedBy.EMAIL
    assert claire.email == "claire.martin@ville.test"
    assert claire.mastery_rate == Decimal("0.67")
    assert claire.progression == Decimal("1")
    assert claire.shared_at == datetime.datetime(2025, 2, 3, 8, 40, tzinfo=UTC)
    results = {
        result.competence.code: (
            result.mastery_rate,
            result.targeted_skills,
            result.mastered_skills,
        )
        for result in claire.results.select_related("competence")
    }
    assert results == {"2.1": (Decimal("0.75"), 8, 6), "2.3": (Decimal("0.6"), 10, 6)}
    karim = PixParticipation.objects.get(agent=agents["karim.benali"])
    # Not shared: progress and start date are still given, nothing else.
    assert (karim.is_shared, karim.progression, karim.mastery_rate) == (
        False,
        Decimal("0.4"),
        None,
    )
    assert karim.started_at == datetime.datetime(2025, 2, 4, 9, 0, tzinfo=UTC)
    assert [p.email for p in report.unmatched] == ["alex.stagiaire@exemple.fr"]


def test_an_assessment_export_from_before_december_2024_is_imported(agents):
    lines = pix_file("evaluation-2025.csv").decode("utf-8-sig").splitlines()
    header = lines[0].replace("Date et heure de début (Europe/Paris)", "Date de début")
    header = header.replace("Date et heure du partage (Europe/Paris)", "Date du partage")
    rows = [
        line.replace('"03/02/2025 09:00"', "2024-02-03").replace(
            '"03/02/2025 09:40"', "2024-02-03"
        )
        for line in lines[1:]
    ]

    import_pix("\n".join([header, *rows]).encode("utf-8"))

    claire = PixParticipation.objects.get(agent=agents["claire.martin"])
    assert claire.started_at == claire.shared_at == datetime.datetime(2024, 2, 3, tzinfo=UTC)


def test_headers_with_straight_apostrophes_are_recognised(agents):
    straight = pix_file("collecte-2025.csv").decode("utf-8-sig").replace("’", "'")

    report = import_pix(straight.encode("utf-8"))

    claire = PixParticipation.objects.get(agent=agents["claire.martin"])
    assert report.participants == 5
    assert levels_of(claire)["1.1"] == 3


def test_reimporting_the_same_file_changes_nothing(agents):
    import_pix(pix_file("collecte-2025.csv"))
    before = database_state()

    report = import_pix(pix_file("collecte-2025.csv"))

    assert database_state() == before
    assert not report.changed
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)


def test_rows_in_another_order_change_nothing(agents):
    import_pix(pix_file("collecte-2025.csv"))
    before = database_state()
    header, *rows = pix_file("collecte-2025.csv").decode("utf-8-sig").splitlines()
    random.Random(4).shuffle(rows)
    reordered = "\r\n".join([header, *rows]).encode("cp1252")

    report = import_pix(reordered)

    assert database_state() == before
    assert not report.changed


def test_a_newer_export_updates_only_what_changed(agents):
    import_pix(pix_file("collecte-2025.csv"))
    lines = pix_file("collecte-2025.csv").decode("utf-8-sig").splitlines()
    # Léa finally sends her profile, and Dupont's participation disappears from PIX.
    lea_sent = (
        '"Ville de Sainte-Claire";287412;"RZKPWT384";"Diagnostic numérique 2025";"Nguyen";'
        '"Léa";"Direction des solidarités";004515;"Oui";"02/02/2025 09:00";8;"Non";1;1;8'
        + ";0;0"
        * 15
    )
    kept = [line for line in lines[1:] if "Dupont" not in line and "Léa" not in line]
    newer = "\n".join([lines[0], *kept, lea_sent]).encode("utf-8")
    claire_before = PixParticipation.objects.get(agent=agents["claire.martin"])

    report = import_pix(newer)

    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 1, 3, 1)
    lea = PixParticipation.objects.get(agent=agents["lea.nguyen"])
    assert lea.is_shared and lea.pix_total == 8
    assert levels_of(lea)["1.1"] == 1
    assert not PixParticipation.objects.filter(last_name="Dupont").exists()
    assert PixParticipation.objects.get(agent=agents["claire.martin"]).pk == claire_before.pk


def test_an_agent_created_later_is_matched_at_the_next_import(agents):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    jeanne = Agent.objects.create_user(
        "jeanne.lemaire@ville.test", first_name="Jeanne", last_name="Lemaire", external_id="009001"
    )

    report = import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))

    assert report.updated == 1
    assert PixParticipation.objects.get(last_name="Lemaire").agent == jeanne
    assert PixParticipation.objects.filter(campaign__pix_id="100231").count() == 6


REFUSALS = [
    ("refus-export-anglais.csv", "export PIX Orga en anglais"),
    (
        "refus-pas-pix.csv",
        "Ligne 1, colonne A : ce fichier n’est pas un export de campagne PIX Orga",
    ),
    ("refus-tronque.csv", "Ligne 7 : 7 colonnes au lieu de 45. Le fichier semble tronqué"),
    ("refus-nombre-colonnes.csv", "Ligne 3 : 46 colonnes au lieu de 45."),
    (
        "refus-pix-non-numerique.csv",
        "Ligne 2, colonne O (« Nombre de pix pour la compétence Mener une recherche et une "
        "veille d’information ») : « douze » n’est pas un nombre entier.",
    ),
    (
        "refus-niveau-hors-bornes.csv",
        "Ligne 3, colonne P (« Niveau pour la compétence Gérer des données ») : "
        "9 est hors limites (de 0 à 8).",
    ),
    (
        "refus-colonne-competence-manquante.csv",
        "Ligne 1 : la colonne « Nombre de pix pour la compétence Sécuriser l’environnement "
        "numérique » est absente.",
    ),
]


@pytest.mark.parametrize(("name", "message"), REFUSALS)
def test_a_refused_file_changes_nothing_and_says_where(agents, name, message):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    before = database_state()

    with pytest.raises(ImportRefused) as refusal:
        import_pix(pix_file(name))

    assert any(message in problem for problem in refusal.value.problems), refusal.value.problems
    assert database_state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "contient des données binaires"),
        (b'"Nom de l\x81organisation";"ID"\n', "encodage du fichier n’est pas reconnu"),
        (
            pix_file("collecte-2025.csv").split(b"\n")[0] + b"\n",
            "Le fichier a un en-tête mais aucun participant.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(agents, data, message):
    with pytest.raises(ImportRefused) as refusal:
        import_pix(data)
    assert message in refusal.value.problems[0]
    assert database_state() == ([], [], [])


def test_every_problem_of_a_file_is_listed_up_to_a_limit(agents):
    header, *rows = pix_file("collecte-2025.csv").decode("utf-8-sig").splitlines()
    broken = [row.replace('"Oui"', '"Peut-être"') for row in rows] * 20

    with pytest.raises(ImportRefused) as refusal:
        import_pix("\n".join([header, *broken]).encode("utf-8"))

    problems = refusal.value.problems
    assert problems[0].startswith("Ligne 2, colonne I (« Envoi (O/N) ») : ")
    assert "« Oui » ou « Non »" in problems[0]
    assert len(problems) == 51
    # 5 sent profiles in 7 rows, repeated 20 times: 100 problems, the first 50 listed.
    assert problems[-1] == "… et 50 autres problèmes."


@pytest.mark.parametrize("digit", ["¹", "٣"])
def test_a_digit_that_is_no_ascii_digit_is_refused_as_a_number(agents, digit):
    """Found by the fuzzer: str.isdigit() accepts a superscript one, int() does not."""
    lines = pix_file("collecte-2025.csv").decode("utf-8-sig").splitlines()
    cells = lines[1].split(";")
    cells[10] = digit
    lines[1] = ";".join(cells)

    with pytest.raises(ImportRefused) as refusal:
        import_pix("\n".join(lines).encode("utf-8"))

    assert f"« {digit} » n’est pas un nombre entier." in refusal.value.problems[0]
    assert database_state() == ([], [], [])


def test_a_file_mixing_two_campaigns_is_refused(agents):
    lines = pix_file("collecte-2025.csv").decode("utf-8-sig").splitlines()
    lines[3] = lines[3].replace(";287412;", ";287413;")

    with pytest.raises(ImportRefused) as refusal:
        import_pix("\n".join(lines).encode("utf-8"))

    assert (
        "Ligne 4, colonne B (« ID Campagne ») : « 287413 » diffère de la ligne 2"
        in (refusal.value.problems[0])
    )


def test_a_campaign_cannot_change_kind(agents):
    import_pix(pix_file("evaluation-2025.csv"))
    before = database_state()
    profiles = pix_file("collecte-2025.csv").replace(b";287412;", b";301877;")

    with pytest.raises(ImportRefused) as refusal:
        import_pix(profiles)

    assert "importée comme une évaluation" in refusal.value.problems[0]
    assert database_state() == before


def test_dry_run_reports_without_writing(agents):
    report = import_pix(pix_file("collecte-2025.csv"), dry_run=True)

    assert report.participants == 5
    assert report.dry_run
    assert database_state() == ([], [], [])


def test_command_prints_the_summary_and_the_unmatched_rows(agents):
    out = io.StringIO()
    call_command("import_pix", str(PIX_FILES / "collecte-2025.csv"), stdout=out)

    output = out.getvalue()
    assert "Campagne « Diagnostic numérique 2025 » (ID PIX 287412, collecte de profils)" in output
    assert "lignes : 7, participants : 5, rattachés à un agent : 4, non rattachés : 1" in output
    assert "partagés : 4, non partagés : 1." in output
    assert "Dupont Marc +33 6 12 34 56 78" in output
    assert PixParticipation.objects.count() == 5


def test_command_dry_run_writes_nothing(agents):
    out = io.StringIO()
    call_command("import_pix", str(PIX_FILES / "collecte-2025.csv"), "--dry-run", stdout=out)
    assert "Simulation : rien n’a été enregistré." in out.getvalue()
    assert not PixCampaign.objects.exists()


def test_command_refuses_a_bad_file_with_a_non_zero_exit(agents):
    with pytest.raises(CommandError) as refusal:
        call_command("import_pix", str(PIX_FILES / "refus-export-anglais.csv"))
    assert refusal.value.returncode == 1
    assert "anglais" in str(refusal.value)
    assert not PixCampaign.objects.exists()


def test_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_pix", "/nulle/part.csv")


def test_importing_2200_rows_takes_no_query_per_row(agents, django_assert_max_num_queries):
    rng = random.Random(1)
    campaign = {"pix_id": "555", "code": "GRAND", "name": "Grande campagne"}
    campaign["first_day"] = datetime.date(2026, 1, 5)
    rows = [demo.profiles_header([], "Matricule agent")] + [
        demo.profiles_row(
            campaign,
            ["Agent", f"N{index}", f"{700000 + index}"],
            demo.moment(rng, campaign),
            demo.starting_profile(rng),
        )
        for index in range(2200)
    ]

    with django_assert_max_num_queries(400):
        report = import_pix(demo.pix_csv(rows))

    assert report.participants == 2200
    assert CompetenceResult.objects.count() == 2200 * 16


def test_demo_seeding_imports_two_campaigns_and_is_idempotent():
    from intranet.accounts.demo import demo_email
    from intranet.accounts.demo import seed as seed_agents

    seed_agents(io.StringIO())
    demo.seed(io.StringIO())
    state = database_state()
    demo.seed(io.StringIO())

    assert database_state() == state
    assert PixCampaign.objects.count() == 2
    claire = PixParticipation.objects.filter(agent__email=demo_email("claire.martin"))
    assert claire.filter(is_shared=True).count() == 2
    assert PixParticipation.objects.filter(agent__isnull=True).exists()
