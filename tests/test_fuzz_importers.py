"""Property: the HR directory and PIX importers answer any file with a report or a refusal
that lists its problems; never another exception, never a half-written import."""

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from intranet.accounts.importers import DIRECTORY_HEADER, import_agents
from intranet.accounts.models import Agent, Department
from intranet.core.files import ImportRefused
from skills.importers import import_pix
from skills.models import CompetenceResult, PixImport, PixParticipation

from .support.skills import PIX_FILES, database_state, fixture_agents, skills_officer

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
prefixes = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04"])
raw_files = st.tuples(prefixes, st.binary(max_size=2000)).map(b"".join)


def agents_state():
    return list(Agent.objects.order_by("pk").values()), list(
        Department.objects.order_by("pk").values()
    )


def refused_or_done(importer, refusal, data, state):
    """Run the importer in a savepoint rolled back afterwards; check all-or-nothing."""
    with transaction.atomic():
        before = state()
        try:
            report = importer(data)
        except refusal as error:
            event("refused")
            assert error.problems and all(isinstance(problem, str) for problem in error.problems)
            assert state() == before
            report = None
        else:
            event("imported")
        yield report
        transaction.set_rollback(True)


# The HR directory.

COLUMNS = DIRECTORY_HEADER


def mostly(valid, fuzz):
    """What an HR export would hold four times in five, anything else otherwise."""
    return st.integers(0, 4).flatmap(lambda draw: fuzz if draw == 0 else st.just(valid))


emails = st.one_of(st.sampled_from(["a@ville.test", "C@Ville.test"]), st.emails(), texts)
agent_dates = st.one_of(st.dates().map(lambda day: day.strftime("%d/%m/%Y")), texts)


def agent_row(number):
    """A line as the HR software writes it four times in five, else with any cells."""
    valid = {
        "Matricule": f"M{number:04d}",
        "Nom": "Martin",
        "Prénom": "Claire",
        "E-mail": f"agent{number}@ville.test",
        "Direction": "Direction A",
        "Service": "",
        "Fonction": "Agente",
        "Date d'arrivée": "01/09/2015",
        "E-mail du responsable": "",
    }
    fuzzed = st.fixed_dictionaries(
        {
            "Matricule": st.one_of(st.just("M0000"), texts),
            "Nom": texts,
            "Prénom": texts,
            "E-mail": emails,
            "Direction": texts,
            "Service": texts,
            "Fonction": texts,
            "Date d'arrivée": agent_dates,
            "E-mail du responsable": emails,
        }
    ).flatmap(
        lambda cells: st.fixed_dictionaries(
            {key: mostly(valid[key], st.just(value)) for key, value in cells.items()}
        )
    )
    return mostly(valid, fuzzed)


@st.composite
def directory_files(draw):
    """A CSV a spreadsheet could write: columns shuffled, sometimes dropped or repeated,
    any cells."""
    header = draw(st.permutations(COLUMNS))
    header = header[: draw(mostly(len(header), st.integers(len(header) - 1, len(header))))]
    header += draw(st.lists(st.sampled_from(COLUMNS + ["Téléphone"]), max_size=1))
    rows = [draw(agent_row(number)) for number in range(draw(st.integers(0, 5)))]
    delimiter = draw(st.sampled_from([";", ","]))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.getvalue().encode(encoding, errors="replace"), len(rows)


@FUZZ
@given(data=raw_files)
def test_any_bytes_given_to_the_directory_import_are_refused_cleanly(agent, data):
    for _report in refused_or_done(import_agents, ImportRefused, data, agents_state):
        pass


@FUZZ
@given(file=directory_files())
def test_any_directory_like_file_is_imported_whole_or_refused(agent, file):
    data, rows = file
    for report in refused_or_done(import_agents, ImportRefused, data, agents_state):
        if report is not None:
            # Whole: every line of the file is an agent now, none was skipped.
            assert report.rows == rows
            assert report.created + report.updated + report.unchanged == rows
            assert Agent.objects.filter(external_id__isnull=False).count() >= rows


# PIX exports.

PIX_EXPORT = (PIX_FILES / "collecte-2025.csv").read_bytes().decode("utf-8-sig").splitlines()
pix_cells = st.one_of(
    texts,
    st.integers(-10, 1000).map(str),
    st.sampled_from(["", "NA", "Oui", "Non", "8", "9", "41", "'=1+1", "31/12/2025 25:00"]),
)


@st.composite
def pix_like_files(draw):
    """The real export with some cells replaced, some lines cut or repeated."""
    lines = [next(csv.reader([line], delimiter=";")) for line in PIX_EXPORT]
    for _ in range(draw(st.integers(1, 6))):
        line = draw(st.integers(0, len(lines) - 1))
        column = draw(st.integers(0, len(lines[line]) - 1))
        lines[line][column] = draw(pix_cells)
    lines = lines[: draw(st.integers(1, len(lines)))]
    lines += draw(st.lists(st.sampled_from(lines), max_size=2))
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(lines)
    return text.getvalue().encode("utf-8")


@pytest.fixture
def pix_agents(db):
    return fixture_agents()


@FUZZ
@given(data=pix_like_files())
def test_any_pix_like_export_is_imported_whole_or_refused(pix_agents, data):
    for report in refused_or_done(import_pix, ImportRefused, data, database_state):
        if report is not None:
            assert PixParticipation.objects.count() == report.participants
            assert not CompetenceResult.objects.filter(level__gt=8).exists()
            assert not CompetenceResult.objects.filter(level__lt=0).exists()


@pytest.fixture
def officer_client(client, site):
    client.force_login(skills_officer())
    return client


@FUZZ
@given(data=raw_files)
def test_any_bytes_uploaded_as_a_pix_export_get_a_page(officer_client, data):
    client = officer_client
    with transaction.atomic():
        before = database_state()
        upload = io.BytesIO(data)
        upload.name = "export.csv"
        # Imported in the background: the upload's page, or the import's page, answers.
        response = client.post(reverse("skills_import_pix"), {"file": upload}, follow=True)
        assert response.status_code == 200
        job = PixImport.objects.first()
        event(job.get_status_display() if job else "refused by the form")
        assert job is None or job.status in (PixImport.Status.DONE, PixImport.Status.REFUSED)
        if job is None or job.status != PixImport.Status.DONE:
            assert database_state() == before
        transaction.set_rollback(True)
