"""PIX imports in the background: the upload is stored and queued, a worker imports it, the
uploader follows its progress and reads its report on a page only they (and superusers) see.

The full-size tests use a generated export of 77,631 lines (the size that timed out inside
the request) and are marked ``slow``: they run by default.
"""

import html
import importlib
import io
import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from intranet.accounts.models import Agent
from skills.forms import MAX_UPLOAD_SIZE
from skills.framework import COMPETENCES, ensure_framework
from skills.models import Area, Competence, PixCampaign, PixImport, PixParticipation
from skills.tasks import run_pix_import

from .support.skills import database_state, fixture_agents, pix_file, skills_officer

IMPORT_URL = reverse("skills_import_pix")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FULL_SIZE = 77_631  # lines, the header included: the file that timed out inside the request
MATCHED_AGENTS = 100


def french(message):
    """A message as the French catalogue gives it (the English text until it is translated)."""
    with translation.override("fr"):
        return gettext(message)


def text(response):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def job_url(job):
    return reverse("skills_import_pix_job", args=[job.pk])


def upload(name, content, dry_run=False):
    data = {"file": SimpleUploadedFile(name, content, "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return data


def cell(value):
    """A value as PIX writes it (docs: pix-exports.md): digits bare, text quoted."""
    if isinstance(value, int) or re.fullmatch(r"[0-9-]+", value):
        return str(value)
    if value.startswith(("-", "@", "=", "+")):
        value = "'" + value
    return '"' + value.replace('"', '""') + '"'


def profiles_export(lines, bad_last_line=False):
    """A profiles-collection export of ``lines`` lines (header included), each participant
    once: every tenth has not sent their profile; the first ones are agents' matricules."""
    header = [
        "Nom de l'organisation",
        "ID Campagne",
        "Code",
        "Nom de la campagne",
        "Nom du Participant",
        "Prénom du Participant",
        "Direction",
        "Matricule agent",
        "Envoi (O/N)",
        "Date et heure de l'envoi (Europe/Paris)",
        "Nombre de pix total",
        "Certifiable (O/N)",
        "Nombre de compétences certifiables",
    ]
    for _code, name in COMPETENCES:
        header += [f"Niveau pour la compétence {name}", f"Nombre de pix pour la compétence {name}"]
    rows = [";".join(f'"{title}"' for title in header)]
    campaign = ["Ville de Démo", 287412, "RZKPWT384", "Diagnostic numérique 2026"]
    for number in range(1, lines):
        identity = [f"Nom{number}", "Prénom", f"Direction {number % 12}", f"{number:06d}"]
        if number == 7:
            identity[0] = "-Tiret"  # guarded by PIX with a quote, which the import removes
        if number % 10 == 0:
            values = ["Non", *["NA"] * (4 + 2 * len(COMPETENCES))]
        else:
            pix = [(number * 7 + index * 5) % 57 for index in range(len(COMPETENCES))]
            levels = [min(value // 8, 7) for value in pix]
            certifying = sum(level >= 1 for level in levels)
            values = ["Oui", "14/01/2026 10:32", sum(pix), "Oui" if certifying >= 5 else "Non"]
            values += [
                certifying,
                *(value for pair in zip(levels, pix, strict=True) for value in pair),
            ]
        rows.append(";".join(cell(value) for value in [*campaign, *identity, *values]))
    if bad_last_line:
        rows[-1] = re.sub(r'"(Oui|Non)"', '"Peut-être"', rows[-1], count=1)
    return ("\ufeff" + "\n".join(rows) + "\n").encode()


def matched_agents():
    Agent.objects.bulk_create(
        Agent(
            email=f"agent{number}@ville.test",
            external_id=f"{number:06d}",
            first_name="Prénom",
            last_name=f"Nom{number}",
        )
        for number in range(1, MATCHED_AGENTS + 1)
    )


@pytest.fixture
def officer(db, site):
    fixture_agents()
    return skills_officer()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def database_queue(settings):
    """Tasks queued in the database for a worker, as in production."""
    settings.TASKS = DATABASE_QUEUE


# The request only stores and queues.


def test_an_upload_is_stored_and_queued_and_the_request_imports_nothing(
    officer_client, officer, database_queue
):
    content = pix_file("collecte-2025.csv")

    response = officer_client.post(IMPORT_URL, upload("collecte-2025.csv", content))

    job = PixImport.objects.get()
    assert response.status_code == 302
    assert response.url == job_url(job)
    assert job.status == PixImport.Status.QUEUED
    assert bytes(job.data) == content
    assert (job.file_name, job.file_size, job.uploaded_by) == (
        "collecte-2025.csv",
        len(content),
        officer,
    )
    task = DBTaskResult.objects.get()
    assert task.task_path == "skills.tasks.run_pix_import"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert str(task.pk) == job.task_id
    assert not PixCampaign.objects.exists()
    assert not PixParticipation.objects.exists()


def test_the_page_of_a_waiting_import_says_so_and_follows_it(officer_client, database_queue):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()

    response = officer_client.get(job_url(job))

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # fetched again and again, never cached
    status = re.search(r'<p role="status"[^>]*data-pix-import-status>\s*(.*?)\s*</p>', page, re.S)
    assert html.unescape(status.group(1)) == french(
        "Waiting to start: the import begins as soon as the server is free."
    )
    assert 'data-finished="false"' in page
    assert "skills/import-progress.js" in page
    assert f'<a href="{job_url(job)}">' in page  # refreshing by hand, without JavaScript
    assert "<progress" not in page  # nothing to measure yet, and nothing that moves


def test_the_page_shows_how_far_the_running_step_went(officer_client, officer):
    job = PixImport.objects.create(
        uploaded_by=officer,
        file_name="export.csv",
        file_size=10,
        data=b"x",
        status=PixImport.Status.CHECKING,
        progress_done=5000,
        progress_total=77630,
    )

    page = officer_client.get(job_url(job)).content.decode()

    assert '<label for="pix-import-progress">' in page
    assert '<progress id="pix-import-progress" max="77630" value="5000">6 %</progress>' in page
    assert html.unescape(page).count(french("Import running: checking the file.")) == 1


def test_a_worker_imports_the_queued_file_and_deletes_it(officer_client, database_queue):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    # The worker runs the task by its queued arguments, as db_worker does.
    task = DBTaskResult.objects.get()
    task.task.call(*task.args_kwargs["args"])

    job.refresh_from_db()
    response = officer_client.get(job_url(job))

    assert job.status == PixImport.Status.DONE
    assert job.data is None
    assert job.campaign == PixCampaign.objects.get(pix_id="287412")
    assert PixParticipation.objects.filter(campaign=job.campaign).count() == 5
    page = text(response)
    assert "Campagne « Diagnostic numérique 2025 »" in page
    assert french(
        "The uploaded file was deleted when the import ended: it held personal data."
    ) in (page)
    assert 'data-finished="true"' in response.content.decode()
    assert "skills/import-progress.js" not in response.content.decode()


def test_a_refused_file_is_reported_with_its_lines_and_deleted(officer_client):
    before = database_state()

    response = officer_client.post(
        IMPORT_URL,
        upload("refus-niveau-hors-bornes.csv", pix_file("refus-niveau-hors-bornes.csv")),
        follow=True,
    )

    job = PixImport.objects.get()
    assert job.status == PixImport.Status.REFUSED
    assert job.data is None
    page = text(response)
    assert "Le fichier a été refusé ; rien n’a été importé." in page
    assert "Ligne 3, colonne P (« Niveau pour la compétence Gérer des données ») :" in page
    assert database_state() == before


def test_a_check_lists_the_unmatched_participants_and_keeps_nothing(officer_client):
    response = officer_client.post(
        IMPORT_URL,
        upload("evaluation-2025.csv", pix_file("evaluation-2025.csv"), dry_run=True),
        follow=True,
    )

    job = PixImport.objects.get()
    assert (job.status, job.dry_run, job.campaign, job.data) == (
        PixImport.Status.DONE,
        True,
        None,
        None,
    )
    page = text(response)
    assert "Le fichier est valide. Rien n’a encore été importé." in page
    assert "Stagiaire Alex" in page
    assert not PixCampaign.objects.exists()


def test_an_error_while_writing_leaves_nothing_written_and_the_job_failed(officer_client):
    # A competence missing from the database: the import fails after its first inserts.
    Competence.objects.filter(code="5.2").delete()
    before = database_state()

    response = officer_client.post(
        IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")), follow=True
    )

    job = PixImport.objects.get()
    assert job.status == PixImport.Status.FAILED
    assert job.data is None
    assert database_state() == before
    assert "Le fichier a été refusé" not in text(response)
    assert french("The import failed; nothing was imported.") in text(response)


def test_a_task_run_again_after_its_import_ended_changes_nothing(officer_client):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    before = (database_state(), list(PixImport.objects.values()))

    assert run_pix_import.call(job.pk) is None

    assert (database_state(), list(PixImport.objects.values())) == before


def test_an_import_whose_task_ended_without_it_is_shown_failed_and_its_file_deleted(
    officer_client, database_queue
):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    PixImport.objects.filter(pk=job.pk).update(status=PixImport.Status.WRITING)
    # What the worker's recovery records for a task whose worker died twice.
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")

    response = officer_client.get(job_url(job))

    job.refresh_from_db()
    assert (job.status, job.data) == (PixImport.Status.FAILED, None)
    assert french("The import failed; nothing was imported.") in text(response)


# Who sees an import.


def test_another_skills_officer_cannot_see_an_import(officer_client, client):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    client.force_login(skills_officer("autre.referente@ville.test"))

    assert client.get(job_url(job)).status_code == 404
    assert "collecte-2025.csv" not in client.get(IMPORT_URL).content.decode()


def test_a_superuser_sees_every_import(officer_client, client):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    client.force_login(Agent.objects.create_superuser("admin@ville.test", "motdepasse-solide"))

    assert client.get(job_url(job)).status_code == 200
    assert "collecte-2025.csv" in client.get(IMPORT_URL).content.decode()


def test_an_uploader_who_is_no_longer_skills_officer_cannot_see_the_import(
    officer_client, officer
):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()
    officer.groups.remove(Group.objects.get(name="Référents compétences"))
    officer.groups.add(Group.objects.get(name="Éditeurs"))

    assert officer_client.get(job_url(job)).status_code == 403


def test_the_upload_page_lists_the_officers_own_latest_imports(officer_client):
    officer_client.post(IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")))
    job = PixImport.objects.get()

    page = officer_client.get(IMPORT_URL).content.decode()

    assert f'<a href="{job_url(job)}">collecte-2025.csv</a>' in page


# Full size: 77,631 lines, 18 MB.


@pytest.fixture
def reference_data(transactional_db):
    """The rows the migrations create, gone after an earlier test flushed the database."""
    from django.apps import apps

    roles = importlib.import_module("intranet.accounts.migrations.0002_role_groups")
    roles.create_roles(apps, None)
    ensure_framework(Area, Competence)


class ImportPageWatcher(threading.Thread):
    """The uploader's browser, reloading the import's page while the worker imports."""

    def __init__(self, client, url):
        super().__init__(daemon=True)
        self.client, self.url = client, url
        self.seen = []  # (status, done, total)
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.is_set():
                try:
                    page = html.unescape(self.client.get(self.url).content.decode())
                except OperationalError:  # SQLite's shared test database: a table is busy
                    continue
                status = re.search(r"data-pix-import-status>\s*(.*?)\s*</p>", page, re.S)
                bar = re.search(
                    r'<progress id="pix-import-progress" max="(\d+)" value="(\d+)"', page
                )
                total, done = (int(bar.group(1)), int(bar.group(2))) if bar else (0, 0)
                self.seen.append((status.group(1), done, total))
                self.stopped.wait(0.2)
        finally:
            connection.close()

    def saw_progress(self, status):
        return any(seen == french(status) and 0 < done < total for seen, done, total in self.seen)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_full_size_export_is_queued_at_once_then_imported_with_its_progress_shown(
    reference_data, site, settings
):
    settings.TASKS = DATABASE_QUEUE
    matched_agents()
    officer = skills_officer()
    client = Client()
    client.force_login(officer)
    content = profiles_export(FULL_SIZE)
    assert content.count(b"\n") == FULL_SIZE
    assert len(content) <= MAX_UPLOAD_SIZE

    response = client.post(IMPORT_URL, upload("collecte-complete.csv", content))

    job = PixImport.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert job.status == PixImport.Status.QUEUED
    assert not PixParticipation.objects.exists()

    # The uploader's page, reloaded while the worker imports. Only on PostgreSQL: SQLite's
    # shared in-memory test database answers "table is locked" to concurrent connections
    # instead of waiting, which a file database in production does not.
    watcher = None
    if connection.vendor == "postgresql":
        watcher_client = Client()
        watcher_client.force_login(officer)
        watcher = ImportPageWatcher(watcher_client, job_url(job))
        watcher.start()
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())
    if watcher:
        watcher.stopped.set()
        watcher.join()

    job.refresh_from_db()
    assert (job.status, job.data) == (PixImport.Status.DONE, None)
    assert PixParticipation.objects.count() == FULL_SIZE - 1
    assert PixParticipation.objects.filter(agent__isnull=False).count() == MATCHED_AGENTS
    assert PixParticipation.objects.filter(last_name="-Tiret").exists()
    page = text(client.get(job_url(job)))
    assert "lignes : 77630, participants : 77630, rattachés à un agent : 100" in page
    assert "Participations créées : 77630" in page
    if watcher:
        assert watcher.saw_progress("Import running: checking the file."), watcher.seen
        # While the import's transaction is open: through the progress's own connection.
        saving = "Import running: matching and saving the participants."
        assert watcher.saw_progress(saving), watcher.seen

    other = Client()
    other.force_login(skills_officer("autre.referente@ville.test"))
    assert other.get(job_url(job)).status_code == 404


@pytest.mark.slow
def test_a_full_size_export_with_a_bad_last_line_imports_nothing(officer_client):
    officer_client.post(
        IMPORT_URL, upload("collecte-2025.csv", pix_file("collecte-2025.csv")), follow=True
    )
    before = database_state()

    response = officer_client.post(
        IMPORT_URL,
        upload("collecte-complete.csv", profiles_export(FULL_SIZE, bad_last_line=True)),
        follow=True,
    )

    job = PixImport.objects.latest("pk")
    assert (job.status, job.data) == (PixImport.Status.REFUSED, None)
    assert (job.progress_done, job.progress_total) == (FULL_SIZE - 1, FULL_SIZE - 1)  # checked
    page = text(response)
    assert "Le fichier a été refusé ; rien n’a été importé." in page
    assert f"Ligne {FULL_SIZE}, colonne I (« Envoi (O/N) ») :" in page
    assert database_state() == before
