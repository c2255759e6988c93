from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from wagtail import hooks

from intranet.home.attention import HOOK_NAME, AttentionItem

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
