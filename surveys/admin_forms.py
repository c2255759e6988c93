from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

FROZEN_MESSAGE = _("Answers exist: the questions and the anonymity can no longer change.")
K_MESSAGE = _("Answers exist: the minimum group size can be raised, not lowered.")


class SurveyAdminForm(WagtailAdminModelForm):
    """Once answers exist, questions and anonymity are frozen: results must stay comparable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frozen = bool(self.instance.pk) and self.instance.responses.exists()
        if self.frozen:
            self.fields["anonymous"].disabled = True
            self.fields["anonymous"].help_text = FROZEN_MESSAGE
            for form in self.formsets["questions"].forms:
                for field in form.fields.values():
                    field.disabled = True

    def clean(self):
        cleaned_data = super().clean()
        if self.frozen:
            questions = self.formsets["questions"]
            new_forms = questions.forms[questions.initial_form_count() :]
            if questions.deleted_forms or any(form.has_changed() for form in new_forms):
                self.add_error(None, FROZEN_MESSAGE)
            # A lower k would show the groups it used to hide.
            k = cleaned_data.get("min_group_size")
            if k is not None and k < self.initial["min_group_size"]:
                self.add_error("min_group_size", K_MESSAGE)
        return cleaned_data
