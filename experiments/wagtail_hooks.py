import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from wagtail import hooks

from intranet.core.hooks import (
    ATTENTION_ITEMS,
    PERSONAL_DATA,
    PRACTICE_TESTED_BY,
    AttentionItem,
    PersonalDataSection,
    TestedBy,
    with_the_others_counted,
)

from .action_tracking import open_actions_of
from .flows import ExperimentFlow
from .models import (
    STAGE_NAMES,
    ActionItem,
    ActionItemChange,
    Experiment,
    ExperimentFollow,
    JournalEntry,
)
from .notifications import task_url
from .services import sent_back_comment

# Tasks listed on the home page; the others are counted, with a link to "My tasks".
HOME_TASKS = 5
COMMENT_LENGTH = 200  # of a sponsor's comment on the home page; "My tasks" shows it whole


@hooks.register(ATTENTION_ITEMS)
def experiment_tasks(request):
    """My open experiment tasks, for the home page: the oldest first, and a link to the others."""
    tasks = list(
        Task.objects.filter(
            owner=request.user,
            status__in=[STATUS.ASSIGNED, STATUS.STARTED],
            process__flow_class=ExperimentFlow,
        )
        .annotate(
            experiment_title=Subquery(
                Experiment.objects.filter(pk=OuterRef("process_id")).values("title")[:1]
            ),
            sent_back_comment=sent_back_comment(),
            total=Window(Count("pk")),
        )
        .order_by("created", "pk")[:HOME_TASKS]
    )
    items = [
        AttentionItem(
            title=_("%(stage)s: %(title)s")
            % {"stage": task.flow_task.task_title, "title": task.experiment_title},
            url=task_url(task),
            description=_("Experiment stage assigned to you"),
        )
        if task.sent_back_comment is None
        else AttentionItem(
            title=_("Framing sent back by the sponsor: %(title)s")
            % {"title": task.experiment_title},
            url=task_url(task),
            description=_("The sponsor’s comment: “%(comment)s”")
            % {"comment": Truncator(task.sent_back_comment).chars(COMMENT_LENGTH)},
        )
        for task in tasks
    ]
    return with_the_others_counted(
        items,
        tasks[0].total if tasks else 0,
        lambda count: (
            ngettext(
                "%(count)s other experiment task waits for you",
                "%(count)s other experiment tasks wait for you",
                count,
            )
            % {"count": count}
        ),
        reverse("experiments:my_tasks"),
        _("See them all in My tasks."),
    )


@hooks.register(ATTENTION_ITEMS)
def my_open_actions(request):
    """The actions of action plans the agent owns, still open, the soonest due first (agents
    without e-mail are never reminded otherwise); the others counted, with a link to them."""
    actions = list(open_actions_of(request.user).annotate(total=Window(Count("pk")))[:HOME_TASKS])
    today = timezone.localdate()
    items = [
        AttentionItem(
            title=_("Action: %(what)s") % {"what": action.what},
            url=reverse("experiments:action", args=[action.experiment_id, action.pk]),
            description=(
                _("Overdue since %(date)s, in the experiment “%(title)s”")
                if action.due_date < today
                else _("Due on %(date)s, in the experiment “%(title)s”")
            )
            % {"date": date_format(action.due_date), "title": action.experiment.title},
        )
        for action in actions
    ]
    return with_the_others_counted(
        items,
        actions[0].total if actions else 0,
        lambda count: (
            ngettext(
                "%(count)s other open action of yours",
                "%(count)s other open actions of yours",
                count,
            )
            % {"count": count}
        ),
        reverse("experiments:my_tasks"),
        _("See them all in My tasks."),
    )


@hooks.register(PRACTICE_TESTED_BY)
def experiments_that_tested(request, practice):
    """On a practice page: the experiments that tested it or spread it, that the agent may open."""
    if practice.pk is None:  # the preview of a page not saved yet
        return []
    visible = Experiment.objects.filter(
        Q(pk__in=Experiment.objects.visible_to(request.user).values("pk")) | Q(status=PROCESS.DONE)
    )
    experiments = visible.filter(Q(practices=practice) | Q(spread_practices=practice)).distinct()
    return [
        TestedBy(experiment.title, reverse("experiments:detail", args=[experiment.pk]))
        for experiment in experiments.order_by("-created")
    ]


