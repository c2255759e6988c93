from .access import agent_access
from .data import (
    AnonymiseAgentView,
    DepartedAgentsView,
    SuperuserOnlyMixin,
    departed_agents,
    my_data,
    my_data_download,
)
from .sessions import logout_everywhere
from .sign_in import (
    AccessCodeLoginView,
    ActivationConfirmView,
    ChoosePasswordView,
    LoginView,
    LogoutView,
    PasswordResetConfirmView,
    SignInLinkView,
)

__all__ = [
    "AccessCodeLoginView",
    "ActivationConfirmView",
    "ChoosePasswordView",
    "LoginView",
    "LogoutView",
    "PasswordResetConfirmView",
    "SignInLinkView",
    "agent_access",
    "AnonymiseAgentView",
    "DepartedAgentsView",
    "SuperuserOnlyMixin",
    "departed_agents",
    "logout_everywhere",
    "my_data",
    "my_data_download",
]
