"""Our templates as Django reads them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUR_TEMPLATES = [
    path
    for folder in ("templates", "intranet", "practices", "skills", "surveys", "experiments")
    for path in (ROOT / folder).rglob("*.html")
]
# Django's {# … #} comment ends on its line: one left open is printed to every reader.
OPEN_COMMENT = re.compile(r"\{#(?!.*#\})")
STRAY_END = re.compile(r"^(?:(?!\{#).)*#\}")


def test_there_are_templates_to_check():
    assert len(OUR_TEMPLATES) > 50


def test_no_one_line_comment_runs_over_several_lines():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in OUR_TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OPEN_COMMENT.search(line) or STRAY_END.search(line)
    ]
    assert found == []


def test_an_experiment_page_prints_no_template_comment(client, lead):
    from django.urls import reverse

    from experiments import services

    experiment = services.start(lead, "Visio sans fatigue")
    client.force_login(lead)

    content = client.get(reverse("experiments:detail", args=[experiment.pk])).content.decode()

    assert "Visio sans fatigue" in content
    assert "{#" not in content and "#}" not in content
