from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from wagtail import hooks

from intranet.home.attention import HOOK_NAME, AttentionItem
from practices.models.practices import TESTED_BY_HOOK

from .models import Experiment
from .services import flow, task_url


@hooks.register(HOOK_NAME)
def experiment_tasks(request):
    """My open experiment tasks, for the home page."""
    tasks = list(
        Task.objects.filter(
            owner=request.user,
            status__in=[STATUS.ASSIGNED, STATUS.STARTED],
            process__flow_class=flow(),
        ).order_by("created")
    )
    titles = dict(
        Experiment.objects.filter(pk__in=[task.process_id for task in tasks]).values_list(
            "pk", "title"
        )
    )
    return [
        AttentionItem(
            title=_("%(stage)s: %(title)s")
            % {"stage": task.flow_task.task_title, "title": titles[task.process_id]},
            url=task_url(task),
            description=_("Experiment stage assigned to you"),
        )
        for task in tasks
    ]


@hooks.register(TESTED_BY_HOOK)
def experiments_that_tested(request, practice):
    """On a practice page: the experiments that tested it or spread it, that the agent may open."""
    if practice.pk is None:  # the preview of a page not saved yet
        return []
    visible = Experiment.objects.filter(
        Q(pk__in=Experiment.objects.visible_to(request.user).values("pk")) | Q(status=PROCESS.DONE)
    )
    experiments = visible.filter(Q(practices=practice) | Q(spread_practices=practice)).distinct()
    return [
        (experiment.title, reverse("experiments:detail", args=[experiment.pk]))
        for experiment in experiments.order_by("-created")
    ]
