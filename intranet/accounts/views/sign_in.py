"""The doors of the login page: password, first access, access code, single sign-on."""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from intranet.core.security import client_ip

from .. import throttling
from ..forms import (
    AccessCodeLoginForm,
    LoginForm,
    PasswordChangeForm,
    SetPasswordForm,
    SignInLinkForm,
    password_door_open,
)
from ..notifications import send_sign_in_link
from ..oidc import provider_logout_url
from ..tokens import activation_token_generator

# Session key: this session began with an access code.
SIGNED_IN_WITH_CODE = "signed_in_with_access_code"


def doors(request):
    """What the login pages offer, from the settings."""
    return {
        "password_door": password_door_open(),
        "password_links": settings.PASSWORD_LOGIN_ENABLED,
        "access_code_door": settings.ACCESS_CODE_LOGIN_ENABLED,
        "sso_door": settings.OIDC_ENABLED,
        "sso_name": settings.OIDC_PROVIDER_NAME,
    }


class LoginView(auth_views.LoginView):
    # No redirect_authenticated_user: Wagtail sends agents without admin access here, and
    # sending them back would loop.
    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**doors(self.request), **kwargs)

    def post(self, request, *args, **kwargs):
        if not password_door_open():
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logs out here, then at the provider when the agent came through single sign-on.

    The provider is reached from a page, not by redirecting the logout form: the Content
    Security Policy's ``form-action 'self'`` forbids a form to lead to another site.
    """

    def post(self, request, *args, **kwargs):
        at_provider = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if not at_provider:
            return response
        return render(
            request,
            "accounts/signed_out.html",
            {"provider_logout_url": at_provider, "sso_name": settings.OIDC_PROVIDER_NAME},
        )


def password_links_only(view):
    """Views that exist only while passwords are chosen here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@method_decorator([login_not_required, never_cache, password_links_only], name="dispatch")
class SignInLinkView(FormView):
    """The "first access" and "forgotten password" pages: the same answer whoever asks.

    The link is sent by a background task that looks the address up; this page only counts
    the request (per address, silently; per client address, openly) and queues the task.
    """

    form_class = SignInLinkForm
    template_name = "accounts/sign_in_link_form.html"
    purpose = "activation"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(purpose=self.purpose, **kwargs)

    def form_valid(self, form):
        period = timedelta(minutes=settings.SIGN_IN_LINKS_PERIOD_MINUTES)
        client = throttling.throttle_key("sign-in-link-client", client_ip(self.request))
        if not throttling.allow(client, settings.SIGN_IN_LINKS_PER_CLIENT, period):
            return render(
                self.request,
                "accounts/too_many_requests.html",
                {"minutes": settings.SIGN_IN_LINKS_PERIOD_MINUTES},
                status=429,
            )
        address = form.cleaned_data["email"].strip().lower()
        key = throttling.throttle_key("sign-in-link-address", address)
        if throttling.allow(key, settings.SIGN_IN_LINKS_PER_ADDRESS, period):
            send_sign_in_link.enqueue(address)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


class ActivationConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the activation e-mail: choose a password, and arrive signed in."""

    form_class = SetPasswordForm
    token_generator = activation_token_generator
    template_name = "accounts/activation_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "intranet.accounts.backends.AgentBackend"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Welcome! Your password is saved: from now on, log in with %(identifier)s.")
            % {"identifier": form.user.sign_in_identifier},
        )
        return response


def safe_next(request, default="/"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@method_decorator(
    [login_not_required, never_cache, csrf_protect, sensitive_post_parameters("code")],
    name="dispatch",
)
class AccessCodeLoginView(FormView):
    """Matricule and printed code; then an invitation to choose a password."""

    form_class = AccessCodeLoginForm
    template_name = "accounts/access_code_login.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.ACCESS_CODE_LOGIN_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request, ""), **kwargs)

    def form_valid(self, form):
        login(self.request, form.agent)
        # The code proved who they are: they may set a password without typing the old one.
        self.request.session[SIGNED_IN_WITH_CODE] = True
        next_url = safe_next(self.request)
        if settings.PASSWORD_LOGIN_ENABLED:
            query = urlencode({"next": next_url, "welcome": 1})
            return redirect(f"{reverse('choose_password')}?{query}")
        return redirect(next_url)


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class ChoosePasswordView(FormView):
    """Choose a password (first time, after an access code) or change it."""

    template_name = "accounts/choose_password.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def sets_a_first_password(self):
        """No password yet, or an access code just proved who they are (a lost password)."""
        user = self.request.user
        return not user.has_usable_password() or self.request.session.get(SIGNED_IN_WITH_CODE)

    def get_form_class(self):
        return SetPasswordForm if self.sets_a_first_password() else PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next=safe_next(self.request),
            welcome=bool(self.request.GET.get("welcome")),
            first_password=self.sets_a_first_password(),
            **kwargs,
        )

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)
        self.request.session.pop(SIGNED_IN_WITH_CODE, None)
        messages.success(
            self.request,
            _("Your password is saved: next time, log in with %(identifier)s and it.")
            % {"identifier": self.request.user.sign_in_identifier},
        )
        return redirect(safe_next(self.request))
