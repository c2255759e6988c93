from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .action_tracking import allowed_statuses
from .models import ActionItem


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect)
    progress_note = forms.CharField(
        label=_("Progress note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where the action stands: shown on the experiment's page."),
    )
    abandon_reason = forms.CharField(
        label=_("Why it is abandoned"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to abandon the action."),
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": action.status,
                "progress_note": action.progress_note,
                "abandon_reason": action.abandon_reason,
            },
        )
        super().__init__(*args, **kwargs)
        allowed = allowed_statuses(action.status)
        self.fields["status"].choices = [
            choice for choice in ActionItem.Status.choices if choice[0] in allowed
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == ActionItem.Status.ABANDONED
            and not (data.get("abandon_reason") or "").strip()
        ):
            raise ValidationError(
                {"abandon_reason": _("Say why the action is abandoned: nothing was changed.")}
            )
        return data
