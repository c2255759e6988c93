"""Demo experiments at every stage, driven through the real flow."""

import datetime
import random

from django.contrib.auth.models import Group
from django.utils import timezone

from intranet.accounts.demo import demo_email
from intranet.accounts.models import Agent
from intranet.accounts.roles import SPONSORS
from practices.services import draft_practice_from_experiment
from surveys.models import Invitation, Survey
from surveys.services import close, submit_response

from . import announcements, services
from .models import (
    ActionItem,
    ActionItemChange,
    Experiment,
    ExperimentFollow,
    FollowUp,
    Idea,
    IdeaComment,
    IdeaSupport,
    JournalEntry,
)

SPREAD_TITLE = "Le point d'équipe de quinze minutes en télétravail"

# (title, the stage it stops before, practices tested by slug)
EXPERIMENTS = [
    ("Un agenda partagé pour l'équipe voirie", "review", ["agenda-partage"]),
    ("Zéro pièce jointe : les documents en lien", "launch", ["co-edition-documents"]),
    (
        "Réunions hybrides équitables",
        "retrospective",
        ["reunion-hybride", "ordre-du-jour-partage"],
    ),
    ("Décider sans réunion", "synthesis", ["decision-asynchrone"]),
    (
        "Des rituels d'équipe courts en télétravail",
        "done",
        ["point-equipe-court", "reunion-hybride"],
    ),
    # Issue 16 §4: in its follow-up, the +3 months survey closed (before and after shown).
    (
        "Des comptes rendus co-écrits pendant la réunion",
        "follow_up",
        ["co-edition-documents", "ordre-du-jour-partage"],
    ),
]
JOURNAL = [
    (
        "observation",
        "Le tour de table commence par les personnes à distance : tout le monde parle.",
    ),
    ("difficulty", "La salle 204 n'a pas de micro de table, le son est mauvais."),
    ("tools", "Visioconférence de la Ville et tableau blanc partagé."),
    ("observation", "Le compte rendu écrit en direct évite les mails de relance."),
]


def by_local(local):
    return Agent.objects.get(email=demo_email(local))


def complete(experiment, stage, agent, apply=lambda experiment, task: None):
    task = services.open_task(experiment, stage)
    services.perform(task.pk, agent, apply)


def advance(experiment, stop, lead, sponsor, participants, practice_pages, rng):
    order = [
        "frame",
        "review",
        "launch",
        "run",
        "retrospective",
        "synthesis",
        "action_plan",
        "follow_up",
        "done",
    ]

    def framing(experiment, task):
        experiment.sponsor = sponsor
        experiment.problem = "Les échanges de l'équipe passent par des mails à rallonge."
        experiment.hypothesis = (
            "Une pratique commune, tenue six semaines, rend l'équipe plus sereine."
        )
        experiment.success_criteria = "Score de recommandation des pratiques supérieur à 30."
        experiment.planned_start = timezone.localdate() - datetime.timedelta(days=60)
        experiment.planned_end = timezone.localdate() + datetime.timedelta(days=20)
        experiment.save()
        experiment.practices.set(practice_pages)

    def approve(experiment, task):
        experiment.approved = True
        experiment.save(update_fields=["approved"])
        task.data = {"approved": True, "comment": "D'accord, allons-y."}
        task.save(update_fields=["data"])

    def launch(experiment, task):
        experiment.participants.set(participants)

    def synthesis(experiment, task):
        experiment.synthesis = (
            "Les participants recommandent les pratiques testées ; le format court a été "
            "adopté par l'équipe."
        )
        experiment.decision = Experiment.Decision.GENERALISE
        experiment.save()

    def action_plan(experiment, task):
        ActionItem.objects.create(
            experiment=experiment,
            what="Présenter les pratiques au comité de direction",
            owner=sponsor,
            due_date=timezone.localdate() + datetime.timedelta(days=30),
        )
        seed_tracked_actions(experiment, lead, participants)
        experiment.spread_practices.add(
            draft_practice_from_experiment(experiment, title=SPREAD_TITLE)
        )

    steps = {
        "frame": (lead, framing),
        "review": (sponsor, approve),
        "launch": (lead, launch),
        "run": (lead, None),
        "synthesis": (lead, synthesis),
        "action_plan": (lead, action_plan),
    }
    for stage in order[: order.index(stop)]:
        if stage == "follow_up":  # every follow-up answered and closed: the experiment ends
            measure_again(experiment, rng)
            continue
        if stage == "retrospective":
            survey = experiment.retrospective_survey
            questions = list(survey.questions.all())
            invitations = Invitation.objects.filter(survey=survey).select_related("agent")
            for index, invitation in enumerate(invitations.order_by("pk")):
                submit_response(
                    invitation, {question: answer(question, index, rng) for question in questions}
                )
            close(survey)
            continue
        if stage == "run":
            JournalEntry.objects.bulk_create(
                JournalEntry(
                    experiment=experiment, author=rng.choice(participants), kind=kind, text=text
                )
                for kind, text in JOURNAL
            )
        agent, apply = steps[stage]
        complete(experiment, stage, agent, apply or (lambda experiment, task: None))
        experiment.refresh_from_db()
    if stop == "follow_up":
        measure_again(experiment, rng, count=1)
        experiment.refresh_from_db()


