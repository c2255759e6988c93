"""Demo practices content, in French: catalogue, library, charter, trainings, onboarding.

Idempotent: each part is created only when it is missing.
"""

import datetime
import importlib
import random
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from wagtail.models import Site

from intranet.accounts.demo import demo_email, ensure_role_groups
from intranet.accounts.models import Agent
from skills.framework import ensure_framework
from skills.models import Area, Competence
from surveys.models import Invitation, Question, Survey
from surveys.services import submit_response

from .. import services
from ..models import (
    CharterPage,
    CharterSignature,
    Enrolment,
    OnboardingPage,
    OnboardingProgress,
    OnboardingStep,
    PracticeCategory,
    PracticeIndexPage,
    PracticePage,
    Tool,
    ToolGuidePage,
    ToolNeed,
    TrainingIndexPage,
    TrainingPage,
    TrainingSession,
)
from .catalogue import CATEGORIES, NEEDS, TOOLS
from .library import PRACTICES
from .pages import (
    CHARTER_INTRO,
    COMMITMENTS,
    ONBOARDING_INTRO,
    ONBOARDING_STEPS,
    TRAININGS,
)

SCORES_SURVEY = "Votre avis sur les pratiques de collaboration"
# Practice slug → recommendation values given by the agents (under 5: not enough answers).
SCORES = {
    "reunion-hybride": [10, 9, 9, 8, 10, 7, 9, 10, 6, 9, 8, 10],
    "documents-en-lien": [9, 10, 8, 7, 9, 5, 10, 9],
    "co-edition-documents": [8, 9, 7, 10, 6, 9, 8],
    "messagerie-sobre": [9, 7, 10],
}
# Earlier surveys on the same practices, so that their pages show a trend: (title, closed
# days ago, slug → the values given, one a respondent).
SCORES_HISTORY = [
    (
        "Votre avis sur les pratiques de collaboration – hiver",
        280,
        {"reunion-hybride": [10, 9, 8, 7, 6, 5, 9, 3, 8, 10, 6, 7], "documents-en-lien": [7, 9]},
    ),
    (
        "Votre avis sur les pratiques de collaboration – printemps",
        190,
        {"reunion-hybride": [10, 9, 8, 7, 9, 6, 9, 10, 8, 10, 5, 7]},
    ),
    (
        "Votre avis sur les pratiques de collaboration – été",
        100,
        {"reunion-hybride": [10, 9, 9, 8, 10, 7, 9, 6, 8, 10, 9, 7]},
    ),
]
TOOL_TRAININGS = {
    "Visio Ville": ["Bien démarrer avec la visio", "Animer une réunion hybride"],
    "Cloud Ville": ["Co-éditer des documents dans le Cloud Ville"],
    "Éditeur en ligne du Cloud Ville": ["Co-éditer des documents dans le Cloud Ville"],
    "Tableau de projet": ["Piloter un projet en mode collaboratif"],
}


def ensure_moderation_and_permissions():
    """The workflow and the group permissions, even after a test flushed the database.

    The role groups are completed again: their page permissions need the root page, which
    the accounts seeder runs too early to find after a flush.
    """
    ensure_role_groups()
    for module, function in [
        ("0002_moderation_workflow", "create_workflow"),
        ("0003_role_permissions", "grant"),
    ]:
        migration = importlib.import_module(f"practices.migrations.{module}")
        getattr(migration, function)(apps, None)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed_catalogue():
    for slug, name, description in CATEGORIES:
        PracticeCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    for name, description in NEEDS:
        ToolNeed.objects.get_or_create(name=name, defaults={"description": description})
    needs = {need.name: need for need in ToolNeed.objects.all()}
    created = 0
    for name, summary, tool_needs, status, data, partners, limits, guide, _alt in TOOLS:
        if Tool.objects.filter(name=name).exists():
            continue
        tool = Tool(
            name=name,
            summary=summary,
            status=status,
            data_classification=data,
            external_partners=partners,
            limits=limits,
            guide_url=guide,
        )
        tool.needs = [needs[need] for need in tool_needs]
        tool.save()
        created += 1
    tools = {tool.name: tool for tool in Tool.objects.all()}
    for name, *_fields, alternatives in TOOLS:
        if alternatives and not tools[name].alternatives.exists():
            tools[name].alternatives.set([tools[other] for other in alternatives])
            tools[name].save()
    return created


def seed_guide(home):
    if ToolGuidePage.objects.exists():
        return
    publish(
        home,
        ToolGuidePage(
            title="Quel outil pour quel besoin ?",
            slug="guide-des-outils",
            show_in_menus=True,
            intro="<p>Le catalogue des outils de la Ville, établi par la DSI : pour chaque "
            "besoin, les outils recommandés, tolérés, déconseillés ou interdits, et les "
            "données qu'ils peuvent contenir.</p>",
        ),
    )