@hooks.register(PERSONAL_DATA)
def experiment_data(agent):
    """Experiments the agent took part in, what they wrote, owned and were assigned."""
    experiments = (
        Experiment.objects.filter(
            Q(lead=agent)
            | Q(sponsor=agent)
            | Q(participants=agent)
            | Q(retrospective_invitees=agent)
        )
        .distinct()
        .annotate(
            participates=Exists(
                Experiment.participants.through.objects.filter(
                    experiment=OuterRef("pk"), agent=agent
                )
            ),
            invited=Exists(
                Experiment.retrospective_invitees.through.objects.filter(
                    experiment=OuterRef("pk"), agent=agent
                )
            ),
        )
        .order_by("created", "pk")
    )
    titles = Experiment.objects.filter(pk=OuterRef("process_id")).values("title")
    return [
        PersonalDataSection(
            key="experiments",
            title=gettext_lazy("Experiments"),
            purpose=gettext_lazy(
                "Shows who leads, sponsors and takes part in each experiment, and who may open it."
            ),
            records=[
                {
                    "title": experiment.title,
                    "roles": [
                        role
                        for role, held in (
                            ("lead", experiment.lead_id == agent.pk),
                            ("sponsor", experiment.sponsor_id == agent.pk),
                            ("participant", experiment.participates),
                            ("retrospective_invitee", experiment.invited),
                        )
                        if held
                    ],
                    "status": experiment.status,
                    "created": experiment.created,
                    "decision": experiment.decision,
                }
                for experiment in experiments
            ],
        ),
        PersonalDataSection(
            key="journal_entries",
            title=gettext_lazy("Experiment journal entries you wrote"),
            purpose=gettext_lazy("The journal records what the team observes while testing."),
            records=list(
                JournalEntry.objects.filter(author=agent)
                .order_by("created_at", "pk")
                .values("kind", "text", "created_at", experiment_title=F("experiment__title"))
            ),
        ),
        PersonalDataSection(
            key="action_items",
            title=gettext_lazy("Action items you own"),
            purpose=gettext_lazy("The action plan says who does what, by when."),
            records=list(
                ActionItem.objects.filter(owner=agent)
                .order_by("due_date", "pk")
                .values(
                    "what",
                    "due_date",
                    "status",
                    "progress_note",
                    "abandon_reason",
                    "updated_at",
                    experiment_title=F("experiment__title"),
                )
            ),
        ),
        PersonalDataSection(
            key="action_changes",
            title=gettext_lazy("Updates you made to actions"),
            purpose=gettext_lazy("Each update of an action is kept with who made it and when."),
            records=list(
                ActionItemChange.objects.filter(by=agent)
                .order_by("at", "pk")
                .values(
                    "at",
                    "old_status",
                    "new_status",
                    "note",
                    action_what=F("action__what"),
                    experiment_title=F("action__experiment__title"),
                )
            ),
        ),
        PersonalDataSection(
            key="experiment_follows",
            title=gettext_lazy("Experiments you follow"),
            purpose=gettext_lazy(
                "Those who follow an experiment are e-mailed its actions' progress."
            ),
            records=list(
                ExperimentFollow.objects.filter(agent=agent)
                .order_by("created", "pk")
                .values("created", experiment_title=F("experiment__title"))
            ),
        ),
        PersonalDataSection(
            key="workflow_tasks",
            title=gettext_lazy("Experiment stages assigned to you"),
            purpose=gettext_lazy("Each stage of an experiment is assigned to a named person."),
            records=[
                {
                    "stage": str(STAGE_NAMES.get(task.flow_task.name, task.flow_task.name)),
                    "experiment": task.experiment_title,
                    "status": task.status,
                    "created": task.created,
                    "finished": task.finished,
                }
                for task in Task.objects.filter(owner=agent, process__flow_class=ExperimentFlow)
                .annotate(experiment_title=Subquery(titles))
                .order_by("created", "pk")
            ],
        ),
    ]


@hooks.register(ATTENTION_ITEMS)
def experiments_i_take_part_in(request):
    """Launched experiments the agent takes part in, as the launch e-mail says (agents
    without e-mail learn it here)."""
    experiments = (
        # Participants are named at the launch: an experiment that has them is launched.
        Experiment.objects.filter(participants=request.user, status=PROCESS.NEW)
        .only("pk", "title", "planned_end")
        .order_by("planned_end", "pk")[:HOME_TASKS]
    )
    items = []
    for experiment in experiments:
        url = reverse("experiments:detail", args=[experiment.pk])
        items.append(
            AttentionItem(
                title=_("You take part in the experiment “%(title)s”")
                % {"title": experiment.title},
                url=url,
                description=_("Try its practices with your team and write in its journal."),
                action_label=_("Write in the journal"),
                action_url=f"{url}#journal",
            )
        )
    return items


# --- You said, we did (issue 16, section 5) ---

# How long after its publication what will change stays on the invitees' home page.
CHANGES_ANNOUNCED_DAYS = 30


@hooks.register(ATTENTION_ITEMS)
def changes_announced_to_me(request):
    """What will change after a retrospective the agent was invited to (answered or not),
    for a month after it is published; its author has it on the experiment's page."""
    since = timezone.now() - datetime.timedelta(days=CHANGES_ANNOUNCED_DAYS)
    experiments = (
        Experiment.objects.filter(
            retrospective_invitees=request.user, changes_announced_at__gte=since
        )
        .exclude(changes_announced_by=request.user)
        .only("pk", "title")
        .order_by("-changes_announced_at", "pk")[:HOME_TASKS]
    )
    return [
        AttentionItem(
            title=_("You said, we did: “%(title)s”") % {"title": experiment.title},
            url=reverse("experiments:detail", args=[experiment.pk]) + "#you-said-we-did",
            description=_("What will change after the retrospective you were invited to."),
        )
        for experiment in experiments
    ]
