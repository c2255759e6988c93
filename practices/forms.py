import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skills.models import Competence

from .models import Enrolment, PracticeCategory, Tool, TrainingPage


class PracticeFilterForm(forms.Form):
    WITH_TOOLS = "with"
    WITHOUT_TOOLS = "without"

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=PracticeCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    tools = forms.ChoiceField(
        label=_("Tools"),
        choices=[
            ("", _("With or without tools")),
            (WITH_TOOLS, _("With tools")),
            (WITHOUT_TOOLS, _("Without tools")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def filter(self, practices):
        """Narrow practices annotated with ``has_tools`` to the chosen filters."""
        category = self.cleaned_data["category"]
        if category:
            practices = practices.filter(category=category)
        if self.cleaned_data["tools"] == self.WITH_TOOLS:
            practices = practices.filter(has_tools=True)
        elif self.cleaned_data["tools"] == self.WITHOUT_TOOLS:
            practices = practices.filter(has_tools=False)
        return practices


class TrainingFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *TrainingPage.Level.choices],
        required=False,
    )
    competence = forms.ModelChoiceField(
        label=_("Competence"),
        queryset=Competence.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All competences"),
    )

    def filter(self, trainings):
        if self.cleaned_data["level"]:
            trainings = trainings.filter(level=self.cleaned_data["level"])
        if self.cleaned_data["competence"]:
            trainings = trainings.filter(competences=self.cleaned_data["competence"])
        return trainings


class ToolGuideFilterForm(forms.Form):
    data = forms.ChoiceField(
        label=_("The data I handle"),
        choices=[
            ("", _("Any data")),
            (Tool.DataClassification.PUBLIC, _("Public")),
            (Tool.DataClassification.INTERNAL, _("Internal")),
            (Tool.DataClassification.SENSITIVE, _("Sensitive")),
        ],
        required=False,
    )
    partners = forms.BooleanField(label=_("I work with external partners"), required=False)

    def filter(self, tools):
        if self.cleaned_data["data"]:
            tools = tools.for_data(self.cleaned_data["data"])
        if self.cleaned_data["partners"]:
            tools = tools.filter(external_partners=True)
        return tools


class StepForm(forms.Form):
    """Tick ("1") or untick ("0") an onboarding step."""

    done = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )


class AttendanceForm(forms.Form):
    """One radio group per agent holding a seat: attended, absent or not marked yet."""

    CHOICES = [
        (Enrolment.Status.ATTENDED, _("Attended")),
        (Enrolment.Status.ABSENT, _("Absent")),
        (Enrolment.Status.REGISTERED, _("Not marked")),
    ]

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            self.fields[self.field_name(enrolment)] = forms.ChoiceField(
                label=str(enrolment.agent),
                choices=self.CHOICES,
                initial=enrolment.status,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(enrolment):
        return f"enrolment_{enrolment.pk}"

    def statuses(self):
        """{enrolment id: status} as chosen."""
        return {
            enrolment.pk: self.cleaned_data[self.field_name(enrolment)]
            for enrolment in self.enrolments
        }


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end of the period must come after its start."))
        return cleaned

    def period(self, default_days):
        """(start, end) dates, both included: the chosen ones, else the last days."""
        chosen = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        start = chosen.get("start") or today - datetime.timedelta(days=default_days)
        return start, chosen.get("end") or today


class ArrivalForm(forms.Form):
    arrived_since = forms.DateField(
        label=_("Agents arrived since"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def since(self, default):
        return self.cleaned_data["arrived_since"] if self.is_valid() else default
