"""The ``import_agents`` command: HR directory CSV → agents and departments, all or nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import override

from intranet.accounts.models import Agent, Department

from .support.directory import EDUCATION, HEADER, SCHOOLS, csv_bytes, row

pytestmark = pytest.mark.django_db

HR = "Direction des ressources humaines"  # the conftest ``department`` fixture
TRAINING = "Service formation"


def run(tmp_path, data, *options, name="annuaire.csv"):
    """Write ``data`` to a file, import it in English, return what the command printed."""
    path = tmp_path / name
    path.write_bytes(data)
    stdout = io.StringIO()
    with override("en"):
        call_command("import_agents", str(path), *options, stdout=stdout)
    return stdout.getvalue()


def refusal(tmp_path, data, *options):
    """Import ``data``, expect a refusal, return its (English) message."""
    with pytest.raises(CommandError) as info:
        run(tmp_path, data, *options)
    message = str(info.value)
    assert message.startswith("The file was refused, nothing was changed:")
    return message


def state():
    """Everything the import may write, to prove that a refused file changed nothing."""
    agents = list(
        Agent.objects.order_by("pk").values_list(
            "pk",
            "external_id",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "arrival_date",
            "department_id",
            "manager_id",
            "is_active",
            "password",
        )
    )
    departments = list(Department.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    return agents, departments


def directory():
    """{matricule: (last, first, e-mail, job, arrival, department, manager e-mail, active)}."""
    return {
        agent.external_id: (
            agent.last_name,
            agent.first_name,
            agent.email,
            agent.job_title,
            agent.arrival_date,
            str(agent.department) if agent.department_id else None,
            agent.manager.email if agent.manager_id else None,
            agent.is_active,
        )
        for agent in Agent.objects.select_related("department__parent", "manager")
    }


# Hélène's manager, Marc, comes after her in the file.
GOOD_ROWS = [
    row(
        "004512",
        "Dupont",
        "Hélène",
        "Helene.Dupont@Ville.TEST",
        job_title="Responsable des écoles",
        arrival="01/09/2015",
        manager="Marc.Leroy@ville.test",
    ),
    row(
        "000078",
        "Leroy",
        "Marc",
        "marc.leroy@ville.test",
        service="",
        job_title="Directeur de l'éducation",
        arrival="2010-03-15",
    ),
    row(
        "000123",
        "Bernard",
        "Amélie",
        "amelie.bernard@ville.test",
        job_title="Gestionnaire",
        arrival="",
        manager="helene.dupont@ville.test",
    ),
]
EXPECTED = {
    "004512": (
        "Dupont",
        "Hélène",
        "helene.dupont@ville.test",
        "Responsable des écoles",
        datetime.date(2015, 9, 1),
        f"{EDUCATION} › {SCHOOLS}",
        "marc.leroy@ville.test",
        True,
    ),
    "000078": (
        "Leroy",
        "Marc",
        "marc.leroy@ville.test",
        "Directeur de l'éducation",
        datetime.date(2010, 3, 15),
        EDUCATION,
        None,
        True,
    ),
    "000123": (
        "Bernard",
        "Amélie",
        "amelie.bernard@ville.test",
        "Gestionnaire",
        None,
        f"{EDUCATION} › {SCHOOLS}",
        "helene.dupont@ville.test",
        True,
    ),
}


@pytest.fixture
def claire(department):
    """An agent already imported: matricule 000900, in the HR training service."""
    return Agent.objects.create_user(
        "claire.martin@ville.test",
        "motdepasse-solide",
        first_name="Claire",
        last_name="Martin",
        external_id="000900",
        job_title="Formatrice",
        arrival_date=datetime.date(2012, 1, 2),
        department=department,
    )


def claire_row(**changes):
    values = {
        "direction": HR,
        "service": TRAINING,
        "job_title": "Formatrice",
        "arrival": "02/01/2012",
        **changes,
    }
    return row("000900", "Martin", "Claire", "claire.martin@ville.test", **values)


def valid_rows():
    """Lines 2 and 3 of a refused file: an update and a creation that must not happen."""
    return [
        claire_row(job_title="Cheffe de service", service="Service paie"),
        row("004512", "Dupont", "Hélène", "helene.dupont@ville.test"),
    ]


@pytest.fixture
def before(claire):
    return state()


def assert_nothing_changed(before):
    after = state()
    assert len(after[0]) == len(before[0]), "agents were created or deleted"
    assert len(after[1]) == len(before[1]), "departments were created or deleted"
    assert after == before
    claire = Agent.objects.get(external_id="000900")
    assert claire.job_title == "Formatrice"
    assert str(claire.department) == f"{HR} › {TRAINING}"
    assert not Agent.objects.filter(external_id="004512").exists()


# A good file ---------------------------------------------------------------------------------


def test_a_good_file_creates_every_agent_with_every_field(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    assert directory() == EXPECTED


def test_the_matricule_is_kept_as_text_with_its_leading_zeros(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    assert set(Agent.objects.values_list("external_id", flat=True)) == {
        "004512",
        "000078",
        "000123",
    }


def test_the_email_is_stored_in_lower_case(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    assert Agent.objects.get(external_id="004512").email == "helene.dupont@ville.test"


def test_arrival_dates_are_read_day_first_and_in_iso_format(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    assert Agent.objects.get(external_id="004512").arrival_date == datetime.date(2015, 9, 1)
    assert Agent.objects.get(external_id="000078").arrival_date == datetime.date(2010, 3, 15)
    assert Agent.objects.get(external_id="000123").arrival_date is None


def test_the_department_is_the_service_under_its_direction(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    department = Agent.objects.get(external_id="004512").department
    assert department.name == SCHOOLS
    assert department.parent.name == EDUCATION
    assert department.parent.parent is None
    assert Agent.objects.get(external_id="000123").department == department


def test_the_department_is_the_direction_alone_when_the_service_is_empty(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    department = Agent.objects.get(external_id="000078").department
    assert department.name == EDUCATION
    assert department.parent is None


def test_a_manager_whose_line_comes_after_the_agent_is_set(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    helene = Agent.objects.get(external_id="004512")
    assert helene.manager == Agent.objects.get(external_id="000078")
    assert Agent.objects.get(external_id="000123").manager == helene
    assert Agent.objects.get(external_id="000078").manager is None


def test_new_agents_have_no_usable_password(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))

    assert not any(agent.has_usable_password() for agent in Agent.objects.all())


def test_the_summary_counts_the_created_agents_and_departments(tmp_path):
    output = run(tmp_path, csv_bytes(GOOD_ROWS))

    assert "3 agents read: 3 created, 0 updated, 0 unchanged; 2 departments created." in output
    assert Department.objects.count() == 2


def test_existing_departments_are_reused(tmp_path, department):
    rows = [row("000900", "Martin", "Claire", "claire@ville.test", HR, TRAINING)]

    output = run(tmp_path, csv_bytes(rows))

    assert Agent.objects.get(external_id="000900").department == department
    assert Department.objects.count() == 2
    assert "0 departments created" in output


def test_a_service_of_the_same_name_in_another_direction_is_another_department(
    tmp_path, department
):
    rows = [
        row("000001", "Un", "Agent", "un@ville.test", HR, TRAINING),
        row("000002", "Deux", "Agent", "deux@ville.test", EDUCATION, TRAINING),
    ]

    run(tmp_path, csv_bytes(rows))

    one = Agent.objects.get(external_id="000001").department
    two = Agent.objects.get(external_id="000002").department
    assert one == department
    assert two != department
    assert (two.name, two.parent.name) == (TRAINING, EDUCATION)


@pytest.mark.parametrize(
    "file_format",
    [
        {"delimiter": ","},
        {"encoding": "utf-8"},
        {"encoding": "cp1252", "newline": "\r\n"},
        {"delimiter": ",", "encoding": "cp1252", "newline": "\r\n"},
        {"newline": "\r\n"},
    ],
    ids=["comma", "utf-8-without-bom", "windows-1252-crlf", "comma-windows-1252-crlf", "crlf"],
)
def test_the_same_data_in_another_csv_format_gives_the_same_result(tmp_path, file_format):
    output = run(tmp_path, csv_bytes(GOOD_ROWS, **file_format))

    assert directory() == EXPECTED
    assert Agent.objects.get(external_id="004512").first_name == "Hélène"
    assert Department.objects.filter(name=EDUCATION, parent=None).exists()
    assert "3 created" in output


def test_headers_match_without_case_accents_spaces_or_typographic_apostrophes(tmp_path):
    header = [
        "MATRICULE",
        " nom ",
        "Prenom",
        "Courriel",
        "DIRECTION",
        "service",
        "Fonction",
        "Date d’arrivee",
        "Courriel  du responsable",
    ]

    run(tmp_path, csv_bytes(GOOD_ROWS, header=header))

    assert directory() == EXPECTED


def test_extra_columns_and_column_order_do_not_matter(tmp_path):
    order = [8, 7, 6, 5, 4, 3, 2, 1, 0]
    header = ["Téléphone", *[HEADER[index] for index in order]]
    rows = [["01 23 45 67 89", *[line[index] for index in order]] for line in GOOD_ROWS]

    run(tmp_path, csv_bytes(rows, header=header))

    assert directory() == EXPECTED


def test_a_quoted_value_containing_the_separator_is_read_whole(tmp_path):
    direction = "Direction de l'éducation, de l'enfance et de la jeunesse"
    rows = [row("000001", "Un", "Agent", "un@ville.test", direction, "")]

    run(tmp_path, csv_bytes(rows, delimiter=","))

    assert Agent.objects.get(external_id="000001").department.name == direction


def test_values_are_stripped_of_surrounding_spaces(tmp_path):
    rows = [[f"  {value} " for value in row("004512", "Dupont", "Hélène", "h@ville.test")]]

    run(tmp_path, csv_bytes(rows))

    helene = Agent.objects.get(external_id="004512")
    assert (helene.last_name, helene.email, helene.department.name) == (
        "Dupont",
        "h@ville.test",
        SCHOOLS,
    )


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file(tmp_path, before):
    bad = row("000001", "Un", "Agent", "un@ville.test", arrival="32/01/2024")
    data = csv_bytes([[], [""] * 9, *valid_rows(), bad])

    message = refusal(tmp_path, data)

    # Header on line 1, two blank lines, the valid rows on lines 4 and 5, the bad one on 6.
    assert "Line 6: “32/01/2024” is not a valid date (expected DD/MM/YYYY)." in message
    assert_nothing_changed(before)


# Re-importing and updating -------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    data = csv_bytes(GOOD_ROWS)
    run(tmp_path, data)
    first = state()

    output = run(tmp_path, data, name="encore.csv")

    assert state() == first
    assert directory() == EXPECTED
    assert "3 agents read: 0 created, 0 updated, 3 unchanged; 0 departments created." in output


def test_reimporting_in_another_format_changes_nothing(tmp_path):
    run(tmp_path, csv_bytes(GOOD_ROWS))
    first = state()

    output = run(
        tmp_path,
        csv_bytes(GOOD_ROWS, delimiter=",", encoding="cp1252", newline="\r\n"),
        name="encore.csv",
    )

    assert state() == first
    assert "0 created, 0 updated, 3 unchanged; 0 departments created." in output


def test_a_changed_job_title_updates_the_agent_and_counts_it_as_updated(tmp_path, claire):
    output = run(tmp_path, csv_bytes([claire_row(job_title="Cheffe de service")]))

    claire.refresh_from_db()
    assert claire.job_title == "Cheffe de service"
    assert "1 agents read: 0 created, 1 updated, 0 unchanged; 0 departments created." in output


def test_a_changed_service_moves_the_agent_to_a_new_service_of_its_direction(
    tmp_path, claire, department
):
    output = run(tmp_path, csv_bytes([claire_row(service="Service paie")]))

    claire.refresh_from_db()
    assert claire.department.name == "Service paie"
    assert claire.department.parent == department.parent
    assert Department.objects.count() == 3
    assert "0 created, 1 updated, 0 unchanged; 1 departments created." in output


def test_a_changed_arrival_date_and_name_update_the_agent(tmp_path, claire):
    output = run(
        tmp_path,
        csv_bytes(
            [
                row(
                    "000900",
                    "Martin-Durand",
                    "Claire",
                    "claire.martin@ville.test",
                    HR,
                    TRAINING,
                    "Formatrice",
                    "2013-01-02",
                )
            ]
        ),
    )

    claire.refresh_from_db()
    assert (claire.last_name, claire.arrival_date) == ("Martin-Durand", datetime.date(2013, 1, 2))
    assert "1 updated" in output


def test_a_changed_email_updates_the_agent(tmp_path, claire):
    rows = [
        row(
            "000900",
            "Martin",
            "Claire",
            "c.martin@ville.test",
            HR,
            TRAINING,
            "Formatrice",
            "02/01/2012",
        )
    ]

    output = run(tmp_path, csv_bytes(rows))

    claire.refresh_from_db()
    assert claire.email == "c.martin@ville.test"
    assert Agent.objects.count() == 1
    assert "1 updated" in output


def test_a_changed_manager_updates_the_agent(tmp_path, claire, make_agent):
    old = make_agent("Ancien", email="ancien@ville.test", external_id="000001")
    new = make_agent("Nouveau", email="nouveau@ville.test", external_id="000002")
    claire.manager = old
    claire.save()

    output = run(tmp_path, csv_bytes([claire_row(manager="Nouveau@Ville.test")]))

    claire.refresh_from_db()
    assert claire.manager == new
    assert "1 agents read: 0 created, 1 updated, 0 unchanged" in output


def test_an_emptied_manager_removes_the_manager(tmp_path, claire, make_agent):
    claire.manager = make_agent("Ancien", email="ancien@ville.test", external_id="000001")
    claire.save()

    output = run(tmp_path, csv_bytes([claire_row(manager="")]))

    claire.refresh_from_db()
    assert claire.manager is None
    assert "1 updated" in output


def test_an_unchanged_manager_in_the_database_is_not_an_update(tmp_path, claire, make_agent):
    claire.manager = make_agent("Chef", email="chef@ville.test", external_id="000001")
    claire.save()
    before = state()

    output = run(tmp_path, csv_bytes([claire_row(manager="CHEF@ville.test")]))

    assert state() == before
    assert "1 agents read: 0 created, 0 updated, 1 unchanged" in output


def test_an_updated_agent_keeps_its_account_and_password(tmp_path, claire):
    run(tmp_path, csv_bytes([claire_row(job_title="Cheffe de service")]))

    updated = Agent.objects.get(external_id="000900")
    assert updated.pk == claire.pk
    assert updated.check_password("motdepasse-solide")
    assert Agent.objects.count() == 1


# Agents absent from the file -----------------------------------------------------------------


def test_agents_absent_from_the_file_stay_active_and_are_listed(tmp_path, claire):
    output = run(tmp_path, csv_bytes(GOOD_ROWS))

    claire.refresh_from_db()
    assert claire.is_active
    assert "1 active agents are absent from the file (left active):" in output
    assert "  000900 Claire Martin <claire.martin@ville.test>" in output


def test_deactivate_missing_deactivates_the_absent_agents(tmp_path, claire):
    output = run(tmp_path, csv_bytes(GOOD_ROWS), "--deactivate-missing")

    claire.refresh_from_db()
    assert not claire.is_active
    assert "1 active agents are absent from the file (deactivated):" in output
    assert "  000900 Claire Martin <claire.martin@ville.test>" in output
    assert all(Agent.objects.get(external_id=m).is_active for m in EXPECTED)


def test_deactivate_missing_leaves_the_agents_of_the_file_active(tmp_path, claire):
    output = run(tmp_path, csv_bytes([claire_row()]), "--deactivate-missing")

    claire.refresh_from_db()
    assert claire.is_active
    assert "absent" not in output


def test_a_deactivated_agent_listed_again_is_reactivated(tmp_path, claire):
    run(tmp_path, csv_bytes(GOOD_ROWS), "--deactivate-missing")
    output = run(tmp_path, csv_bytes([*GOOD_ROWS, claire_row()]), name="retour.csv")

    claire.refresh_from_db()
    assert claire.is_active
    assert "1 updated" in output


def test_agents_without_matricule_are_never_listed_nor_deactivated(tmp_path, agent):
    output = run(tmp_path, csv_bytes(GOOD_ROWS), "--deactivate-missing")

    agent.refresh_from_db()
    assert agent.is_active
    assert agent.external_id is None
    assert "absent" not in output
    assert agent.email not in output


def test_inactive_agents_are_not_listed_as_absent(tmp_path, claire):
    claire.is_active = False
    claire.save()

    output = run(tmp_path, csv_bytes(GOOD_ROWS))

    assert "absent" not in output
    assert "000900" not in output


# Agents created by hand ----------------------------------------------------------------------


def test_an_agent_created_by_hand_with_the_same_email_is_adopted(tmp_path, agent):
    rows = [row("000555", "Martin", "Claire", "Agent@Ville.test", HR, TRAINING, "Formatrice")]

    output = run(tmp_path, csv_bytes(rows))

    assert Agent.objects.count() == 1
    adopted = Agent.objects.get()
    assert adopted.pk == agent.pk
    assert adopted.external_id == "000555"
    assert adopted.job_title == "Formatrice"
    assert adopted.department == agent.department
    assert adopted.check_password("motdepasse-solide")
    assert "1 agents read: 0 created, 1 updated, 0 unchanged; 0 departments created." in output


def test_an_adopted_agent_can_manage_and_be_managed_by_new_agents(tmp_path, agent):
    rows = [
        row("000555", "Martin", "Claire", "agent@ville.test", manager="chef@ville.test"),
        row("000556", "Chef", "Paul", "chef@ville.test"),
        row("000557", "Petit", "Léa", "lea@ville.test", manager="agent@ville.test"),
    ]

    run(tmp_path, csv_bytes(rows))

    adopted = Agent.objects.get(pk=agent.pk)
    assert adopted.manager == Agent.objects.get(external_id="000556")
    assert Agent.objects.get(external_id="000557").manager == adopted
    assert Agent.objects.count() == 3


# Refused files: nothing changes and the message says where -----------------------------------


def test_a_missing_column_is_refused_naming_the_column(tmp_path, before):
    header = [name for name in HEADER if name != "Fonction"]
    rows = [[value for index, value in enumerate(line) if index != 6] for line in valid_rows()]

    message = refusal(tmp_path, csv_bytes(rows, header=header))

    assert "Line 1: the column “fonction” is missing." in message
    assert_nothing_changed(before)


def test_the_missing_matricule_column_is_refused(tmp_path, before):
    header = ["Numéro", *HEADER[1:]]

    message = refusal(tmp_path, csv_bytes(valid_rows(), header=header))

    assert "Line 1: the column “matricule” is missing." in message
    assert_nothing_changed(before)


def test_a_repeated_column_is_refused(tmp_path, before):
    header = [*HEADER, "Courriel"]
    rows = [[*line, "x@ville.test"] for line in valid_rows()]

    message = refusal(tmp_path, csv_bytes(rows, header=header))

    assert "Line 1: the column “e-mail” appears more than once." in message
    assert_nothing_changed(before)


def test_a_duplicate_matricule_is_refused_with_both_line_numbers(tmp_path, before):
    rows = [*valid_rows(), row("004512", "Durand", "Paul", "paul.durand@ville.test")]

    message = refusal(tmp_path, csv_bytes(rows))

    assert "Line 4: the matricule “004512” is already used on line 3." in message
    assert_nothing_changed(before)


def test_a_duplicate_email_is_refused_with_both_line_numbers(tmp_path, before):
    rows = [*valid_rows(), row("000001", "Dupont", "Hélène", "HELENE.DUPONT@ville.test")]

    message = refusal(tmp_path, csv_bytes(rows))

    assert "Line 4: the e-mail “helene.dupont@ville.test” is already used on line 3." in message
    assert_nothing_changed(before)


@pytest.mark.parametrize("value", ["31/02/2024", "2024-02-30", "2024/09/01", "1er septembre"])
def test_a_bad_date_is_refused(tmp_path, before, value):
    rows = [*valid_rows(), row("000001", "Un", "Agent", "un@ville.test", arrival=value)]

    message = refusal(tmp_path, csv_bytes(rows))

    assert f"Line 4: “{value}” is not a valid date (expected DD/MM/YYYY)." in message
    assert_nothing_changed(before)


def test_an_unknown_manager_email_is_refused(tmp_path, before):
    rows = [*valid_rows(), row("000001", "Un", "Agent", "un@ville.test", manager="x@ville.test")]

    message = refusal(tmp_path, csv_bytes(rows))

    assert "Line 4: the manager “x@ville.test” is neither in the file nor a known agent." in (
        message
    )
    assert_nothing_changed(before)


def test_a_manager_known_in_the_database_but_absent_from_the_file_is_accepted(tmp_path, claire):
    rows = [row("000001", "Un", "Agent", "un@ville.test", manager="Claire.Martin@ville.test")]

    run(tmp_path, csv_bytes(rows))

    assert Agent.objects.get(external_id="000001").manager == claire


@pytest.mark.parametrize("column", [3, 8], ids=["e-mail", "manager-e-mail"])
def test_an_invalid_email_is_refused(tmp_path, before, column):
    bad = row("000001", "Un", "Agent", "un@ville.test")
    bad[column] = "pas-une-adresse@"

    message = refusal(tmp_path, csv_bytes([*valid_rows(), bad]))

    assert "Line 4: “pas-une-adresse@” is not a valid e-mail address." in message
    assert_nothing_changed(before)


@pytest.mark.parametrize(
    ("column", "label"),
    [(0, "matricule"), (1, "nom"), (2, "prénom"), (4, "direction")],
)
def test_an_empty_required_value_is_refused(tmp_path, before, column, label):
    bad = row("000001", "Un", "Agent", "un@ville.test")
    bad[column] = "   "

    message = refusal(tmp_path, csv_bytes([*valid_rows(), bad]))

    assert f"Line 4: the “{label}” value is empty." in message
    assert_nothing_changed(before)


@pytest.mark.parametrize(
    ("cells", "count"),
    [(["000001", "Un", "Agent", "un@ville.test"], 4), ([*row("1", "U", "A", "u@v.fr"), ""], 10)],
    ids=["too-few", "too-many"],
)
def test_a_line_with_the_wrong_number_of_columns_is_refused(tmp_path, before, cells, count):
    message = refusal(tmp_path, csv_bytes([*valid_rows(), cells]))

    assert f"Line 4: {count} columns instead of 9." in message
    assert_nothing_changed(before)


def test_an_email_used_by_another_matricule_in_the_database_is_refused(tmp_path, before):
    rows = [*valid_rows(), row("000001", "Martin", "Claire", "Claire.Martin@ville.test")]
    rows.pop(0)  # Claire's own line would be a duplicate e-mail in the file.

    message = refusal(tmp_path, csv_bytes(rows))

    assert (
        "Line 3: the e-mail “claire.martin@ville.test” belongs to the agent with matricule 000900."
        in message
    )
    assert_nothing_changed(before)


def test_an_agent_who_is_their_own_manager_is_refused(tmp_path, before):
    rows = [*valid_rows(), row("000001", "Un", "Agent", "un@ville.test", manager="UN@ville.test")]

    message = refusal(tmp_path, csv_bytes(rows))

    assert "Line 4: an agent cannot be their own manager." in message
    assert_nothing_changed(before)


def test_a_file_with_several_problems_lists_all_of_them(tmp_path, before):
    rows = [
        *valid_rows(),
        row("000001", "Un", "Agent", "un@ville.test", arrival="31/02/2024"),
        row("000002", "", "Agent", "deux@ville.test"),
        row("000003", "Trois", "Agent", "trois@"),
        ["000004", "Quatre"],
        row("000005", "Cinq", "Agent", "cinq@ville.test", manager="inconnu@ville.test"),
        row("004512", "Six", "Agent", "six@ville.test"),
    ]

    message = refusal(tmp_path, csv_bytes(rows))

    expected = [
        "Line 4: “31/02/2024” is not a valid date (expected DD/MM/YYYY).",
        "Line 5: the “nom” value is empty.",
        "Line 6: “trois@” is not a valid e-mail address.",
        "Line 7: 2 columns instead of 9.",
        "Line 9: the matricule “004512” is already used on line 3.",
        "Line 8: the manager “inconnu@ville.test” is neither in the file nor a known agent.",
    ]
    problems = message.splitlines()[1:]
    assert sorted(problems) == sorted(expected)
    assert_nothing_changed(before)


def test_several_missing_columns_are_all_listed(tmp_path, before):
    header = HEADER[:4] + ["Pôle", "Bureau", *HEADER[6:]]

    message = refusal(tmp_path, csv_bytes(valid_rows(), header=header))

    assert "Line 1: the column “direction” is missing." in message
    assert "Line 1: the column “service” is missing." in message
    assert_nothing_changed(before)


@pytest.mark.parametrize("data", [b"", b"  \r\n\n \t\n"], ids=["zero-bytes", "blank-lines"])
def test_an_empty_file_is_refused(tmp_path, before, data):
    message = refusal(tmp_path, data)

    assert "The file is empty." in message
    assert_nothing_changed(before)


def test_a_file_of_empty_cells_is_refused_as_empty(tmp_path, before):
    message = refusal(tmp_path, b";;;;\n;;;;\n")

    assert "The file is empty." in message
    assert_nothing_changed(before)


def test_a_file_with_only_a_byte_order_mark_is_refused_as_empty(tmp_path, before):
    # What a spreadsheet writes when an empty sheet is saved as "CSV UTF-8".
    message = refusal(tmp_path, b"\xef\xbb\xbf\r\n")

    assert "The file is empty." in message
    assert_nothing_changed(before)


def test_a_header_only_file_is_refused(tmp_path, before):
    message = refusal(tmp_path, csv_bytes([], newline="\r\n") + b";;;;;;;;\r\n")

    assert "The file has a header but no agent." in message
    assert_nothing_changed(before)


def test_a_binary_file_is_refused(tmp_path, before):
    data = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + csv_bytes(valid_rows())

    message = refusal(tmp_path, data)

    # A zip archive is the most common binary file: an .xlsx workbook not saved as CSV.
    assert "This is a spreadsheet workbook (.xlsx or .ods), not a CSV file" in message
    assert_nothing_changed(before)


def test_a_file_in_an_unknown_encoding_is_refused(tmp_path, before):
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252.
    data = csv_bytes(valid_rows()) + b"000001;\x81\x8d;A;a@ville.test;D;;;;\n"

    message = refusal(tmp_path, data)

    assert "The file's encoding is not recognised (expected UTF-8 or Windows-1252)." in message
    assert_nothing_changed(before)


def test_a_file_with_no_separator_is_refused(tmp_path, before):
    data = "Matricule\tNom\tPrénom\tE-mail\n004512\tDupont\tHélène\th@ville.test\n".encode()

    message = refusal(tmp_path, data)

    assert "The first line has no column separator (“;” or “,”)." in message
    assert_nothing_changed(before)


def test_a_nonexistent_path_is_refused(tmp_path, before):
    path = tmp_path / "absent.csv"

    with pytest.raises(CommandError) as info, override("en"):
        call_command("import_agents", str(path), stdout=io.StringIO())

    assert str(info.value) == f"Cannot read {path}: No such file or directory"
    assert_nothing_changed(before)


def test_a_directory_instead_of_a_file_is_refused(tmp_path, before):
    with pytest.raises(CommandError) as info, override("en"):
        call_command("import_agents", str(tmp_path), stdout=io.StringIO())

    assert str(info.value).startswith(f"Cannot read {tmp_path}: ")
    assert_nothing_changed(before)


def test_refusal_messages_name_the_line_and_value_in_the_default_language(tmp_path, before):
    rows = [*valid_rows(), row("000001", "Un", "Agent", "un@ville.test", arrival="31/02/2024")]
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes(rows))

    with pytest.raises(CommandError) as info:
        call_command("import_agents", str(path), stdout=io.StringIO())

    problem = str(info.value).splitlines()[-1]
    assert " 4" in problem
    assert "31/02/2024" in problem
    assert_nothing_changed(before)


def test_an_email_of_an_agent_without_matricule_cannot_be_taken_by_another_matricule(
    tmp_path, claire, agent
):
    """Claire (000900) gets the e-mail of an agent created by hand, who has no matricule."""
    before = state()
    rows = [row("000900", "Martin", "Claire", "Agent@Ville.test", HR, TRAINING, "Formatrice")]

    message = refusal(tmp_path, csv_bytes(rows))

    assert "Line 2" in message
    assert "agent@ville.test" in message
    assert "Try again" not in message
    assert state() == before