# --- Follow-up: measure again (issue 16, section 4) ---


def measure_again(experiment, rng, count=None):
    """The demo's clock: the first ``count`` follow-ups (all by default) opened in the past
    as the daily command opens them, answered by every invitee, closed at their date."""
    from .follow_ups import FOLLOW_UP_SURVEY_DAYS, STILL_APPLIED_CHOICES, open_follow_up

    chosen = list(experiment.follow_ups.order_by("number"))[:count]
    if chosen and experiment.retrospective_survey_id:
        # The retrospective closed months before its first follow-up, on the demo's clock too
        # (the practice page's trend lists them by date).
        first = timezone.now() - datetime.timedelta(days=(FOLLOW_UP_SURVEY_DAYS + 1) * len(chosen))
        Survey.objects.filter(pk=experiment.retrospective_survey_id).update(
            closed_at=first - datetime.timedelta(days=30 * chosen[0].months)
        )
    for index, follow_up in enumerate(chosen):
        # One after the other, the last one closed yesterday.
        opened = timezone.now() - datetime.timedelta(
            days=(FOLLOW_UP_SURVEY_DAYS + 1) * (len(chosen) - index)
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(due_on=timezone.localdate(opened))
        open_follow_up(follow_up.pk, now=opened)
        follow_up.refresh_from_db()
        questions = list(follow_up.survey.questions.all())
        for invitation in Invitation.objects.filter(survey=follow_up.survey).order_by("pk"):
            answers = {}
            for question in questions:
                if question.kind == question.Kind.RECOMMENDATION:
                    answers[question] = rng.choice([5, 7, 8, 9, 9, 10])
                elif question.kind == question.Kind.SINGLE_CHOICE:
                    answers[question] = rng.choice(
                        [*STILL_APPLIED_CHOICES[:2], STILL_APPLIED_CHOICES[0]]
                    )
                else:
                    answers[question] = rng.choice(FOLLOW_UP_TEXTS)
            submit_response(invitation, answers)
        close(follow_up.survey, now=follow_up.survey.closes_at)


FOLLOW_UP_TEXTS = [
    "Le rituel tient toujours, même pendant les congés.",
    "On l'applique moins depuis l'arrivée de nouveaux collègues.",
    "Les nouveaux arrivants l'ont adopté sans qu'on leur explique.",
    None,
]


# Issue 16 §3: actions in every status, each update kept; (what, owner, days to due date,
# status, progress note, reason abandoned).
TRACKED_ACTIONS = [
    (
        "Écrire la fiche pratique pour l'intranet",
        "lead",
        2,
        "in_progress",
        "Plan de la fiche validé, rédaction en cours.",
        "",
    ),
    ("Équiper la salle 204 d'un micro de table", 0, -10, "done", "Micro installé et testé.", ""),
    (
        "Tenir le rythme pendant les congés d'été",
        1,
        -5,
        "abandoned",
        "",
        "Trop peu de monde présent en août : reprise à la rentrée.",
    ),
]


def seed_tracked_actions(experiment, lead, participants):
    for what, who, days, status, note, reason in TRACKED_ACTIONS:
        owner = lead if who == "lead" else participants[who]
        action = ActionItem.objects.create(
            experiment=experiment,
            what=what,
            owner=owner,
            due_date=timezone.localdate() + datetime.timedelta(days=days),
            status=status,
            progress_note=note,
            abandon_reason=reason,
        )
        ActionItemChange.objects.create(
            action=action, by=owner, old_status="todo", new_status=status, note=reason or note
        )
    ExperimentFollow.objects.get_or_create(experiment=experiment, agent=participants[-1])


# What the participants wrote in the retrospective's open questions.
RETROSPECTIVE_TEXTS = {
    "Qu’est-ce qui a bien fonctionné ?": [
        "Le tour de table qui commence par les personnes à distance.",
        "Des réunions qui finissent à l’heure.",
        "Le compte rendu écrit pendant la réunion.",
        "On ose davantage prendre la parole à distance.",
        "L’ordre du jour envoyé la veille.",
        "",
    ],
    "Qu’est-ce qu’il faudrait changer ?": [
        "Un micro de table dans la salle 204.",
        "Tenir le rythme pendant les congés.",
        "",
        "Faire tourner l’animation chaque semaine.",
        "Des consignes plus courtes pour les nouveaux.",
        "Prévoir cinq minutes pour les sujets imprévus.",
    ],
}


def answer(question, index, rng):
    """A participant's answer (the index-th to answer): recommendations and scales at random,
    texts from RETROSPECTIVE_TEXTS, a few left blank."""
    if question.kind == question.Kind.RECOMMENDATION:
        return rng.choice([6, 7, 8, 9, 9, 10, 10])
    if question.kind == question.Kind.SCALE:
        return rng.choice([3, 4, 4, 5, 5])
    texts = RETROSPECTIVE_TEXTS.get(question.label, [""])
    return texts[index % len(texts)] or None


def seed(stdout):
    if Experiment.objects.exists():
        stdout.write("Experiments: 0 created.")
        return
    from practices.models import PracticePage

    rng = random.Random(11)
    lead = by_local("cheffe.projet")
    sponsor = by_local("commanditaire")
    sponsor.groups.add(Group.objects.get(name=SPONSORS))
    agents = list(Agent.objects.filter(is_active=True).exclude(pk__in=[lead.pk, sponsor.pk]))
    for title, stop, slugs in EXPERIMENTS:
        experiment = services.start(lead, title)
        participants = rng.sample(agents, 7) + [by_local("claire.martin")]
        practice_pages = list(PracticePage.objects.filter(slug__in=slugs))
        advance(experiment, stop, lead, sponsor, participants, practice_pages, rng)
    stdout.write(f"Experiments: {len(EXPERIMENTS)} created.")
    seed_ideas(stdout)
    seed_changes_announced()


# --- Ideas (issue 16, section 6) ---

# (title, kind, problem, idea, who it concerns, status, reason)
IDEAS = [
    (
        "Un tableau partagé des demandes d'habitants",
        "tool",
        "Les demandes arrivent par mail, téléphone et guichet : certaines se perdent.",
        "Un tableau partagé où chaque demande a un responsable et un état visible de tous.",
        "L'accueil, les services techniques.",
        "proposed",
        "",
    ),
    (
        "Une heure sans réunion chaque matin",
        "practice",
        "Les journées sont hachées par les réunions, le travail de fond se fait le soir.",
        "Bloquer 9 h–10 h pour le travail de fond, sans réunion, dans toute la direction.",
        "Toutes les équipes de bureau.",
        "proposed",
        "",
    ),
    (
        "Des comptes rendus de réunion en cinq lignes",
        "practice",
        "Personne ne lit les comptes rendus de trois pages.",
        "Cinq lignes : décisions, actions, responsables, échéances, prochaine date.",
        "Les secrétariats et les chefs de service.",
        "studying",
        "Le comité de direction en parle à sa prochaine séance.",
    ),
    (
        "Le planning des astreintes dans l'agenda partagé",
        "tool",
        "Le planning des astreintes circule en pièce jointe et n'est jamais à jour.",
        "Le publier dans l'agenda partagé de la Ville, modifiable par le seul responsable.",
        "Les agents d'astreinte, le standard.",
        "studying",
        "À voir avec la DSI pour les droits de modification.",
    ),
    (
        "Décider par écrit entre deux réunions",
        "practice",
        "Des décisions simples attendent la réunion mensuelle.",
        "Une proposition écrite, trois jours pour réagir, puis la décision est prise.",
        "Les équipes projet.",
        "adopted",
        "",
    ),
    (
        "Une messagerie instantanée grand public pour l'équipe",
        "tool",
        "Les agents de terrain sont difficiles à joindre.",
        "Un groupe sur une messagerie grand public.",
        "Les agents de terrain.",
        "rejected",
        "Les données de la Ville ne peuvent pas passer par un service grand public : "
        "la messagerie de la Ville le permet déjà sur mobile.",
    ),
    (
        "Un café d'accueil pour les nouveaux arrivants",
        "practice",
        "Les nouveaux mettent des semaines à connaître leurs collègues des autres services.",
        "Un café mensuel où chaque nouvel arrivant rencontre un agent de chaque direction.",
        "Les nouveaux arrivants, les ressources humaines.",
        "proposed",
        "",
    ),
    (
        "Co-écrire les notes au lieu de les faire circuler",
        "tool",
        "Une note passe par cinq versions en pièce jointe.",
        "Écrire la note à plusieurs dans le même document partagé, avec les commentaires.",
        "Les rédacteurs des directions.",
        "proposed",
        "",
    ),
    (
        "Un point d'équipe debout le lundi",
        "practice",
        "L'équipe découvre le planning de la semaine au fil de l'eau.",
        "Dix minutes debout le lundi matin : qui fait quoi cette semaine.",
        "Les équipes des espaces verts.",
        "rejected",
        "Déjà testé par l'expérimentation des rituels courts : voir sa synthèse.",
    ),
    (
        "Un forum des bonnes astuces numériques",
        "tool",
        "Les astuces des uns ne profitent pas aux autres.",
        "Un espace où chacun partage une astuce et vote pour les plus utiles.",
        "Tous les agents.",
        "proposed",
        "",
    ),
    (
        "Des visites croisées entre services",
        "practice",
        "Les services se connaissent mal et se renvoient les dossiers.",
        "Une demi-journée par trimestre chez un autre service.",
        "Les chefs de service.",
        "studying",
        "Une direction pilote est cherchée.",
    ),
    (
        "Vendre ses congés aux collègues",
        "practice",
        "Idée hors sujet, masquée par la modération.",
        "Un marché des jours de congé.",
        "Tout le monde.",
        "proposed",
        "",
    ),
]
IDEA_COMMENTS = [
    "Bonne idée, on a le même problème chez nous.",
    "À tester d'abord dans une seule équipe ?",
    "Je veux bien faire partie de l'essai.",
    "Attention à la charge pour ceux qui animent.",
]
# The adopted idea is the origin of this demo experiment.
ADOPTED_IDEA_EXPERIMENT = "Décider sans réunion"


def seed_ideas(stdout):
    """A dozen ideas in every status, with supports and comments; one hidden by the
    moderator, one adopted that became a demo experiment."""
    rng = random.Random(16)
    agents = list(Agent.objects.filter(is_active=True, department__isnull=False).order_by("pk"))
    moderator = by_local("moderatrice")
    experiment = Experiment.objects.get(title=ADOPTED_IDEA_EXPERIMENT)
    team = list(experiment.participants.filter(department__isnull=False).order_by("pk"))
    now = timezone.now()
    for index, (title, kind, problem, text, concerns, status, reason) in enumerate(IDEAS):
        author = team[0] if status == Idea.Status.ADOPTED else rng.choice(agents)
        idea = Idea.objects.create(
            author=author,
            department=author.department,
            title=title,
            kind=kind,
            problem=problem,
            idea=text,
            concerns=concerns,
            status=status,
            status_reason=reason,
            experiment=experiment if status == Idea.Status.ADOPTED else None,
        )
        hidden = index == len(IDEAS) - 1
        Idea.objects.filter(pk=idea.pk).update(
            created=now - datetime.timedelta(days=rng.randint(3, 300)),
            hidden=hidden,
            hidden_by=moderator if hidden else None,
            hidden_at=now if hidden else None,
        )
        supporters = rng.sample([agent for agent in agents if agent != author], rng.randint(0, 9))
        IdeaSupport.objects.bulk_create(
            IdeaSupport(idea=idea, agent=supporter) for supporter in supporters
        )
        IdeaComment.objects.bulk_create(
            IdeaComment(idea=idea, author=rng.choice(agents), text=comment)
            for comment in rng.sample(IDEA_COMMENTS, rng.randint(0, 3))
        )
    IdeaComment.objects.create(
        idea=Idea.objects.get(title=IDEAS[0][0]),
        author=rng.choice(agents),
        text="Commentaire injurieux, masqué par la modération.",
        hidden=True,
    )
    stdout.write(f"Ideas: {len(IDEAS)} created.")


# --- You said, we did (issue 16, section 5) ---

FINISHED_EXPERIMENT = "Des rituels d'équipe courts en télétravail"
CHANGES_ANNOUNCED = (
    "Vous avez trouvé le point d'équipe court utile, mais la salle 204 vous a gênés : "
    "elle reçoit un micro de table ce mois-ci.\n\n"
    "Le point d'équipe de quinze minutes devient la règle de l'équipe, animé à tour de "
    "rôle ; sa fiche pratique est en relecture pour toute la Ville."
)


def seed_changes_announced():
    """The finished experiment's lead tells the retrospective's invitees what will change."""
    experiment = Experiment.objects.get(title=FINISHED_EXPERIMENT)
    announcements.announce(experiment, experiment.lead, CHANGES_ANNOUNCED)
