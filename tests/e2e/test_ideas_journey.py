"""The idea box as its users walk it: an agent proposes by keyboard (a blank field first), a
colleague supports and comments, a project lead adopts and lands on the framing prefilled,
durations included; axe on every page on the way, on a phone and on a computer."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from experiments.models import Experiment, Idea

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-ideas")
TITLE = "Des réunions sans écran partagé figé"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 812}, {"width": 1366, "height": 768}]
)
def test_an_idea_goes_from_an_agent_to_an_experiment_framing(page, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]

    login(page, "claire.martin@ville-demo.fr")
    page.goto("/experimentations/idees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîte à idées")
    assert_accessible(page)
    page.get_by_role("link", name="Proposer une idée").click()

    # The problem left blank: refused, said in French next to the field, nothing saved.
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Une pratique").check()
    page.get_by_label("Votre idée").fill("Chacun édite le document pendant la réunion.")
    page.get_by_label("Qui elle concerne").fill("Les équipes du service des sports.")
    page.get_by_role("button", name="Proposer").press("Enter")
    expect(page.get_by_role("link", name="Le problème : Champ requis.")).to_be_visible()
    assert_accessible(page)
    shot(page, f"new-error-{width}")
    assert not Idea.objects.filter(title=TITLE).exists()

    page.get_by_label("Le problème").fill("On regarde un écran partagé sans rien pouvoir y faire.")
    page.get_by_role("button", name="Proposer").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    idea = Idea.objects.get(title=TITLE)
    page.context.clear_cookies()

    # A colleague supports it (once: the button now withdraws) and comments.
    login(page, "rh@ville-demo.fr")
    page.goto(f"/experimentations/idees/{idea.pk}/")
    page.get_by_role("button", name="Soutenir cette idée").press("Enter")
    expect(page.get_by_role("button", name="Retirer mon soutien")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_label("Votre commentaire").fill("Oui, et avec un minuteur.")
    page.get_by_role("button", name="Publier le commentaire").press("Enter")
    expect(page.get_by_text("Oui, et avec un minuteur.")).to_be_visible()
    assert_accessible(page)
    shot(page, f"detail-{width}")
    assert idea.supports.count() == 1
    page.context.clear_cookies()

    # A project lead adopts it: the framing opens prefilled, with the stages' durations.
    login(page, "cheffe.projet@ville-demo.fr")
    page.goto(f"/experimentations/idees/{idea.pk}/")
    page.get_by_role("link", name="Adopter : lancer une expérimentation").click()
    assert_accessible(page)
    page.get_by_role("button", name="Adopter et lancer l'expérimentation").press("Enter")
    expect(page.get_by_label("Problème", exact=False).first).to_have_value(
        "On regarde un écran partagé sans rien pouvoir y faire."
    )
    expect(page.get_by_role("group", name="Durée cible de chaque étape")).to_be_visible()
    assert_accessible(page)
    shot(page, f"framing-{width}")
    experiment = Experiment.objects.get(title=TITLE)
    assert experiment.participants.filter(email="claire.martin@ville-demo.fr").exists()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ADOPTED and idea.experiment == experiment
