"""Wagtail's user admin for our agents: the e-mail is optional when there is a matricule
(field agents), and a password is never required (the agent receives an activation link)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from .models import Agent


class AgentFormMixin(forms.ModelForm):
    email = forms.EmailField(
        required=False,
        label=_("E-mail address"),
        help_text=_("Leave empty for an agent without professional e-mail (give a matricule)."),
    )
    external_id = forms.CharField(
        required=False,
        max_length=50,
        label=_("HR matricule"),
        help_text=Agent.external_id.field.help_text,
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower() or None

    def clean_external_id(self):
        matricule = self.cleaned_data["external_id"].strip() or None
        others = Agent.objects.exclude(pk=self.instance.pk)
        if matricule and others.filter(external_id__iexact=matricule).exists():
            raise forms.ValidationError(_("Another agent has this matricule."))
        return matricule

    def _clean_username(self):
        # Wagtail checks the username (here the e-mail) is free; an empty one is no username.
        if self.cleaned_data.get("email"):
            return super()._clean_username()
        return None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("external_id"):
            raise forms.ValidationError(_("Give an e-mail address or an HR matricule."))
        return cleaned


class AgentCreationForm(AgentFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"external_id"}

    def save(self, commit=True):
        agent = super().save(commit=False)
        if not self.cleaned_data.get("password1"):
            agent.set_unusable_password()  # the activation link lets them choose one
        if commit:
            agent.save()
            self.save_m2m()
        return agent


class AgentEditForm(AgentFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"external_id"}


class AgentUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return AgentEditForm if for_update else AgentCreationForm
