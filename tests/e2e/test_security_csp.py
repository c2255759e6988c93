"""The Content Security Policy as the browser enforces it: no violation, and pages still work."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.models import Collection

from experiments.models import Experiment
from intranet.accounts.models import Agent
from practices.models import CharterPage, PracticePage
from surveys import services
from surveys.models import Question, Survey

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile}:${event.lineNumber} on ${document.location.pathname}`
  );
});
"""


@pytest.fixture
def enforced_page(browser, live_server, demo_site):
    """A page whose browser enforces the policy (the shared fixture bypasses it for axe).

    Violations are gathered from the `securitypolicyviolation` event and from the console.
    """
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    violations = []
    context.expose_function("reportCspViolation", lambda report: violations.append(report))
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()


def directive(response, name):
    """The sources of one directive of the enforced policy of a response."""
    assert "content-security-policy-report-only" not in response.headers
    policy = response.headers["content-security-policy"]
    for part in policy.split(";"):
        key, *sources = part.split()
        if key == name:
            return sources
    raise AssertionError(f"no {name} in {policy}")


def visit(page, path):
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, f"{path} answered {response.status}"
    return response


def test_front_end_pages_run_without_inline_code_nor_violation(enforced_page):
    page = enforced_page
    login(page, "admin@ville-demo.fr")
    survey = Survey.objects.get(title="Baromètre du travail hybride 2026")
    paths = [
        "/",
        CharterPage.objects.live().first().url,
        "/pratiques/",
        PracticePage.objects.live().first().url,
        "/formations/",
        "/formations/animer-une-reunion-hybride/",
        "/integration/",
        "/guide-des-outils/",
        "/recherche/?q=réunion",
        "/questionnaires/",
        f"/questionnaires/{survey.pk}/resultats/",
        "/experimentations/",
        "/experimentations/taches/",
        f"/experimentations/{Experiment.objects.first().pk}/",
        "/competences/",
        "/competences/evolution/",
        "/tableau-de-bord/",
        "/pratiques/charte/adhesion/",
        "/experimentations/nouvelle/",
        "/compte/connexion/",
        "/compte/mot-de-passe/oubli/",
    ]
    for path in paths:
        response = visit(page, path)
        for name in ("script-src", "style-src"):
            assert directive(response, name) == ["'self'"], path
        assert directive(response, "frame-ancestors") == ["'none'"], path
    assert page.goto("/cette-page-n-existe-pas/").status == 404
    # The flow chart, an SVG styled inline, has a policy of its own.
    chart = visit(page, f"/experimentations/{Experiment.objects.first().pk}/schema.svg")
    assert directive(chart, "default-src") == ["'none'"]
    assert page.csp_violations == []


def test_survey_progress_script_runs_under_the_policy(enforced_page):
    claire = Agent.objects.get(email="claire.martin@ville-demo.fr")
    survey = Survey(
        title="Outils du service",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    survey.questions = [
        Question(kind="recommendation", label="Recommanderiez-vous la visio ?"),
        Question(kind="scale", label="Le son est bon."),
        Question(kind="single", label="Votre place ?", choices="Sur site\nÀ distance"),
        Question(kind="text", label="Une remarque ?"),
    ]
    survey.save()
    services.invite(survey, Agent.objects.filter(pk=claire.pk))
    invitation = survey.invitations.get(agent=claire)
    page = enforced_page
    login(page, claire.email)
    visit(page, f"/questionnaires/repondre/{invitation.token}/")

    progress = page.locator("[data-survey-progress-text]")
    expect(progress).to_have_text("Aucune question répondue sur 4")
    page.get_by_label("Une remarque ?").fill("Rien à signaler")
    expect(progress).to_have_text("1 question répondue sur 4")
    page.get_by_label("À distance").check()
    expect(progress).to_have_text("2 questions répondues sur 4")
    assert page.csp_violations == []


def test_admin_pages_work_within_their_relaxed_policy(enforced_page):
    page = enforced_page
    login(page, "admin@ville-demo.fr")
    practice = PracticePage.objects.live().first()
    survey = Survey.objects.get(title="Baromètre du travail hybride 2026")

    response = visit(page, f"/admin/pages/{practice.pk}/edit/")
    assert directive(response, "script-src") == ["'self'", "'unsafe-inline'"]
    assert directive(response, "object-src") == ["'none'"]
    expect(page.get_by_role("textbox", name="Résumé*")).to_have_value(practice.summary)
    expect(page.locator(".Draftail-Editor").first).to_be_visible()  # the rich text editor ran
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")  # the front end, framed by the admin
    expect(preview.get_by_role("heading", level=1)).to_have_text(practice.title)
    expect(preview.locator("link[href$='site.css']")).to_have_count(1)

    visit(page, "/admin/questionnaires/new/")
    questions = page.locator("input[id^='id_questions-'][id$='-label']:visible")
    count = questions.count()
    page.locator("#id_questions-ADD").click()
    expect(questions).to_have_count(count + 1)  # the inline panel's script added a question

    if not Collection.objects.exists():  # a live-server test before flushed the migrations' root
        Collection.add_root(name="Root")
    visit(page, "/admin/images/multiple/add/")
    page.locator("#fileupload").set_input_files(
        {"name": "pixel.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(page.locator("#upload-list li.upload-success")).to_have_count(1)  # thumbnail shown
    image = get_image_model().objects.get(title="pixel")
    visit(page, f"/admin/images/{image.pk}/")  # the focal point editor

    for path in [
        "/admin/",
        f"/admin/questionnaires/edit/{survey.pk}/",
        "/admin/competences/import-pix/",
        "/admin/images/",
        "/admin/documents/",
    ]:
        visit(page, path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.csp_violations == []


def test_the_lockout_page_is_clear_accessible_and_within_the_policy(enforced_page, settings):
    settings.AXES_ENABLED = True
    page = enforced_page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(page, "claire.martin@ville-demo.fr", password="pas-le-bon")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte temporairement bloqué")
    expect(page.get_by_role("alert")).to_contain_text("bloqué pendant 15 minutes")
    assert_accessible(page)

    login(page, "claire.martin@ville-demo.fr")  # the right password, too soon
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte temporairement bloqué")
    assert page.csp_violations == []
