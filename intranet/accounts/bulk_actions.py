"""A bulk action of Wagtail's user listing: e-mail the activation link to the chosen agents."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.users.views.bulk_actions.user_bulk_action import UserBulkAction
from wagtail.users.views.users import change_user_perm

from .models import Agent
from .notifications import queue_activation_links


class SendActivationBulkAction(UserBulkAction):
    display_name = _("Send the activation link")
    action_type = "send_activation"
    aria_label = _("E-mail the link to choose a password to the selected agents")
    template_name = "accounts/admin/confirm_bulk_send_activation.html"
    action_priority = 25

    def check_perm(self, obj):
        return self.request.user.has_perm(change_user_perm)

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return queue_activation_links(Agent.objects.filter(pk__in=[obj.pk for obj in objects])), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "An activation link is being sent to %(count)s agent (the others have no e-mail "
            "address, are inactive or already chose a password).",
            "Activation links are being sent to %(count)s agents (the others have no e-mail "
            "address, are inactive or already chose a password).",
            num_parent_objects,
        ) % {"count": num_parent_objects}
