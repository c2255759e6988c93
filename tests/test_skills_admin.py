"""PIX imports in the Wagtail admin: the upload form and the campaign list, for skills officers."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from intranet.accounts.models import Agent
from skills.importers import import_pix
from skills.models import PixCampaign, PixImport, PixParticipation

from .support.skills import database_state, fixture_agents, pix_file, skills_officer

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("skills_import_pix")
CAMPAIGNS_URL = reverse("pixcampaign:index")


@pytest.fixture
def officer_client(client, site):
    fixture_agents()
    client.force_login(skills_officer())
    return client


def upload(name, content=None, dry_run=False):
    data = {"file": SimpleUploadedFile(name, content or pix_file(name), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return data


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_skills_officer_imports_a_file_and_reads_the_report(officer_client):
    response = officer_client.post(IMPORT_URL, upload("collecte-2025.csv"), follow=True)

    campaign = PixCampaign.objects.get(pix_id="287412")
    job = PixImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("skills_import_pix_job", args=[job.pk])
    assert "Campagne « Diagnostic numérique 2025 »" in text(response)
    campaign_url = reverse("pixcampaign:inspect", args=[campaign.pk])
    assert f'href="{campaign_url}"' in response.content.decode()

    page = text(officer_client.get(campaign_url))
    assert "Rapport du dernier import" in page
    assert "Dupont Marc +33 6 12 34 56 78" in page
    assert campaign.imported_by.email == "referente@ville.test"
    assert campaign.participations.count() == 5


def test_a_refused_upload_lists_the_problems_and_writes_nothing(officer_client):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    before = database_state()

    response = officer_client.post(IMPORT_URL, upload("refus-niveau-hors-bornes.csv"), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "skills_import_pix_job", args=[PixImport.objects.get().pk]
    )
    page = text(response)
    assert "Le fichier a été refusé ; rien n’a été importé." in page
    assert "Ligne 3, colonne P (« Niveau pour la compétence Gérer des données ») :" in page
    assert database_state() == before


def test_an_english_export_is_refused_with_an_explanation(officer_client):
    response = officer_client.post(IMPORT_URL, upload("refus-export-anglais.csv"), follow=True)
    assert "Ceci est un export PIX Orga en anglais" in text(response)
    assert not PixCampaign.objects.exists()


def test_checking_a_file_shows_the_report_without_importing(officer_client):
    response = officer_client.post(
        IMPORT_URL, upload("evaluation-2025.csv", dry_run=True), follow=True
    )

    page = text(response)
    assert "Le fichier est valide. Rien n’a encore été importé." in page
    assert "Stagiaire Alex" in page
    assert not PixCampaign.objects.exists()


def test_only_csv_files_are_accepted(officer_client):
    response = officer_client.post(IMPORT_URL, upload("photo.png", b"\x89PNG"))
    assert "Choisissez le fichier CSV (.csv) exporté depuis PIX Orga." in text(response)
    assert not PixCampaign.objects.exists()


def test_an_editor_cannot_import(client, site):
    editor = Agent.objects.create_user("editeur@ville.test", "motdepasse-solide")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)

    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, upload("collecte-2025.csv"))

    assert response.status_code == 403
    assert not PixCampaign.objects.exists()


def test_a_plain_agent_is_refused_the_upload(client, agent, site):
    client.force_login(agent)

    response = client.post(IMPORT_URL, upload("collecte-2025.csv"))

    # Wagtail turns away whoever may not use the admin before our view runs.
    assert response.status_code == 302
    assert not PixCampaign.objects.exists()


def test_the_import_menu_is_shown_to_skills_officers_only(client, officer_client):
    assert IMPORT_URL in officer_client.get(reverse("wagtailadmin_home")).content.decode()

    editor = Agent.objects.create_user("editeur@ville.test", "motdepasse-solide")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert IMPORT_URL not in home
    assert CAMPAIGNS_URL not in home


def test_superusers_can_import(client, site):
    client.force_login(Agent.objects.create_superuser("admin@ville.test", "motdepasse-solide"))
    response = client.post(IMPORT_URL, upload("collecte-2025.csv"))
    assert response.status_code == 302
    assert PixCampaign.objects.filter(pix_id="287412").exists()


def test_the_campaign_list_shows_each_import_report(officer_client):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    import_pix(pix_file("evaluation-2025.csv"))

    response = officer_client.get(CAMPAIGNS_URL)

    assert response.status_code == 200
    page = text(response)
    # name, PIX ID, kind, participants, matched, unmatched, shared
    assert "Diagnostic numérique 2024 Inspecter 100231 Collecte de profils 6 4 2 5" in page
    assert "Travailler à plusieurs Inspecter 301877 Évaluation 3 2 1 2" in page
    assert "Importer un export PIX" in page


def test_the_campaign_page_lists_the_unmatched_participants(officer_client):
    import_pix(pix_file("collecte-2024-tableur-cp1252.csv"))
    campaign = PixCampaign.objects.get(pix_id="100231")

    response = officer_client.get(reverse("pixcampaign:inspect", args=[campaign.pk]))

    page = text(response)
    assert "Participants rattachés à aucun agent" in page
    assert "Lemaire Jeanne 009001 – non" in page
    assert "Petit Thomas 999999 – oui" in page
    assert PixParticipation.objects.filter(campaign=campaign, agent__isnull=True).count() == 2


def test_campaigns_cannot_be_edited_in_the_admin(officer_client):
    import_pix(pix_file("collecte-2025.csv"))
    for name in ("pixcampaign:add", "pixcampaign:edit", "pixcampaign:delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[] if name.endswith("add") else [1])
    assert officer_client.get(f"{CAMPAIGNS_URL}new/").status_code == 404
    assert f"{CAMPAIGNS_URL}new/" not in officer_client.get(CAMPAIGNS_URL).content.decode()


def test_an_editor_cannot_list_campaigns(client, site):
    editor = Agent.objects.create_user("editeur@ville.test", "motdepasse-solide")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    import_pix(pix_file("collecte-2025.csv"))

    response = client.get(CAMPAIGNS_URL)

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_the_campaign_page_gives_the_import_time_in_paris(officer_client):
    import_pix(pix_file("collecte-2025.csv"))
    # 23:30 UTC in winter is 00:30 the next day in Paris.
    late = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    PixCampaign.objects.update(imported_at=late)
    campaign = PixCampaign.objects.get()

    page = text(officer_client.get(reverse("pixcampaign:inspect", args=[campaign.pk])))

    assert "Dernier import 16 janvier 2026 00:30" in page


def test_a_refused_file_takes_the_focus_and_marks_the_file_field_invalid(officer_client):
    response = officer_client.post(IMPORT_URL, upload("refus-niveau-hors-bornes.csv"), follow=True)

    html = response.content.decode()
    refusal = re.search(r'<div[^>]* id="pix-import-refusal"[^>]*>(.*?)</div>', html, re.S)
    assert refusal, "no refusal block"
    assert 'tabindex="-1"' in refusal.group(0) and "autofocus" in refusal.group(0)
    assert "Ligne 3, colonne P" in refusal.group(1)
    # The form to send a corrected file comes right after, its field tied to the reasons.
    file_input = re.search(r'<input type="file" name="file"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in file_input
    assert 'aria-describedby="pix-import-refusal id_file-helptext"' in file_input
    assert f'action="{IMPORT_URL}"' in html
