"""Builders of practices content (published pages, tools, training sessions) and the data
of the page editor's form."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from practices.models import Enrolment

from ..factories.practices import (
    CharterPageFactory,
    EnrolmentFactory,
    OnboardingPageFactory,
    PracticeCategoryFactory,
    PracticeIndexPageFactory,
    PracticePageFactory,
    ToolFactory,
    ToolGuidePageFactory,
    ToolNeedFactory,
    TrainingIndexPageFactory,
    TrainingPageFactory,
    TrainingSessionFactory,
)


def make_charter(site, version=1, **fields):
    return CharterPageFactory(parent=site, version=version, **fields)


def make_category(name="Réunions"):
    return PracticeCategoryFactory(stem=name)


def make_need(name="Se réunir à distance"):
    return ToolNeedFactory(stem=name)


def make_tool(name="Visio Ville", needs=(), **fields):
    return ToolFactory(stem=name, needs=list(needs), **fields)


def make_library(site):
    return PracticeIndexPageFactory(parent=site)


def make_practice(library, title="Animer une réunion hybride", category=None, tools=(), **fields):
    if category is not None:
        fields["category"] = category
    return PracticePageFactory(parent=library, stem=title, tools=list(tools), **fields)


def make_guide(site):
    return ToolGuidePageFactory(parent=site)


def make_training_catalogue(site):
    return TrainingIndexPageFactory(parent=site)


def make_training(catalogue, title="Animer une réunion hybride", **fields):
    return TrainingPageFactory(parent=catalogue, stem=title, **fields)


def make_session(training, days=10, capacity=10, **fields):
    return TrainingSessionFactory(training=training, days=days, capacity=capacity, **fields)


def enrol(session, agent, status=Enrolment.Status.REGISTERED, **fields):
    return EnrolmentFactory(session=session, agent=agent, status=status, **fields)


def make_onboarding(site, titles=("Lire la charte", "Rencontrer son binôme", "Tester la visio")):
    return OnboardingPageFactory(parent=site, step_titles=titles)


def edit_data(page, **changes):
    values = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "category": page.category_id,
        "body": streamfield([("paragraph", rich_text("<p>Nouvelle version de la pratique.</p>"))]),
        "tools": [],
        "related_practices": [],
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
        **changes,
    }
    return nested_form_data(values)
