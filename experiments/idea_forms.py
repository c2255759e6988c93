from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Idea


class IdeaForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("What do you propose to test?"),
        choices=Idea.Kind.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Idea
        fields = ["title", "kind", "problem", "idea", "concerns"]
        labels = {
            "title": _("Title"),
            "problem": _("The problem"),
            "idea": _("Your idea"),
            "concerns": _("Who it concerns"),
        }
        help_texts = {
            "problem": _("What goes wrong or could go better today."),
            "idea": _("The practice or the tool use to test, and what you expect of it."),
            "concerns": _("The teams, services or trades the idea would change things for."),
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "idea": forms.Textarea(attrs={"rows": 4}),
            "concerns": forms.Textarea(attrs={"rows": 2}),
        }


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Idea.Status.STUDYING, _("Put under study")),
            (Idea.Status.REJECTED, _("Do not retain")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the idea to everyone."),
    )
