"""One e-mail per submission to moderation.

Wagtail tells the superusers twice of each page submitted to a workflow: once for the
workflow ("submitted to workflow …") and once for its first moderation stage ("submitted for
approval to moderation stage …", also sent to the stage's moderators, with the preview
link). The first says nothing the second does not, so it is not sent.

It is the one place that names Wagtail's receiver by its ``dispatch_uid``
(``wagtail/admin/signal_handlers.py``); tests/test_moderation_mail.py fails if a submission
gives an administrator anything but one e-mail.
"""

from wagtail.models import WorkflowState
from wagtail.signals import workflow_submitted

WAGTAIL_WORKFLOW_SUBMITTED_RECEIVER = "workflow_state_submitted_email_notification"


def send_one_notice_per_submission():
    workflow_submitted.disconnect(
        sender=WorkflowState, dispatch_uid=WAGTAIL_WORKFLOW_SUBMITTED_RECEIVER
    )
