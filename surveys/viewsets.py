"""The survey builder in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from . import services
from .admin_forms import SurveyAdminForm
from .models import Survey


class SurveyIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                # The retention purge deletes invitations: count them, responses stay.
                invited=Count("invitations", distinct=True) + F("purged_invitations"),
                answered_count=Count("responses", distinct=True),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons += [
            MenuItem(
                _("Results"),
                url=reverse("surveys:results", args=[instance.pk]),
                icon_name="view",
                priority=5,
            ),
            MenuItem(
                _("Invite the audience"),
                url=reverse("surveys_admin:invite", args=[instance.pk]),
                icon_name="mail",
                priority=15,
            ),
            MenuItem(
                _("Duplicate"),
                url=reverse("surveys_admin:duplicate", args=[instance.pk]),
                icon_name="copy",
                priority=16,
            ),
        ]
        if instance.closed_at is None:
            buttons.append(
                MenuItem(
                    _("Close now"),
                    url=reverse("surveys_admin:close", args=[instance.pk]),
                    icon_name="lock",
                    priority=17,
                )
            )
        return buttons


class SurveyActionView(BaseObjectMixin, WagtailAdminTemplateMixin, View):
    """A confirmation page and its POST, for one survey."""

    model = Survey
    template_name = "surveys/admin/confirm_action.html"
    permission = "change"
    confirm_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(f"surveys.{self.permission}_survey"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, self.template_name, self.get_context_data())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            message=self.get_message(),
            confirm_label=self.confirm_label,
            cancel_url=reverse("surveys_admin:index"),
            **kwargs,
        )


class InviteView(SurveyActionView):
    page_title = gettext_lazy("Invite the audience")
    confirm_label = gettext_lazy("Send the invitations")
    header_icon = "mail"

    def get_message(self):
        pending = (
            services.audience_agents(self.object)
            .exclude(survey_invitations__survey=self.object)
            .count()
        )
        if self.object.is_closed:
            return _("This survey is closed: nobody can be invited any more.")
        return _(
            "%(count)s agents of the audience have no invitation yet. Each will receive an "
            "e-mail with a personal link."
        ) % {"count": pending}

    def post(self, request, *args, **kwargs):
        if self.object.is_closed:
            messages.error(request, _("This survey is closed: nobody can be invited any more."))
        else:
            count = services.invite(self.object)
            messages.success(request, _("%(count)s invitations sent.") % {"count": count})
        return redirect("surveys_admin:index")


class DuplicateView(SurveyActionView):
    page_title = gettext_lazy("Duplicate")
    confirm_label = gettext_lazy("Duplicate this survey")
    permission = "add"
    header_icon = "copy"

    def get_message(self):
        return _(
            "A copy of the survey and its questions will be created, without invitations "
            "nor answers."
        )

    def post(self, request, *args, **kwargs):
        copy = services.duplicate(self.object, owner=request.user)
        messages.success(request, _("Survey duplicated: check its dates before inviting."))
        return redirect("surveys_admin:edit", copy.pk)


class CloseView(SurveyActionView):
    page_title = gettext_lazy("Close now")
    confirm_label = gettext_lazy("Close the survey")
    header_icon = "lock"

    def get_message(self):
        return _("Nobody will be able to answer any more. This cannot be undone.")

    def post(self, request, *args, **kwargs):
        if services.close(self.object):
            messages.success(request, _("The survey is closed."))
        else:
            messages.warning(request, _("The survey was already closed."))
        return redirect("surveys_admin:index")


class SurveyCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.owner = self.request.user
        return super().save_instance()


class SurveyDeleteView(generic.DeleteView):
    """Once invitations are out, a survey is closed, never deleted: the agents' links, the
    answers, the scores computed from them and the experiments' retrospectives rely on it."""

    def get(self, request, *args, **kwargs):
        return self.refuse_once_invited() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_once_invited() or super().post(request, *args, **kwargs)

    def refuse_once_invited(self):
        survey = self.object
        # After the retention purge the invitations are gone but the answers remain.
        if not (
            survey.purged_invitations or survey.invitations.exists() or survey.responses.exists()
        ):
            return None
        messages.error(
            self.request, _("Invitations were sent: this survey can be closed, not deleted.")
        )
        return redirect("surveys_admin:index")


class StatusColumn(Column):
    def get_value(self, instance):
        if instance.is_closed:
            return _("Closed")
        if instance.is_open():
            return _("Open")
        return _("Not open yet")


class SurveyViewSet(ModelViewSet):
    model = Survey
    icon = "clipboard-list"
    menu_label = gettext_lazy("Surveys")
    menu_order = 250
    add_to_admin_menu = True
    name = "surveys_admin"
    url_prefix = "questionnaires"
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = SurveyIndexView
    add_view_class = SurveyCreateView
    delete_view_class = SurveyDeleteView
    search_fields = ["title"]
    list_filter = ["anonymous"]
    list_display = [
        "title",
        StatusColumn("status", label=gettext_lazy("Status")),
        DateColumn("opens_at", label=gettext_lazy("Opens")),
        DateColumn("closes_at", label=gettext_lazy("Closes")),
        Column("invited", label=gettext_lazy("Invited")),
        Column("answered_count", label=gettext_lazy("Answered")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("introduction"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldRowPanel([FieldPanel("anonymous"), FieldPanel("min_group_size")]),
            MultiFieldPanel(
                [
                    FieldPanel("audience"),
                    FieldPanel("audience_department"),
                    FieldPanel("audience_agents"),
                ],
                heading=gettext_lazy("Audience"),
            ),
            InlinePanel(
                "questions",
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
                    FieldPanel("label"),
                    FieldPanel("help_text"),
                    FieldPanel("choices"),
                    PageChooserPanel("subject"),
                ],
                heading=gettext_lazy("Questions"),
                min_num=1,
            ),
        ],
        base_form_class=SurveyAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/inviter/", InviteView.as_view(), name="invite"),
            path("<int:pk>/dupliquer/", DuplicateView.as_view(), name="duplicate"),
            path("<int:pk>/clore/", CloseView.as_view(), name="close"),
        ]
