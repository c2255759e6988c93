"""The experiment lifecycle: framing → approval → launch → run → retrospective → synthesis
→ action plan → follow-up (follow_ups.py: surveys months later, the last one's closing
ends it). Every stage is a task assigned to one named person, done in its own view
(task_views.py) behind viewflow's checks and lock."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from . import follow_up_views, follow_ups, task_views
from .models import Experiment
from .notifications import notify_assignment
from .retrospectives import open_retrospective


def lead(activation):
    return activation.process.lead


def sponsor(activation):
    return activation.process.sponsor


class ExperimentFlow(flow.Flow):
    """Expérimentation

    A team tries collaboration practices for real, reviews them and spreads what works.
    """

    process_class = Experiment
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_experiment).Next(this.frame)
    frame = (
        flow.View(task_views.frame)
        .Annotation(title=_("Framing"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.review)
    )
    review = (
        flow.View(task_views.review)
        .Annotation(title=_("Approval"))
        .Assign(sponsor)
        .onCreate(this.notify)
        .Next(this.check_approval)
    )
    check_approval = (
        flow.If(lambda activation: activation.process.approved)
        .Annotation(title=_("Approved?"))
        .Then(this.launch)
        .Else(this.frame)
    )
    launch = (
        flow.View(task_views.launch)
        .Annotation(title=_("Launch"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.run)
    )
    run = (
        flow.View(task_views.run)
        .Annotation(title=_("Experimentation"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.retrospective)
    )
    retrospective = (
        flow.View(task_views.retrospective)
        .Annotation(title=_("Retrospective"))
        .Assign(lead)
        .onCreate(this.open_retrospective)
        .Next(this.synthesis)
    )
    synthesis = (
        flow.View(task_views.synthesis)
        .Annotation(title=_("Synthesis"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.action_plan)
    )
    action_plan = (
        flow.View(task_views.action_plan)
        .Annotation(title=_("Action plan"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.schedule_follow_ups)
    )
    # Issue 16 §4: follow-up surveys months later; the stage ends with the last one's closing
    # (services.finish_follow_up) or when the lead ends it with a reason.
    schedule_follow_ups = (
        flow.Function(this.schedule)
        .Annotation(title=_("Follow-ups scheduled"))
        .Next(this.check_follow_ups)
    )
    check_follow_ups = (
        flow.If(lambda activation: activation.process.follow_ups.exists())
        .Annotation(title=_("Follow-ups to come?"))
        .Then(this.follow_up)
        .Else(this.end)
    )
    follow_up = (
        flow.View(follow_up_views.follow_up)
        .Annotation(title=_("Follow-up"))
        .Assign(lead)
        .onCreate(this.notify)
        .Next(this.end)
    )
    end = flow.End()

    def start_experiment(self, activation, lead, title, department=None):
        activation.process.lead = lead
        activation.process.title = title
        activation.process.department = department or lead.department
        return activation.process

    def notify(self, activation):
        notify_assignment(activation.task.pk)

    def schedule(self, activation):
        follow_ups.schedule(activation.process)

    def open_retrospective(self, activation):
        open_retrospective(activation.process)
        self.notify(activation)
