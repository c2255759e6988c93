import pytest
from playwright.sync_api import expect

from experiments.models import ActionItem, Experiment

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

TITLE = "Des rituels d'équipe courts en télétravail"
ACTION = "Écrire la fiche pratique pour l'intranet"


def test_the_lead_finds_her_action_in_her_tasks_and_marks_it_done(page):
    experiment = Experiment.objects.get(title=TITLE)
    login(page, "cheffe.projet@ville-demo.fr")
    page.goto("/experimentations/taches/")
    actions = page.get_by_role("table", name="Les actions des plans d’action")
    expect(actions).to_contain_text(ACTION)
    expect(actions).to_contain_text("en cours")
    assert_accessible(page)
    # The same action may be on two experiments' plans: the row names the experiment.
    row = actions.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("link", name=ACTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION)
    assert_accessible(page)

    # Abandoned without a reason: refused, said in words, nothing changed.
    page.get_by_role("radio", name="abandonnée").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Dites pourquoi l’action est abandonnée")
    assert_accessible(page)

    page.get_by_role("radio", name="faite").check()
    page.get_by_label("Point d’avancement").fill("Fiche publiée.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Action mise à jour.")
    expect(page.get_by_role("table", name="Qui a mis l’action à jour")).to_contain_text(
        "en cours → faite"
    )
    page.goto(f"/experimentations/{experiment.pk}/")
    expect(page.get_by_role("table", name="Actions décidées")).to_contain_text("Fiche publiée.")
    assert_accessible(page)
    assert ActionItem.objects.get(what=ACTION, experiment=experiment).status == "done"


def test_a_participant_stops_and_starts_following_the_actions(page):
    experiment = Experiment.objects.get(title=TITLE)
    login(page, "claire.martin@ville-demo.fr")
    page.goto(f"/experimentations/{experiment.pk}/")
    button = page.get_by_role("button", name="Suivre les actions")
    expect(button).to_have_attribute("aria-pressed", "true")  # the demo's follower
    assert_accessible(page)
    button.click()
    expect(page.get_by_role("button", name="Suivre les actions")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.get_by_role("button", name="Suivre les actions").click()
    expect(page.get_by_role("button", name="Suivre les actions")).to_have_attribute(
        "aria-pressed", "true"
    )
