"""Builders of the data the experiment page, « Mes tâches » and a practice page show, at a
chosen scale (1 for a small data set, 10 for ten times more), for query-count tests.

Each builder advances experiments through their real stages over HTTP (tests.support.
experiments), so that the pages show their full content: journal, reassignments, history,
retrospective results, synthesis, action plan, practices spread. Extend them (actions with
statuses, follow-up surveys, score trends…) by adding keyword arguments with defaults: the
existing tests keep their meaning.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from experiments import reassignment
from experiments.models import Idea, IdeaComment, IdeaSupport, JournalEntry, TaskReminder
from intranet.accounts import roles
from surveys.models import Invitation, Question
from surveys.services import close, submit_response

from .experiments import framing, open_task, post_task, started
from .practices import make_category, make_guide, make_library, make_practice, make_tool

# Stages of the flow, in order, and the last value of ``until``: the experiment is finished.
STAGE_ORDER = ["frame", "review", "launch", "run", "retrospective", "synthesis", "action_plan"]
DONE = "done"

# Per unit of scale.
PARTICIPANTS = 5  # the retrospective's results show from its minimum group size
PRACTICES = 2
TOOLS = 2


@dataclass
class Cast:
    """The people of one data set: a lead, a sponsor, a second lead (reassignments), an
    outsider, and the participants of each experiment built with them."""

    lead: object
    sponsor: object
    other_lead: object
    stranger: object
    participants: list = field(default_factory=list)


def person(make_agent, last_name):
    """An agent named ``last_name`` (spaces, accents), with a valid address all the same."""
    number = next(ADDRESSES)
    return make_agent(last_name, email=f"{slugify(last_name)}-{number}@ville.test")


ADDRESSES = itertools.count(1)


def member(make_agent, group, last_name):
    agent = person(make_agent, last_name)
    agent.groups.add(Group.objects.get_or_create(name=group)[0])
    return agent


def make_cast(make_agent, name="Équipe"):
    return Cast(
        lead=member(make_agent, roles.PROJECT_LEADS, f"{name} cheffe"),
        sponsor=member(make_agent, roles.SPONSORS, f"{name} commanditaire"),
        other_lead=member(make_agent, roles.PROJECT_LEADS, f"{name} autre cheffe"),
        stranger=person(make_agent, f"{name} inconnue"),
    )


@dataclass
class Library:
    library: object
    practices: list
    tools: list


def make_practice_library(site, scale, library=None):
    """PRACTICES × scale practices (each with the tools and the others as related practices)
    and TOOLS × scale tools, in a new practice library (with the site's guide of the tools),
    or in ``library`` (the ``library`` attribute of another Library: one per site)."""
    if library is None:
        library = make_library(site)
        make_guide(site)
    category = make_category()
    tools = [make_tool() for _ in range(TOOLS * scale)]
    practices = [
        make_practice(library, category=category, tools=tools) for _ in range(PRACTICES * scale)
    ]
    for practice in practices:
        practice.related_practices = [other for other in practices if other != practice]
        practice.save_revision().publish()
    return Library(library, practices, tools)


def answers_for(survey, number):
    """Every question of a retrospective answered, a little differently for each agent."""
    values = {
        Question.Kind.RECOMMENDATION: 9 if number % 3 else 6,
        Question.Kind.SCALE: 4 if number % 2 else 5,
        Question.Kind.TEXT: f"Réponse libre {number}",
    }
    return {question: values.get(question.kind) for question in survey.questions.all()}


def experiment_through(
    client,
    callbacks,
    cast,
    make_agent,
    scale,
    until=DONE,
    practices=(),
    tools=(),
    title="Réunions hybrides",
):
    """An experiment of ``cast`` advanced over HTTP up to the stage ``until`` (open), or
    finished (``DONE``), with data proportional to ``scale``, as far as it goes:

    - the framing sent back ``scale`` times (history, comments), then approved;
    - PARTICIPANTS × scale participants, each writing a journal entry;
    - the experimentation reassigned 2 × scale times between the two leads (back to the
      lead at last), and a reminder a day for scale days on each stage;
    - every participant (and the lead) answering the whole retrospective;
    - an action plan of 3 × scale actions, revising the practices tested and writing
      scale new ones;
    - the idea it came from, with PARTICIPANTS × scale supports and comments.
    """
    stop = len(STAGE_ORDER) if until == DONE else STAGE_ORDER.index(until)
    participants = [
        person(make_agent, f"{title} participant {n}") for n in range(PARTICIPANTS * scale)
    ]
    cast.participants = participants
    experiment = started(client, cast.lead, callbacks)
    idea = Idea.objects.create(
        author=participants[0],
        department=participants[0].department,
        title=f"Idée : {title}",
        problem="Les agents à distance décrochent.",
        idea="Un micro de salle.",
        concerns="Toutes les équipes.",
        kind=Idea.Kind.PRACTICE,
        status=Idea.Status.ADOPTED,
        experiment=experiment,
    )
    IdeaSupport.objects.bulk_create(IdeaSupport(idea=idea, agent=agent) for agent in participants)
    IdeaComment.objects.bulk_create(
        IdeaComment(idea=idea, author=agent, text="J'en suis.") for agent in participants
    )
    frame = framing(
        cast.sponsor,
        title=title,
        practices=[str(page.pk) for page in practices],
        tools=[str(tool.pk) for tool in tools],
    )

    def step(name, agent, data):
        response = post_task(client, agent, experiment, name, data, callbacks)
        assert response.status_code == 302, (name, response.status_code)
        remind(experiment, name, agent, scale)

    for number in range(scale):
        step("frame", cast.lead, frame)
        step("review", cast.sponsor, {"decision": "send_back", "comment": f"Précisez {number}."})
    if stop <= 0:  # the framing, sent back
        return refreshed(experiment)
    step("frame", cast.lead, frame)
    if stop <= 1:
        return refreshed(experiment)
    step("review", cast.sponsor, {"decision": "approve"})
    if stop <= 2:
        return refreshed(experiment)
    step(
        "launch",
        cast.lead,
        {
            "planned_start": "2026-12-01",
            "planned_end": "2027-01-31",
            "participant_emails": "\n".join(agent.email for agent in participants),
        },
    )
    JournalEntry.objects.bulk_create(
        JournalEntry(
            experiment=experiment, author=agent, kind=kind, text=f"Note de {agent.last_name}"
        )
        for agent, kind in zip(
            participants, itertools.cycle(kind for kind, _label in JournalEntry.Kind.choices)
        )
    )
    experiment.refresh_from_db()
    experiment.save()  # the page's cached parts follow (bulk_create sends no signal)
    run = open_task(experiment, "run")
    for number in range(scale):
        reassignment.reassign(run, cast.other_lead, cast.sponsor, f"Congé {number}")
        run = open_task(experiment, "run")
        reassignment.reassign(run, cast.lead, cast.sponsor, f"Retour {number}")
        run = open_task(experiment, "run")
    if stop <= 3:
        return refreshed(experiment)
    step("run", cast.lead, {"confirm": "on"})
    experiment.refresh_from_db()
    survey = experiment.retrospective_survey
    for number, invitation in enumerate(Invitation.objects.filter(survey=survey).order_by("pk")):
        submit_response(invitation, answers_for(survey, number))
    if stop <= 4:
        return refreshed(experiment)
    step("retrospective", cast.lead, {"confirm": "on"})
    if stop <= 5:
        return refreshed(experiment)
    step("synthesis", cast.lead, {"synthesis": "Le format fonctionne.", "decision": "adapt"})
    if stop <= 6:
        return refreshed(experiment)
    actions = 3 * scale
    plan = {
        "actions-TOTAL_FORMS": str(actions),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
        "revise": [str(page.pk) for page in practices],
        "new_titles": "\n".join(f"{title} : fiche {number}" for number in range(scale)),
    }
    owners = [cast.lead, cast.sponsor, *participants]
    for number in range(actions):
        plan[f"actions-{number}-what"] = f"Action {number}"
        plan[f"actions-{number}-owner_email"] = owners[number % len(owners)].email
        plan[f"actions-{number}-due_date"] = "2027-03-01"
    response = post_task(client, cast.lead, experiment, "action_plan", plan, callbacks)
    assert response.status_code == 302, [
        form.errors for name in ("formset", "form") if (form := response.context.get(name))
    ]
    # The follow-up stage waits months for its surveys: the lead ends it at once, with a reason.
    response = post_task(
        client,
        cast.lead,
        experiment,
        "follow_up",
        {"reason": "Généralisé sans attendre."},
        callbacks,
    )
    assert response.status_code == 302, response.context and response.context.get("form").errors
    experiment = refreshed(experiment)
    assert experiment.status == "DONE"
    return experiment


def remind(experiment, stage, agent, scale):
    """A reminder a day, for ``scale`` days, of the stage's latest task (the reminders'
    history the deadlines keep, one row a task and a day)."""
    from viewflow.workflow.models import Task

    from experiments.flows import ExperimentFlow

    task = (
        Task.objects.filter(process_id=experiment.pk, flow_task=getattr(ExperimentFlow, stage))
        .order_by("-created", "-pk")
        .first()
    )
    today = timezone.localdate()
    TaskReminder.objects.bulk_create(
        TaskReminder(
            task=task,
            day=today - datetime.timedelta(days=day),
            kind=TaskReminder.Kind.BEFORE,
            sent_to=agent,
        )
        for day in range(scale)
        if not TaskReminder.objects.filter(
            task=task, day=today - datetime.timedelta(days=day)
        ).exists()
    )


def refreshed(experiment):
    experiment.refresh_from_db()
    return experiment


# The stages « Mes tâches » lists for a lead, each a different kind of row: a framing sent
# back (the sponsor's comment), a launch (due by the planned start), an experimentation
# (by the planned end), a retrospective (when its survey closes), a synthesis, an action plan.
LEAD_STAGES = ["frame", "launch", "run", "retrospective", "synthesis", "action_plan"]


def tasks_waiting_for(client, callbacks, cast, make_agent, scale, stages=tuple(LEAD_STAGES)):
    """``scale`` experiments of ``cast`` open at each of ``stages`` (the lead's tasks), and
    as many waiting for the sponsor's approval (the sponsor's); the framings sent back
    once."""
    experiments = []
    for number in range(scale):
        for stage in stages:
            experiments.append(
                experiment_through(
                    client,
                    callbacks,
                    cast,
                    make_agent,
                    1,
                    until=stage,
                    title=f"Expé {stage} {number}",
                )
            )
        experiments.append(
            experiment_through(
                client,
                callbacks,
                cast,
                make_agent,
                1,
                until="review",
                title=f"Expé à valider {number}",
            )
        )
    return experiments


def closed_survey_rating(practice, make_survey, make_agent, answers):
    """A survey measuring the practice (a recommendation question about it), answered
    ``answers`` times, then closed: its answers count in the practice's score."""
    survey = make_survey()
    question = survey.questions.get()
    question.subject = practice
    question.save()
    for number in range(answers):
        invitation = Invitation.objects.create(survey=survey, agent=make_agent())
        submit_response(invitation, {question: 10 if number % 2 else 8})
    close(survey)
    return survey


def practice_in_use(client, callbacks, cast, make_agent, make_survey, library, scale):
    """The first practice of ``library``, with what its page lists, × scale: experiments
    that tested it (finished, so its retrospectives measure it; running, the cast's; and
    running, of other teams the viewer is not in), surveys measuring it, and the library's
    tools and related practices."""
    practice = library.practices[0]
    others = make_cast(make_agent, name=f"Autres {practice.pk}")
    for number in range(scale):
        experiment_through(
            client,
            callbacks,
            cast,
            make_agent,
            1,
            practices=[practice],
            tools=library.tools,
            title=f"Finie {number}",
        )
        experiment_through(
            client,
            callbacks,
            cast,
            make_agent,
            1,
            until="run",
            practices=[practice],
            tools=library.tools,
            title=f"En cours {number}",
        )
        experiment_through(
            client,
            callbacks,
            others,
            make_agent,
            1,
            until="run",
            practices=[practice],
            title=f"D'une autre équipe {number}",
        )
        closed_survey_rating(practice, make_survey, make_agent, PARTICIPANTS)
    practice.refresh_from_db()
    return practice
