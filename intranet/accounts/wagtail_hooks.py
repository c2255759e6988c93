"""The agent's own data held by the site core (account, roles, pages, logins), and the admin
screen that anonymises departed agents."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q, Value
from django.db.models.deletion import Collector, ProtectedError
from django.db.models.functions import Concat
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Comment, ModelLogEntry, Page, PageLogEntry, Revision, TaskState
from wagtail.users.models import UserProfile

from intranet.core.hooks import ATTENTION_ITEMS, PERSONAL_DATA, AttentionItem, PersonalDataSection

from .access_codes import agents_in_reach, is_sign_in_manager, manages_access_by_facts
from .bulk_actions import SendActivationBulkAction
from .facts import agent_facts
from .models import AccessCode, Agent
from .views import AnonymiseAgentView, DepartedAgentsView


def person(agent):
    return {"name": agent.get_full_name(), "email": agent.email} if agent else None


@hooks.register(PERSONAL_DATA)
def account_data(agent):
    agent = Agent.objects.select_related("department__parent", "manager").get(pk=agent.pk)
    department = agent.department
    profile = UserProfile.objects.filter(user=agent).first()
    return [
        PersonalDataSection(
            key="profile",
            title=_("Profile"),
            purpose=_(
                "Identifies you, places you in the organisation chart and lets you log in. "
                "Comes from the HR directory."
            ),
            records=[
                {
                    "email": agent.email,
                    "first_name": agent.first_name,
                    "last_name": agent.last_name,
                    "hr_matricule": agent.external_id,
                    "job_title": agent.job_title,
                    "arrival_date": agent.arrival_date,
                    "department": department.name if department else None,
                    "direction": (
                        department.parent.name
                        if department and department.parent_id
                        else (department.name if department else None)
                    ),
                    "manager": person(agent.manager),
                    "active": agent.is_active,
                    "date_joined": agent.date_joined,
                    "last_login": agent.last_login,
                    "preferred_language": profile.preferred_language if profile else "",
                    "time_zone": profile.current_time_zone if profile else "",
                    "has_avatar": bool(profile and profile.avatar),
                }
            ],
        ),
        PersonalDataSection(
            key="roles",
            title=_("Roles"),
            purpose=_("Decide what you may do: edit, moderate, lead projects, read reports."),
            records=[
                {"role": name}
                for name in agent.groups.order_by("name").values_list("name", flat=True)
            ],
        ),
    ]


@hooks.register(PERSONAL_DATA)
def content_data(agent):
    """Pages, revisions, comments and uploads of the agent in the Wagtail admin."""
    return [
        PersonalDataSection(
            key="pages_owned",
            title=_("Pages you created"),
            purpose=_("Shows who is responsible for a page."),
            records=list(
                Page.objects.filter(owner=agent)
                .order_by("pk")
                .values("title", "first_published_at", "last_published_at", "live")
            ),
        ),
        PersonalDataSection(
            key="revisions",
            title=_("Revisions you saved"),
            purpose=_("The history of each page and snippet: who changed what, when."),
            records=list(
                Revision.objects.filter(user=agent)
                .order_by("created_at", "pk")
                .values(title=F("object_str"), saved_at=F("created_at"))
            ),
        ),
        PersonalDataSection(
            key="admin_actions",
            title=_("Actions in the administration"),
            purpose=_("The audit log of the administration (publication, moderation, deletion)."),
            records=[
                *PageLogEntry.objects.filter(user=agent)
                .order_by("timestamp", "pk")
                .values("action", "label", "timestamp"),
                *ModelLogEntry.objects.filter(user=agent)
                .order_by("timestamp", "pk")
                .values("action", "label", "timestamp"),
            ],
        ),
        PersonalDataSection(
            key="moderation_decisions",
            title=_("Moderation decisions"),
            purpose=_("Shows who approved or rejected a page before publication."),
            records=list(
                TaskState.objects.filter(finished_by=agent)
                .order_by("finished_at", "pk")
                .values(
                    "status",
                    "comment",
                    "finished_at",
                    page=F("revision__object_str"),
                )
            ),
        ),
        PersonalDataSection(
            key="comments",
            title=_("Comments on pages"),
            purpose=_("Editors discuss a page while writing it."),
            records=list(
                Comment.objects.filter(user=agent)
                .order_by("created_at", "pk")
                .values("text", "created_at", page_title=F("page__title"))
            ),
        ),
        PersonalDataSection(
            key="uploads",
            title=_("Documents and images you uploaded"),
            purpose=_("Shows who added a file to the library."),
            records=[
                *get_document_model()
                .objects.filter(uploaded_by_user=agent)
                .order_by("pk")
                .values("title", "created_at"),
                *get_image_model()
                .objects.filter(uploaded_by_user=agent)
                .order_by("pk")
                .values("title", "created_at"),
            ],
        ),
    ]


@hooks.register(PERSONAL_DATA)
def login_data(agent):
    """Failed logins recorded by the brute-force protection (under the agent's e-mail or
    matricule, as typed), and the access codes issued to them."""
    fields = ("attempt_time", "ip_address", "user_agent", "path_info")
    typed = Q(pk__in=[])  # what was typed: the e-mail address or the matricule, either case
    for identifier in filter(None, (agent.email, agent.external_id)):
        typed |= Q(username__iexact=identifier)
    return [
        PersonalDataSection(
            key="access_codes",
            title=_("Access codes"),
            purpose=_(
                "Printed codes let you sign in without e-mail; only a fingerprint of each code "
                "is kept, with who issued it and when it was used."
            ),
            records=list(
                agent.access_codes.order_by("issued_at", "pk").values(
                    "issued_at",
                    "expires_at",
                    "used_at",
                    "revoked_at",
                    issued_by_name=Concat(
                        "issued_by__first_name", Value(" "), "issued_by__last_name"
                    ),
                )
            ),
        ),
        PersonalDataSection(
            key="login_attempts",
            title=_("Failed logins"),
            purpose=_(
                "Protects your account against password guessing: after several failures "
                "the account is locked for a while from that address."
            ),
            records=[
                *AccessAttempt.objects.filter(typed)
                .order_by("attempt_time")
                .values(*fields, failures=F("failures_since_start")),
                *AccessFailureLog.objects.filter(typed)
                .order_by("attempt_time")
                .values(*fields, "locked_out"),
                *AccessLog.objects.filter(typed)
                .order_by("attempt_time")
                .values(*fields, "logout_time"),
            ],
        ),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_anonymisation_urls():
    return [
        path("agents-partis/", DepartedAgentsView.as_view(), name="accounts_departed"),
        path(
            "agents-partis/<int:pk>/anonymiser/",
            AnonymiseAgentView.as_view(),
            name="accounts_anonymise",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_anonymisation_menu_item():
    return SuperuserMenuItem(
        _("Departed agents"), reverse("accounts_departed"), icon_name="user", order=900
    )


@hooks.register("before_delete_user")
def keep_agents_that_records_protect(request, user):
    """An agent that records protect (today: an experiment's lead or sponsor) is not deleted:
    the deletion would end in a server error. Deactivating, then anonymising, is the way."""
    try:
        Collector(using=DEFAULT_DB_ALIAS).collect([user])
    except ProtectedError:
        messages.error(
            request,
            _(
                "%(name)s cannot be deleted: experiments depend on this account. Deactivate it "
                "instead, and anonymise it once the agent has left."
            )
            % {"name": user.get_full_name() or user.email},
        )
        return redirect("wagtailusers_users:index")
    return None


hooks.register("register_bulk_action", SendActivationBulkAction)


class SignInManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_sign_in_manager(request.user)


@hooks.register("register_settings_menu_item")
def register_agent_access_menu_item():
    return SignInManagerMenuItem(
        _("Agents' access"), reverse("agent_access"), icon_name="key", order=610
    )


@hooks.register(ATTENTION_ITEMS)
def agents_who_cannot_sign_in(request):
    """For managers and HR administrators: the agents in their reach who never signed in
    and hold no valid access code, with the way to print them one."""
    user = request.user
    # From the request's facts: every agent opens the home page, few manage access.
    if not manages_access_by_facts(user, agent_facts(request)):
        return []
    count = (
        agents_in_reach(user)
        .filter(last_login__isnull=True)
        .exclude(pk__in=AccessCode.objects.live().values("agent_id"))
        .count()
    )
    if not count:
        return []
    return [
        AttentionItem(
            ngettext(
                "%(count)s agent has never logged in",
                "%(count)s agents have never logged in",
                count,
            )
            % {"count": count},
            reverse("agent_access") + "?status=never",
            _("Send them the activation link, or print them an access code."),
        )
    ]
