"""When each stage of an experiment is due, and whether it is late.

A stage is due a number of days after its task was assigned: the lead's own choice for this
experiment when she gave one at framing (``Experiment.stage_durations``), otherwise the date
the stage naturally ends on (the launch by the planned start, the experimentation by the
planned end, the retrospective when its survey closes), otherwise the default below. Due
dates are computed, never stored: they follow the lead's edits of the framing and the dates.
"""

import datetime

from django.db.models import F
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from .models import STAGE_NAMES, Experiment

# services.OPEN_STATUSES (services imports the flow, which imports the forms that import us).
OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]

# Days a stage takes when neither the lead nor the experiment's dates say otherwise.
DEFAULT_STAGE_DAYS = {
    "frame": 14,
    "review": 7,
    "launch": 7,  # or by the planned start
    "run": 60,  # or by the planned end
    "retrospective": 14,  # or when its survey closes (retrospectives.RETROSPECTIVE_DAYS)
    "synthesis": 14,
    "action_plan": 14,
}

# The stages whose duration the lead may choose at framing: those after it.
EDITABLE_STAGES = ["review", "launch", "run", "retrospective", "synthesis", "action_plan"]

# What due_on() needs of an experiment, as Experiment.objects.values() names it.
EXPERIMENT_VALUES = {
    "fields": ("pk", "title", "planned_start", "planned_end", "stage_durations", "sponsor_id"),
    "expressions": {"survey_closes_at": F("retrospective_survey__closes_at")},
}


def experiment_values(process_ids):
    """{experiment pk: its values for due_on()}, in one query."""
    return {
        row["pk"]: row
        for row in Experiment.objects.filter(pk__in=process_ids).values(
            *EXPERIMENT_VALUES["fields"], **EXPERIMENT_VALUES["expressions"]
        )
    }


def due_on(assigned_on, stage_name, experiment):
    """The date the stage ``stage_name``, assigned on ``assigned_on``, is due (``experiment``
    a dict of EXPERIMENT_VALUES); None for a node that is not a stage."""
    if stage_name not in DEFAULT_STAGE_DAYS:
        return None
    chosen = (experiment.get("stage_durations") or {}).get(stage_name)
    if chosen:
        return assigned_on + datetime.timedelta(days=chosen)
    if stage_name == "launch" and experiment.get("planned_start"):
        return experiment["planned_start"]
    if stage_name == "run" and experiment.get("planned_end"):
        return experiment["planned_end"]
    if stage_name == "retrospective" and experiment.get("survey_closes_at"):
        return timezone.localdate(experiment["survey_closes_at"])
    return assigned_on + datetime.timedelta(days=DEFAULT_STAGE_DAYS[stage_name])


def task_due_on(task, experiment):
    """The due date of an experiment's stage task."""
    return due_on(timezone.localdate(task.created), task.flow_task.name, experiment)


def is_overdue(due, today=None):
    """Whether a stage due on ``due`` is late: the due date itself is not."""
    return due is not None and (today or timezone.localdate()) > due


def current_deadline(experiment):
    """The open stage of an experiment, when it is due and whether it is late (None when no
    stage is open). Depends on today: render it outside the page's cached parts."""
    if experiment.status == PROCESS.DONE:
        return None
    task = (
        Task.objects.filter(
            process_id=experiment.pk, status__in=OPEN_STATUSES, flow_task_type="HUMAN"
        )
        .only("flow_task", "created")
        .order_by("-created", "-pk")
        .first()
    )
    if task is None:
        return None
    values = {
        "planned_start": experiment.planned_start,
        "planned_end": experiment.planned_end,
        "stage_durations": experiment.stage_durations,
        "survey_closes_at": experiment.retrospective_survey.closes_at
        if experiment.retrospective_survey_id
        else None,
    }
    due = task_due_on(task, values)
    if due is None:
        return None
    return {
        "stage": STAGE_NAMES.get(task.flow_task.name),
        "due": due,
        "overdue": is_overdue(due),
    }