def seed_charter(home):
    charter = CharterPage.objects.first()
    if charter is None:
        charter = publish(
            home,
            CharterPage(
                title="Charte de collaboration",
                slug="charte",
                show_in_menus=True,
                intro=CHARTER_INTRO,
                version=1,
                commitments=[
                    ("commitment", {"title": title, "text": f"<p>{text}</p>"})
                    for title, text in COMMITMENTS
                ],
            ),
        )
    return charter


def seed_library(home):
    library = PracticeIndexPage.objects.first()
    if library is not None:
        return library, 0
    library = publish(
        home,
        PracticeIndexPage(
            title="Bonnes pratiques",
            slug="pratiques",
            show_in_menus=True,
            intro="<p>Les pratiques de collaboration de la Ville, testées par les équipes. "
            "Certaines demandent un outil, d'autres seulement un peu d'organisation.</p>",
        ),
    )
    categories = {category.slug: category for category in PracticeCategory.objects.all()}
    tools = {tool.name: tool for tool in Tool.objects.all()}
    pages = {}
    for slug, title, category, summary, tool_names, body, _related in PRACTICES:
        page = PracticePage(
            title=title,
            slug=slug,
            summary=summary,
            category=categories[category],
            body=body,
        )
        page.tools = [tools[name] for name in tool_names]
        pages[slug] = publish(library, page)
    for slug, *_fields, related in PRACTICES:
        page = pages[slug]
        page.related_practices = [pages[other] for other in related]
        page.save_revision().publish()
    return library, len(pages)


def seed_trainings(home, rng):
    if TrainingIndexPage.objects.exists():
        return 0
    catalogue = publish(
        home,
        TrainingIndexPage(
            title="Formations",
            slug="formations",
            show_in_menus=True,
            intro="<p>Des formations courtes au numérique et à la collaboration, "
            "rattachées aux compétences PIX. Inscrivez-vous en un clic.</p>",
        ),
    )
    ensure_framework(Area, Competence)  # after a flush, before the skills seeder runs
    competences = {competence.code: competence for competence in Competence.objects.all()}
    agents = list(Agent.objects.filter(is_active=True).exclude(email=demo_email("claire.martin")))
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, summary, level, codes, hours, format_, prerequisites, sessions in TRAININGS:
        training = TrainingPage(
            title=title,
            summary=summary,
            level=level,
            duration_hours=Decimal(hours),
            format=format_,
            prerequisites=prerequisites,
            body=[
                ("heading", "Programme"),
                ("paragraph", f"<p>{summary}</p>"),
                (
                    "callout",
                    {
                        "title": "Inscription",
                        "text": "<p>Inscrivez-vous à une session ci-dessous. Si elle est "
                        "complète, vous êtes placé·e sur la liste d'attente et prévenu·e "
                        "par e-mail si une place se libère.</p>",
                    },
                ),
            ],
        )
        training.competences = [competences[code] for code in codes]
        publish(catalogue, training)
        for days, hour, duration, place, video, seats, enrolled, trainer in sessions:
            starts_at = (now + datetime.timedelta(days=days)).replace(hour=hour)
            while starts_at.weekday() >= 5:  # sessions take place on working days
                starts_at += datetime.timedelta(days=1)
            session = TrainingSession.objects.create(
                training=training,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=duration),
                place=place,
                video_url=video,
                capacity=seats,
                trainer=trainer,
            )
            enrol(session, rng.sample(agents, enrolled + (2 if enrolled == seats else 0)), rng)
    link_tools_to_trainings()
    return len(TRAININGS)


def enrol(session, agents, rng):
    """Seats first, then the waiting list; past sessions have their attendance marked."""
    past = session.starts_at < timezone.now()
    for position, agent in enumerate(agents):
        if position >= session.capacity:
            status = Enrolment.Status.WAITING
        elif past:
            status = Enrolment.Status.ATTENDED if rng.random() < 0.85 else Enrolment.Status.ABSENT
        else:
            status = Enrolment.Status.REGISTERED
        Enrolment.objects.create(
            session=session,
            agent=agent,
            status=status,
            created_at=session.starts_at - datetime.timedelta(days=30 - position),
        )


def link_tools_to_trainings():
    trainings = {training.title: training for training in TrainingPage.objects.all()}
    for name, titles in TOOL_TRAININGS.items():
        tool = Tool.objects.filter(name=name).first()
        if tool:
            tool.trainings.set([trainings[title] for title in titles])
            tool.save()


