import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .evolution import Snapshot

MAX_UPLOAD_SIZE = 20 * 1024 * 1024  # an export of 2,200 agents weighs about 1 MB
# PIX exists since 2016: anything far outside is a typing mistake (and year 1 breaks time zones).
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
UPLOAD_EXTENSIONS = (".csv", ".txt")


class PixImportForm(forms.Form):
    file = forms.FileField(
        label=_("PIX Orga export"),
        help_text=_(
            "The CSV file downloaded from PIX Orga with “Exporter les résultats”, "
            "for a profiles collection or an assessment campaign."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file, without importing it"), required=False
    )

    def __init__(self, *args, refusal_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if refusal_id:
            # Offered again under a refused file: the field says why the last one was refused.
            self.fields["file"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{refusal_id} id_file-helptext"}
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise ValidationError(_("Choose the CSV file (.csv) exported from PIX Orga."))
        if upload.size > MAX_UPLOAD_SIZE:
            raise ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_SIZE)}
            )
        return upload


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ComparisonForm(forms.Form):
    """Two snapshots to compare, and the group to look at; submitted with GET."""

    class Mode(models.TextChoices):
        CAMPAIGNS = "campaigns", _("Two campaigns")
        PERIODS = "periods", _("Two periods")

    mode = forms.ChoiceField(label=_("Compare"), choices=Mode.choices)
    before = forms.ChoiceField(label=_("First campaign"), required=False)
    after = forms.ChoiceField(label=_("Second campaign"), required=False)
    before_from = forms.DateField(label=_("First period: from"), required=False, widget=DateInput)
    before_to = forms.DateField(label=_("First period: to"), required=False, widget=DateInput)
    after_from = forms.DateField(label=_("Second period: from"), required=False, widget=DateInput)
    after_to = forms.DateField(label=_("Second period: to"), required=False, widget=DateInput)
    department = forms.ChoiceField(label=_("Group"), required=False)

    def __init__(self, *args, campaigns, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = {str(campaign.pk): campaign for campaign in campaigns}
        choices = [(key, campaign.name) for key, campaign in self.campaigns.items()]
        self.fields["before"].choices = self.fields["after"].choices = choices
        self.departments = {str(department.pk): department for department in departments}
        self.fields["department"].choices = [("", _("The whole city"))] + [
            (key, str(department)) for key, department in self.departments.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.Mode.CAMPAIGNS:
            for name in ("before", "after"):
                if not data.get(name):
                    self.add_error(name, _("Choose a campaign."))
            if data.get("before") and data.get("before") == data.get("after"):
                self.add_error("after", _("Choose two different campaigns."))
        elif data.get("mode") == self.Mode.PERIODS:
            for start, end in (("before_from", "before_to"), ("after_from", "after_to")):
                for name in (start, end):
                    if not data.get(name) and name not in self.errors:
                        self.add_error(name, _("Enter a date."))
                    elif data.get(name) and not FIRST_DAY <= data[name] <= LAST_DAY:
                        self.add_error(name, _("Enter a date between 2000 and 2100."))
                if data.get(start) and data.get(end) and data[start] > data[end]:
                    self.add_error(end, _("The end of a period cannot be before its start."))
        return data

    def chosen_department(self):
        """The department chosen, None for the whole city."""
        return self.departments.get(self.cleaned_data["department"])

    def snapshots(self):
        """(before, after, label of before, label of after) for a valid form."""
        data = self.cleaned_data
        if data["mode"] == self.Mode.CAMPAIGNS:
            before, after = self.campaigns[data["before"]], self.campaigns[data["after"]]
            return (
                Snapshot.of_campaign(before),
                Snapshot.of_campaign(after),
                before.name,
                after.name,
            )
        return (
            Snapshot.of_period(data["before_from"], data["before_to"]),
            Snapshot.of_period(data["after_from"], data["after_to"]),
            period_label(data["before_from"], data["before_to"]),
            period_label(data["after_from"], data["after_to"]),
        )


def period_label(first_day, last_day):
    return _("from %(start)s to %(end)s") % {
        "start": date_format(first_day, "DATE_FORMAT"),
        "end": date_format(last_day, "DATE_FORMAT"),
    }


class MyComparisonForm(forms.Form):
    """Two of the agent's own campaigns."""

    before = forms.ChoiceField(label=_("Earlier campaign"))
    after = forms.ChoiceField(label=_("Later campaign"))

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.participations = {
            str(participation.campaign_id): participation for participation in participations
        }
        choices = [
            (key, participation.campaign.name)
            for key, participation in self.participations.items()
        ]
        self.fields["before"].choices = self.fields["after"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("before") and data.get("before") == data.get("after"):
            self.add_error("after", _("Choose two different campaigns."))
        return data

    def chosen(self):
        return (
            self.participations[self.cleaned_data["before"]],
            self.participations[self.cleaned_data["after"]],
        )
