"""The corpus of malformed files in tests/data/malformed: each gets its message, none a crash.

`manifest.csv` lists every file with what must happen to it (refused with a message, or
accepted) and why. A refused file writes nothing, through the command as through the admin.
"""

import csv
import html
import io
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import override

from intranet.accounts import commands
from intranet.accounts.models import Agent, Department
from practices import services as practices_services
from skills.models import PixImport, PixParticipation

from .support.practices import make_charter
from .support.skills import database_state, skills_officer

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "malformed"
REFUSED, ACCEPTED = "refusé", "accepté"
COMMANDS = {"agents": "import_agents", "pix": "import_pix"}


def manifest():
    with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def cases(importer=None):
    return [
        pytest.param(row, id=f"{row['importateur']}/{row['fichier']}")
        for row in manifest()
        if importer in (None, row["importateur"])
    ]


def every_row():
    """What either importer can write, to show that a refused file wrote nothing."""
    return (
        list(Agent.objects.order_by("pk").values()),
        list(Department.objects.order_by("pk").values()),
        database_state(),
    )


def run_command(row):
    out = io.StringIO()
    with override("fr"):
        call_command(COMMANDS[row["importateur"]], str(path_of(row)), stdout=out)
    return out.getvalue()


def path_of(row):
    return CORPUS / row["importateur"] / row["fichier"]


def test_the_manifest_lists_every_file_of_the_corpus_and_only_them():
    listed = {(row["importateur"], row["fichier"]) for row in manifest()}
    on_disk = {(path.parent.name, path.name) for path in CORPUS.glob("*/*.csv")}
    assert listed == on_disk
    assert {row["résultat"] for row in manifest()} == {REFUSED, ACCEPTED}


@pytest.mark.parametrize("row", cases())
def test_the_import_command_answers_each_malformed_file_as_the_manifest_says(row):
    before = every_row()
    if row["résultat"] == REFUSED:
        with pytest.raises(CommandError) as refused:
            run_command(row)
        message = str(refused.value)
        assert message.startswith("Le fichier est refusé, rien n’a été modifié :")
        assert row["message attendu"] in message
        assert every_row() == before
    else:
        assert row["message attendu"] in run_command(row)
        assert every_row() != before


@pytest.fixture
def officer_client(client, site):
    client.force_login(skills_officer())
    return client


@pytest.mark.parametrize("row", cases("pix"))
def test_the_pix_upload_answers_each_malformed_file_as_the_manifest_says(officer_client, row):
    before = database_state()
    upload = io.BytesIO(path_of(row).read_bytes())
    upload.name = row["fichier"]
    with override("fr"):
        # The upload is imported in the background; its page gives the outcome.
        response = officer_client.post(
            reverse("skills_import_pix"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="fr", follow=True
        )
    job = PixImport.objects.first()
    if row["résultat"] == REFUSED:
        assert response.status_code == 200
        # An empty upload is stopped by Django's own file field, with its own message.
        expected = (
            "Le fichier soumis est vide." if not upload.getvalue() else row["message attendu"]
        )
        assert expected in html.unescape(response.content.decode())
        assert database_state() == before
        assert job is None or job.status == PixImport.Status.REFUSED
    else:
        assert job.status == PixImport.Status.DONE
        assert database_state() != before


@pytest.mark.parametrize("importer", COMMANDS)
def test_a_two_megabyte_line_is_refused_at_once(importer):
    started = time.monotonic()
    with pytest.raises(CommandError):
        run_command({"importateur": importer, "fichier": "ligne-enorme.csv"})
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("importer", COMMANDS)
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(importer, tmp_path, monkeypatch):
    monkeypatch.setattr(commands, "MAX_FILE_SIZE", 1000)
    big = tmp_path / "annuaire.csv"
    big.write_bytes(b"x;y\n" * 500)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with override("fr"), pytest.raises(CommandError) as refused:
        call_command(COMMANDS[importer], str(big))
    assert "Le fichier est trop volumineux" in str(refused.value)


# Formula injection: names are kept as typed; the spreadsheets we export neutralise them.


def test_agents_named_like_formulas_are_stored_as_typed_and_neutralised_in_exports(
    client, site, make_agent
):
    run_command({"importateur": "agents", "fichier": "injection-formule.csv"})
    agent = Agent.objects.get(external_id="A100")
    assert (agent.last_name, agent.first_name) == ("=cmd|' /C calc'!A0", "@SOMME(A1:A9)")
    assert agent.job_title == '=HYPERLINK("http://x.test")'
    assert agent.department.name == "-Service"
    assert agent.department.parent.name == "+Direction"

    practices_services.sign_charter(make_charter(site), agent)
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    response = client.get(reverse("practices:adhesion_csv"))
    cells = [
        cell
        for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        for cell in line
    ]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


def test_pix_participants_named_like_formulas_are_stored_as_typed():
    run_command({"importateur": "pix", "fichier": "injection-formule.csv"})
    participation = PixParticipation.objects.get()
    assert (participation.last_name, participation.first_name) == (
        "=cmd|' /C calc'!A0",
        "@SOMME(A1:A9)",
    )
