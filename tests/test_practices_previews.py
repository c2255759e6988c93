"""Editors preview every page type, new or edited, before submitting it to moderation."""

from decimal import Decimal

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from practices.models import (
    CharterPage,
    OnboardingPage,
    OnboardingStep,
    PracticeIndexPage,
    PracticePage,
    ToolGuidePage,
    TrainingIndexPage,
    TrainingPage,
)

from .support.practices import (
    make_category,
    make_library,
    make_practice,
    make_tool,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db


def preview(page, parent, user):
    """What Wagtail's "preview on create" does: a page placed under its parent, unsaved."""
    page.depth = parent.depth + 1
    page.path = (
        page._get_path(parent.path, page.depth, 1)
        if parent.is_leaf()
        else parent.get_last_child()._inc_path()
    )
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    response = page.serve_preview(request, page.default_preview_mode)
    response.render()
    return response.content.decode()


def new_pages(site):
    library = make_library(site)
    catalogue = make_training_catalogue(site)
    practice = PracticePage(
        title="Pratique en préparation",
        summary="Un résumé.",
        category=make_category(),
        body=[("tip", {"text": "<p>Une astuce.</p>"})],
    )
    practice.tools = [make_tool()]
    onboarding = OnboardingPage(title="Parcours")
    onboarding.steps = [OnboardingStep(title="Première étape")]
    return [
        (
            site,
            CharterPage(
                title="Charte",
                commitments=[("commitment", {"title": "Je partage", "text": "<p>Oui.</p>"})],
            ),
        ),
        (site, PracticeIndexPage(title="Bibliothèque")),
        (library, practice),
        (site, TrainingIndexPage(title="Catalogue")),
        (
            catalogue,
            TrainingPage(
                title="Formation en préparation",
                summary="Un résumé.",
                level=TrainingPage.Level.BEGINNER,
                duration_hours=Decimal("2"),
                format=TrainingPage.Format.REMOTE,
                body=[("paragraph", "<p>Programme.</p>")],
            ),
        ),
        (site, onboarding),
        (site, ToolGuidePage(title="Guide")),
    ]


def test_every_new_page_type_can_be_previewed(site, agent):
    for parent, page in new_pages(site):
        assert page.title in preview(page, parent, agent)


def test_an_edited_practice_is_previewed_with_its_draft_tools(site, agent):
    library = make_library(site)
    practice = make_practice(library)
    draft = practice.get_latest_revision_as_object()
    tool = make_tool("Tableau blanc")
    draft.tools = [tool]
    request = RequestFactory().get("/")
    request.user = agent
    request.session = {}
    request._messages = FallbackStorage(request)
    response = draft.serve_preview(request, draft.default_preview_mode)
    response.render()
    assert tool.name in response.content.decode()
