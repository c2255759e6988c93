from django import forms
from django.utils.translation import gettext_lazy as _


class FollowUpAudienceForm(forms.Form):
    """At the action plan: who answers the follow-up surveys besides the participants."""

    follow_up_include_teams = forms.BooleanField(
        label=_("Invite the participants' teams to the follow-up surveys too"),
        required=False,
        help_text=_(
            "Every agent of each participant's department is asked whether the practices "
            "are still applied."
        ),
    )


class EndFollowUpForm(forms.Form):
    """The lead ends the experiment before its last follow-up: a reason is required."""

    reason = forms.CharField(
        label=_("Why end the experiment now?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the reason for ending the experiment now: nothing was changed.")
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason
