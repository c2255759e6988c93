from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..sessions import end_every_session


@require_POST
def logout_everywhere(request):
    """Log out everywhere ("Se déconnecter partout"): every session of the agent ends,
    on every device, this one included."""
    end_every_session(request.user)
    logout(request)
    messages.success(
        request,
        _("You are logged out on every device. Log in again to continue."),
    )
    return redirect("login")
