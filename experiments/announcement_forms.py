from django import forms
from django.utils.translation import gettext_lazy as _

from .announcements import MAX_LENGTH


class ChangesAnnouncedForm(forms.Form):
    text = forms.CharField(
        label=_("What will change"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the team and you take from the retrospective, and what will change. "
            "Shown on the experiment's page and e-mailed to everyone invited to the "
            "retrospective."
        ),
        error_messages={"required": _("Write what will change: nothing was published.")},
    )
    notify_again = forms.BooleanField(
        label=_("E-mail the retrospective's invitees again"),
        required=False,
        help_text=_("Otherwise the change is only shown on the experiment's page."),
    )

    def __init__(self, *args, published, **kwargs):
        super().__init__(*args, **kwargs)
        if not published:  # the first publication is always e-mailed
            del self.fields["notify_again"]
