from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Agent, Department
from intranet.accounts.roles import SPONSORS
from practices.models import PracticeCategory, PracticeIndexPage

from .deadlines import DEFAULT_STAGE_DAYS, EDITABLE_STAGES
from .models import STAGE_NAMES, ActionItem, Experiment, JournalEntry

DURATION_ERROR = _("Give a whole number of days between 1 and 365, or leave it empty.")
DURATION_DEFAULT_HELP = {
    "launch": _("Empty: by the planned start, or %(days)s days."),
    "run": _("Empty: until the planned end, or %(days)s days."),
    "retrospective": _("Empty: until the survey closes, or %(days)s days."),
}


class AgentEmailsField(forms.CharField):
    """Agents given by e-mail address, or by matricule for those without one, one per line:
    usable by keyboard, whatever the size."""

    widget = forms.Textarea(attrs={"rows": 5})

    def clean(self, value):
        value = super().clean(value)
        identifiers = [line.strip().lower() for line in (value or "").splitlines() if line.strip()]
        agents = {}
        for agent in (
            Agent.objects.filter(is_active=True)
            .annotate(matricule=Lower("external_id"))
            .filter(Q(email__in=identifiers) | Q(matricule__in=identifiers))
        ):
            for identifier in (agent.email, agent.external_id):
                if identifier:
                    agents[identifier.lower()] = agent
        unknown = [identifier for identifier in identifiers if identifier not in agents]
        if unknown:
            raise ValidationError(
                _("No active agent has these addresses or matricules: %(emails)s"),
                params={"emails": ", ".join(unknown)},
            )
        return list(dict.fromkeys(agents[identifier] for identifier in identifiers))


class NewExperimentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.select_related("parent"), required=False
    )


