from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

FROZEN_MESSAGE = _("Answers exist: the questions and the anonymity can no longer change.")
K_MESSAGE = _("Answers exist: the minimum group size can be raised, not lowered.")
AUDIENCE_MESSAGE = _(
    "Answers exist: the audience can only be widened; every agent already invited must stay in it."
)


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
                    # A disabled input is not submitted: the hidden ones (the question's id,
                    # its order, its deletion mark) must be, or the formset cannot match
                    # the questions; clean() refuses any change they carry.
                    if not field.widget.is_hidden:
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
            if self.narrows_audience(cleaned_data):
                self.add_error("audience", AUDIENCE_MESSAGE)
        return cleaned_data

    def narrows_audience(self, cleaned_data):
        """Whether the audience chosen leaves out an agent already invited.

        Who answered is known to the owner; an audience narrowed, then widened again, would
        let answers be compared before and after one agent's (docs/privacy.md).
        """
        from .models import Invitation
        from .services import designated_agents

        if "audience" not in cleaned_data:
            return False
        designated = designated_agents(
            cleaned_data["audience"],
            cleaned_data.get("audience_department"),
            [agent.pk for agent in cleaned_data.get("audience_agents") or []],
        )
        return (
            Invitation.objects.filter(survey=self.instance)
            .exclude(agent__in=designated.values("pk"))
            .exists()
        )
