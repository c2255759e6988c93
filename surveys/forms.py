from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intranet.accounts.access_codes import CODE_INPUT_ATTRS
from intranet.accounts.models import Department

from .models import Question

TEXT_MAX_LENGTH = 5000


class RecommendationSelect(forms.RadioSelect):
    template_name = "surveys/widgets/scale.html"


def question_field(question):
    """The form field that asks a question."""
    common = {"label": question.label, "required": question.required}
    if question.help_text:
        common["help_text"] = question.help_text
    if question.kind in Question.NUMERIC_KINDS:
        low, high = Question.RANGES[question.kind]
        return forms.TypedChoiceField(
            choices=[(str(value), str(value)) for value in range(low, high + 1)],
            coerce=int,
            empty_value=None,
            widget=RecommendationSelect,
            error_messages={
                "required": _("Choose a mark from %(low)s to %(high)s.")
                % {"low": low, "high": high},
                "invalid_choice": _("Choose a mark from %(low)s to %(high)s.")
                % {"low": low, "high": high},
            },
            **common,
        )
    if question.kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choice_list],
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(choice, choice) for choice in question.choice_list],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX_LENGTH, **common
    )


class AnswerForm(forms.Form):
    """One field per question of the survey, named after the question's id."""

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.field_name(question)] = question_field(question)

    @staticmethod
    def field_name(question):
        return f"q{question.pk}"

    def answers(self):
        """{question: cleaned value} for the submitted form."""
        return {
            question: self.cleaned_data.get(self.field_name(question))
            for question in self.questions
        }

    def numbered_fields(self):
        """(number, question, bound field) for the template: “Question 3 of 12”."""
        return [
            (number, question, self[self.field_name(question)])
            for number, question in enumerate(self.questions, start=1)
        ]


class CloseSurveyForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm that I want to close this survey now"))


class KioskCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your answer code"),
        max_length=300,
        help_text=_("8 letters and digits, printed on your invitation (for example ACDE-2467)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", **CODE_INPUT_ATTRS}),
    )

    def clean_code(self):
        """A code typed, or the whole address of the QR code read by a USB scanner (which
        types it into the field): ``…/borne/#code=ACDE-2467``."""
        value = self.cleaned_data["code"].strip()
        if "code=" in value:
            value = value.split("code=", 1)[1].split("&", 1)[0]
        return value[:20]


class InvitationSheetsForm(forms.Form):
    """Which invited agents get a printed sheet: a team, those without e-mail."""

    department = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Every invited agent"),
        help_text=_("A direction includes its services."),
    )
    without_email_only = forms.BooleanField(
        label=_("Only the agents without an e-mail address"), required=False, initial=True
    )

    def __init__(self, survey, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(agents__survey_invitations__survey=survey)
        self.fields["department"].queryset = (
            Department.objects.filter(
                Q(pk__in=departments.values("pk")) | Q(children__in=departments)
            )
            .distinct()
            .select_related("parent")
        )