class FrameForm(forms.ModelForm):
    """The framing. A draft may be incomplete; submitting it to the sponsor may not."""

    SUBMIT_REQUIRED = (
        "sponsor",
        "problem",
        "hypothesis",
        "success_criteria",
        "planned_start",
        "planned_end",
    )

    class Meta:
        model = Experiment
        fields = [
            "title",
            "department",
            "sponsor",
            "problem",
            "hypothesis",
            "practices",
            "tools",
            "success_criteria",
            "planned_start",
            "planned_end",
            "lead_answers_retrospective",
        ]
        labels = {"lead_answers_retrospective": _("I answer the retrospective survey too")}
        help_texts = {
            "lead_answers_retrospective": _(
                "The retrospective survey goes to the participants; you read its results. "
                "Tick this box to answer it with them."
            )
        }
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "practices": forms.CheckboxSelectMultiple,
            "tools": forms.CheckboxSelectMultiple,
            "problem": forms.Textarea(attrs={"rows": 4}),
            "hypothesis": forms.Textarea(attrs={"rows": 4}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        for name in EDITABLE_STAGES:
            self.fields[f"days_{name}"] = forms.IntegerField(
                label=_("%(stage)s (days)") % {"stage": STAGE_NAMES[name]},
                required=False,
                min_value=1,
                max_value=365,
                help_text=DURATION_DEFAULT_HELP.get(name, _("Empty: %(days)s days."))
                % {"days": DEFAULT_STAGE_DAYS[name]},
                error_messages=dict.fromkeys(
                    ("invalid", "min_value", "max_value", "step_size"), DURATION_ERROR
                ),
            )
            self.initial.setdefault(f"days_{name}", self.instance.stage_durations.get(name))
        # The lead never approves their own framing, even when also a sponsor.
        self.fields["sponsor"].queryset = (
            Agent.objects.filter(is_active=True, groups__name=SPONSORS)
            .exclude(pk=self.instance.lead_id)
            .order_by("last_name", "first_name")
        )
        self.fields["department"].queryset = Department.objects.select_related("parent")
        self.fields["practices"].queryset = (
            self.fields["practices"].queryset.live().order_by("title")
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.submitting:
            for name in self.SUBMIT_REQUIRED:
                if not cleaned_data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed before submitting to the sponsor."))
        start, end = cleaned_data.get("planned_start"), cleaned_data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end must come after the start."))
        return cleaned_data

    def framing_fields(self):
        return [field for field in self if not field.name.startswith("days_")]

    def duration_fields(self):
        return [self[f"days_{name}"] for name in EDITABLE_STAGES]

    def stage_durations(self):
        """The target durations chosen, {stage name: days}: the stages left empty take
        their default (deadlines.py)."""
        return {
            name: self.cleaned_data[f"days_{name}"]
            for name in EDITABLE_STAGES
            if self.cleaned_data.get(f"days_{name}")
        }


class ReviewForm(forms.Form):
    APPROVE, SEND_BACK = "approve", "send_back"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(APPROVE, _("Approve the framing")), (SEND_BACK, _("Send it back to the lead"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when sending back: say what to change."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("decision") == self.SEND_BACK
            and not cleaned_data.get("comment", "").strip()
        ):
            self.add_error("comment", _("Say what the lead should change."))
        return cleaned_data


class LaunchForm(forms.ModelForm):
    participant_emails = AgentEmailsField(
        label=_("Participants"),
        help_text=_(
            "Their professional e-mail addresses, one per line; the matricule of those who "
            "have none."
        ),
    )

    class Meta:
        model = Experiment
        fields = ["planned_start", "planned_end"]
        widgets = FrameForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_start"].required = True
        self.fields["planned_end"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["participant_emails"] = "\n".join(
                agent.sign_in_identifier
                for agent in self.instance.participants.only("email", "external_id")
            )

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("planned_start"), cleaned_data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end must come after the start."))
        return cleaned_data


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm"))


class SynthesisForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = ["synthesis", "decision"]
        widgets = {"synthesis": forms.Textarea(attrs={"rows": 8}), "decision": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["synthesis"].required = True
        self.fields["decision"].required = True
        self.fields["decision"].choices = Experiment.Decision.choices


def typed_values(form):
    """What was typed in a bound form, as the initial values to show it again unchecked."""
    return {name: form[name].value() for name in form.fields}


class ActionItemForm(forms.ModelForm):
    owner_email = forms.EmailField(label=_("Who (e-mail)"))

    class Meta:
        model = ActionItem
        fields = ["what", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, number, focused=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.legend = _("Action %(number)s") % {"number": number}
        if focused:
            self.fields["what"].widget.attrs["autofocus"] = True

    def clean_owner_email(self):
        email = self.cleaned_data["owner_email"].lower()
        owner = Agent.objects.filter(is_active=True, email__iexact=email).first()
        if owner is None:
            raise ValidationError(_("No active agent has this address."))
        return owner


class BaseActionItemFormSet(forms.BaseFormSet):
    """The actions decided: the first is required, each other one optional. "Add an action"
    adds a row in the page (static/js/form-rows.js), or, without JavaScript, asks the server
    for the form again with one more row (`with_one_more_row`)."""

    def __init__(self, *args, typed_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.typed_rows = list(typed_rows)
        # Unbound, the formset shows min_num (1) + extra rows: the typed ones, then a new one.
        self.extra = len(self.typed_rows)

    @classmethod
    def with_one_more_row(cls, data, prefix):
        """The rows posted, shown again as typed (neither checked nor saved), and a new one."""
        typed_rows = [typed_values(row) for row in cls(data, prefix=prefix)]
        return cls(prefix=prefix, typed_rows=typed_rows[: cls.max_num - 1])

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None:  # the empty row the script copies, numbered by it
            return {**kwargs, "number": "__number__"}
        kwargs["number"] = index + 1
        if index < len(self.typed_rows):
            kwargs["initial"] = self.typed_rows[index]
        elif self.typed_rows:
            kwargs["focused"] = True
        return kwargs

    def clean(self):
        # Only a management form changed by hand leaves no row at all.
        if not self.forms:
            raise ValidationError(_("Write at least the first action."))


ActionItemFormSet = forms.formset_factory(
    ActionItemForm, formset=BaseActionItemFormSet, extra=0, min_num=1
)


class SpreadForm(forms.Form):
    revise = forms.ModelMultipleChoiceField(
        label=_("Practices tested to revise"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A new revision of each page is submitted to moderation."),
    )
    new_titles = forms.CharField(
        label=_("New practices to write"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One title per line: a draft page is created for each and submitted to moderation."
        ),
    )

    def __init__(self, *args, experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revise"].queryset = experiment.practices.all()

    def clean_new_titles(self):
        titles = [
            line.strip() for line in self.cleaned_data["new_titles"].splitlines() if line.strip()
        ]
        too_long = [title for title in titles if len(title) > 255]
        if too_long:
            raise ValidationError(_("A title is too long (255 characters at most)."))
        if titles and not (
            PracticeIndexPage.objects.exists() and PracticeCategory.objects.exists()
        ):
            raise ValidationError(_("The intranet has no practice library to write them in yet."))
        return titles


class JournalEntryForm(forms.ModelForm):
    class Meta:
        model = JournalEntry
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
