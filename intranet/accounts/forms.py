from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .access_codes import CODE_INPUT_ATTRS
from .models import Department


class LoginForm(auth_forms.AuthenticationForm):
    """Login with the e-mail address or the HR matricule, in any case."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "This identifier and password do not match an active account. "
            "Check them and try again."
        ),
        "directory_unavailable": _(
            "The city's directory does not answer, so your password cannot be checked. "
            "Try again in a few minutes."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address or matricule")
        # No autofocus: it would skip the page's skip link and headings for screen readers.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def get_invalid_login_error(self):
        if getattr(self.request, "directory_unavailable", False):
            return forms.ValidationError(
                self.error_messages["directory_unavailable"], code="directory_unavailable"
            )
        return super().get_invalid_login_error()


class AccessCodeLoginForm(forms.Form):
    """Matricule and the access code printed for an agent without e-mail."""

    matricule = forms.CharField(
        label=_("Matricule"),
        max_length=50,
        help_text=_("Your HR number, on your pay slip and on your card."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Access code"),
        max_length=20,
        help_text=_("8 letters and digits, as printed (for example ACDE-2467)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", **CODE_INPUT_ATTRS}),
    )

    error_messages = {
        "invalid": _(
            "This matricule and code do not match a valid code. Check them; a code works once "
            "and expires. Your manager can print you a new one."
        ),
    }

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.agent = None
        super().__init__(*args, **kwargs)

    def clean(self):
        matricule, code = self.cleaned_data.get("matricule"), self.cleaned_data.get("code")
        if matricule and code:
            self.agent = authenticate(self.request, username=matricule, access_code=code)
            if self.agent is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return self.cleaned_data


class SignInLinkForm(forms.Form):
    """The address to send the "first access" or "forgotten password" link to."""

    email = forms.EmailField(
        label=_("Professional e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")


class AgentAccessFilterForm(forms.Form):
    """The filters of the agents' access page."""

    STATUS_CHOICES = [
        ("", _("All")),
        ("never", _("Never signed in")),
        ("no_email", _("Without e-mail")),
        ("code", _("With a valid access code")),
    ]

    q = forms.CharField(label=_("Name or matricule"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.select_related("parent"),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


def password_door_open():
    """Whether a password can be typed on the login page (here, or checked by LDAP)."""
    return settings.PASSWORD_LOGIN_ENABLED or settings.LDAP_ENABLED
