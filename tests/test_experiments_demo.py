"""The demo's finished experiment reads like a real one: its retrospective answered on every
question, so the experiment page shows scores, means and what the participants wrote."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from experiments.models import Experiment
from intranet.accounts.models import Agent

pytestmark = pytest.mark.django_db


def test_the_finished_experiment_shows_its_retrospective_on_every_question(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    experiment = Experiment.objects.get(title="Des rituels d'équipe courts en télétravail")
    client.force_login(Agent.objects.get(email="cheffe.projet@ville-demo.fr"))

    page = BeautifulSoup(client.get(f"/experimentations/{experiment.pk}/").content, "html.parser")
    text = page.get_text(" ", strip=True)

    assert "pas assez de réponses" not in text.lower()
    means = [row.find_all("td")[-1].get_text(strip=True) for row in page.select("table tr")[1:6]]
    assert any(mean not in {"", "–"} for mean in means), means
    assert "Le tour de table qui commence par les personnes à distance." in text
    assert "Un micro de table dans la salle 204." in text
