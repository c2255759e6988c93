from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import ideas, services
from .idea_forms import CommentForm, IdeaForm, StatusForm
from .models import Idea, may_moderate

ORDERS = {"recent": ("-created", "-pk"), "supported": ("-support_count", "-created", "-pk")}


def idea_or_404(request, pk):
    idea = ideas.idea_for(request.user, pk)
    if idea is None:
        raise Http404
    return idea


def idea_list(request):
    status = request.GET.get("status", "")
    order = request.GET.get("order", "")
    rows = ideas.ideas_for(request.user)
    if status in Idea.Status.values:
        rows = rows.filter(status=status)
    rows = rows.order_by(*ORDERS.get(order, ORDERS["recent"]))
    return render(
        request,
        "experiments/ideas/list.html",
        {
            "ideas": rows,
            "statuses": Idea.Status.choices,
            "orders": [("recent", _("Newest first")), ("supported", _("Most supported first"))],
            "selected": {"status": status, "order": order if order in ORDERS else "recent"},
        },
    )


def new_idea(request):
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        idea = ideas.propose(request.user, **form.cleaned_data)
        messages.success(request, _("Thank you: your idea is proposed to your colleagues."))
        return redirect("experiments:idea", idea.pk)
    return render(request, "experiments/ideas/new.html", {"form": form})


def detail(request, pk):
    idea = idea_or_404(request, pk)
    return render(request, "experiments/ideas/detail.html", detail_context(request, idea))


def detail_context(request, idea, **forms):
    may_decide = ideas.may_decide(request.user) and idea.status != Idea.Status.ADOPTED
    return {
        "idea": idea,
        "may_support": ideas.may_support(request.user, idea),
        "may_moderate": may_moderate(request.user),
        "may_decide": may_decide,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "status_form": forms.get("status_form") or (StatusForm() if may_decide else None),
    }


@require_POST
def support(request, pk):
    idea = idea_or_404(request, pk)
    if idea.author_id == request.user.pk:
        messages.error(request, _("You cannot support your own idea: it counts already."))
    elif not ideas.may_support(request.user, idea):
        messages.error(request, _("This idea is adopted: it no longer takes supports."))
    elif ideas.toggle_support(request.user, idea):
        messages.success(request, _("You support this idea."))
    else:
        messages.success(request, _("You no longer support this idea."))
    return redirect("experiments:idea", idea.pk)


@require_POST
def add_comment(request, pk):
    idea = idea_or_404(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["text"].strip():
        messages.error(request, _("The comment is empty or too long: nothing was added."))
        return redirect("experiments:idea", idea.pk)
    ideas.comment(request.user, idea, form.cleaned_data["text"])
    messages.success(request, _("Comment added."))
    return redirect(f"{reverse('experiments:idea', args=[idea.pk])}#commentaires")


@require_POST
def moderate(request, pk):
    if not may_moderate(request.user):
        raise PermissionDenied
    idea = idea_or_404(request, pk)
    hidden = request.POST.get("action") == "hide"
    comment = request.POST.get("comment", "")
    if comment and not comment.isdigit():
        raise Http404
    if comment:
        if not ideas.moderate(request.user, idea, hidden, int(comment)):
            raise Http404
        messages.success(
            request, _("The comment is hidden.") if hidden else _("The comment is shown again.")
        )
    else:
        ideas.moderate(request.user, idea, hidden)
        messages.success(
            request, _("The idea is hidden.") if hidden else _("The idea is shown again.")
        )
    return redirect("experiments:idea", idea.pk)


@require_POST
def set_status(request, pk):
    if not ideas.may_decide(request.user):
        raise PermissionDenied
    idea = idea_or_404(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid() and not form.cleaned_data["reason"].strip():
        form.add_error("reason", _("Give the reason: it is shown with the idea."))
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give its reason: nothing changed."))
        context = detail_context(request, idea, status_form=form)
        return render(request, "experiments/ideas/detail.html", context, status=400)
    if not ideas.set_status(
        request.user, idea, form.cleaned_data["status"], form.cleaned_data["reason"]
    ):
        messages.error(request, _("This idea is adopted already: its status stays."))
    else:
        messages.success(request, _("The status of the idea is changed."))
    return redirect("experiments:idea", idea.pk)


def adopt(request, pk):
    if not ideas.may_decide(request.user):
        raise PermissionDenied
    idea = idea_or_404(request, pk)
    if request.method == "POST":
        try:
            experiment = ideas.adopt(request.user, idea.pk)
        except ideas.AlreadyAdopted:
            messages.error(request, _("This idea is adopted already: no experiment was started."))
            return redirect("experiments:idea", idea.pk)
        messages.success(
            request, _("Idea adopted: complete the framing of its experiment, prefilled from it.")
        )
        return redirect("experiments:task", services.open_task(experiment, "frame").pk)
    if idea.status == Idea.Status.ADOPTED:
        return redirect("experiments:idea", idea.pk)
    return render(request, "experiments/ideas/adopt.html", {"idea": idea})
