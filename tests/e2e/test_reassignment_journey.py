import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from experiments.models import Experiment
from intranet.accounts import roles
from intranet.accounts.models import Agent

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

TITLE = "Zéro pièce jointe : les documents en lien"


def test_the_sponsor_reassigns_a_stage_and_takes_those_of_a_departed_lead(page):
    experiment = Experiment.objects.get(title=TITLE)
    relief = Agent.objects.create_user(
        email="releve@ville-demo.fr", first_name="Inès", last_name="Relève"
    )
    relief.groups.add(Group.objects.get(name=roles.PROJECT_LEADS))

    login(page, "commanditaire@ville-demo.fr")
    page.goto(f"/experimentations/{experiment.pk}/")
    page.get_by_role("link", name="Réassigner l’étape « Lancement »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réassigner une étape")
    assert_accessible(page)
    page.get_by_label("Nouveau responsable").select_option(label="Inès Relève")
    page.get_by_label("Motif").fill("Sarah part en congé long.")
    page.get_by_role("button", name="Réassigner").click()
    expect(page.get_by_role("status")).to_contain_text("L’étape est réassignée.")
    expect(page.get_by_role("table", name="Réassignations")).to_contain_text(
        "Sarah part en congé long."
    )
    assert_accessible(page)
    experiment.refresh_from_db()
    assert experiment.lead == relief

    # The new lead leaves: her stage waits in the sponsor's queue, reached from "Mes tâches".
    relief.is_active = False
    relief.save()
    page.goto("/experimentations/taches/")
    page.get_by_role("link", name="Tâches sans responsable").click()
    expect(page.get_by_role("main")).to_contain_text(TITLE)
    assert_accessible(page)
