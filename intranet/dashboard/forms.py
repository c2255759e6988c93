from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skills.forms import FIRST_DAY, LAST_DAY, DateInput

from .indicators import Period, last_twelve_months


class DashboardFilterForm(forms.Form):
    """The period and the department looked at; submitted with GET."""

    start = forms.DateField(
        label=_("From"), widget=DateInput, error_messages={"required": _("Enter a date.")}
    )
    end = forms.DateField(
        label=_("To"), widget=DateInput, error_messages={"required": _("Enter a date.")}
    )
    department = forms.ChoiceField(
        label=_("Department"),
        error_messages={
            "required": _("Choose one of the departments you follow."),
            "invalid_choice": _("Choose one of the departments you follow."),
        },
    )

    def __init__(self, data, *, access, **kwargs):
        # A filter left out of the address takes its default; an empty one is an error.
        super().__init__({**self.defaults(access), **data.dict()}, **kwargs)
        self.departments = {str(department.pk): department for department in access.departments}
        choices = [(key, str(department)) for key, department in self.departments.items()]
        if access.citywide:
            choices.insert(0, ("", _("The whole city")))
        field = self.fields["department"]
        field.choices = choices
        field.required = not access.citywide

    @staticmethod
    def defaults(access):
        period = last_twelve_months(timezone.localdate())
        default = access.default_department
        return {
            "start": period.first_day.isoformat(),
            "end": period.last_day.isoformat(),
            "department": default.pk if default else "",
        }

    def clean_start(self):
        return in_range(self.cleaned_data["start"])

    def clean_end(self):
        return in_range(self.cleaned_data["end"])

    def clean_department(self):
        """The department chosen, None for the whole city."""
        return self.departments.get(self.cleaned_data["department"])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data

    def period(self):
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    def query_string(self):
        """The filters of a valid form, for the export links."""
        department = self.cleaned_data["department"]
        return urlencode(
            {
                "start": self.cleaned_data["start"].isoformat(),
                "end": self.cleaned_data["end"].isoformat(),
                "department": department.pk if department else "",
            }
        )


def in_range(day):
    # PIX exists since 2016: anything far outside is a typing mistake.
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(_("Enter a date between 2000 and 2100."))
    return day