def seed_onboarding(home, charter, library):
    if OnboardingPage.objects.exists():
        return
    links = {
        "charter": charter,
        "library": library,
        "guide": ToolGuidePage.objects.first(),
        **{training.title: training for training in TrainingPage.objects.all()},
    }
    page = OnboardingPage(
        title="Parcours d'intégration", slug="integration", intro=ONBOARDING_INTRO
    )
    page.steps = [
        OnboardingStep(
            title=title, description=description, link_page=links.get(link), sort_order=order
        )
        for order, (title, description, link) in enumerate(ONBOARDING_STEPS)
    ]
    publish(home, page)


def seed_commitments(charter, rng):
    """Most agents signed the charter and newcomers began their onboarding; not Claire."""
    if CharterSignature.objects.filter(page=charter).exists():
        return
    claire = Agent.objects.get(email=demo_email("claire.martin"))
    signed_at = timezone.now() - datetime.timedelta(days=45)
    CharterSignature.objects.bulk_create(
        CharterSignature(
            page=charter,
            agent=agent,
            version=charter.version,
            signed_at=signed_at + datetime.timedelta(hours=rng.randint(0, 900)),
        )
        for agent in Agent.objects.filter(is_active=True).exclude(pk=claire.pk)
        if rng.random() < 0.65
    )
    steps = list(OnboardingStep.objects.filter(page__live=True))
    # Claire met her buddy and tested the video call: two steps that link nowhere, so the
    # charter she has not signed and the training she is not enrolled in stay unticked.
    OnboardingProgress.objects.bulk_create(
        OnboardingProgress(agent=claire, step=step) for step in steps if not step.link_page_id
    )
    # What signing and enrolling tick (practices/signals.py): the signatures above are made in
    # bulk, the enrolments before the path existed.
    services.tick_steps_linking_to(
        charter.pk, CharterSignature.objects.filter(page=charter).values_list("agent", flat=True)
    )
    for training_id in {step.link_page_id for step in steps} - {None, charter.pk}:
        enrolled = Enrolment.objects.filter(session__training_id=training_id)
        services.tick_steps_linking_to(
            training_id, enrolled.values_list("agent", flat=True).distinct()
        )


def seed_scores(rng):
    """Closed surveys rating some practices: enough answers for most, not for one; earlier
    ones give the hybrid meeting a trend."""
    seed_rating_survey(SCORES_SURVEY, 10, SCORES, rng)
    for title, closed_days_ago, scores in SCORES_HISTORY:
        seed_rating_survey(title, closed_days_ago, scores, rng)


def seed_rating_survey(title, closed_days_ago, scores, rng):
    """A survey closed ``closed_days_ago`` days ago, rating each practice of ``scores``
    (slug → the values its respondents give, in the order of the invitations)."""
    if Survey.objects.filter(title=title).exists():
        return
    closes_at = timezone.now() - datetime.timedelta(days=closed_days_ago)
    survey = Survey(
        title=title,
        introduction="Recommanderiez-vous ces pratiques à un collègue ?",
        opens_at=closes_at - datetime.timedelta(days=30),
        closes_at=closes_at,
        audience=Survey.Audience.AGENTS,
    )
    pages = {page.slug: page for page in PracticePage.objects.filter(slug__in=scores)}
    survey.questions = [
        Question(
            kind=Question.Kind.RECOMMENDATION,
            label=f"Recommanderiez-vous la pratique « {pages[slug].title} » à un collègue ?",
            subject=pages[slug],
        )
        for slug in scores
    ]
    survey.save()
    questions = list(survey.questions.all())
    respondents = rng.sample(
        list(Agent.objects.filter(is_active=True).select_related("department__parent")),
        max(len(values) for values in scores.values()),
    )
    Invitation.objects.bulk_create(
        Invitation(survey=survey, agent=agent, invited_at=survey.opens_at) for agent in respondents
    )
    invitations = survey.invitations.select_related("agent__department__parent")
    for index, invitation in enumerate(invitations.order_by("pk")):
        submit_response(
            invitation,
            {
                question: values[index] if index < len(values) else None
                for question, values in zip(questions, scores.values(), strict=True)
            },
        )
    survey.closed_at = survey.closes_at
    survey.save(update_fields=["closed_at"])


def seed(stdout):
    ensure_moderation_and_permissions()
    rng = random.Random(8)
    # The site's root, the home page (seeded before: settings.DEMO_SEEDERS).
    home = Site.objects.get(is_default_site=True).root_page
    tools = seed_catalogue()
    charter = seed_charter(home)
    library, practices = seed_library(home)
    trainings = seed_trainings(home, rng)
    seed_guide(home)
    seed_onboarding(home, charter, library)
    seed_commitments(charter, rng)
    seed_scores(rng)
    stdout.write(
        f"Practices: {tools} tools, {practices} practices, {trainings} trainings created."
    )
