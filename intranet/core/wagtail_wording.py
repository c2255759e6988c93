"""Wagtail admin messages our editors and moderators read, worded again for them.

Wagtail's own French reads badly in places ("Status actuel de la page", "Choisir un autre
catégorie", "crées", "workflow" for what our editors call the approval circuit, a
submission announced as "planifié(e) pour la publication"). Our catalogue comes first in
``LOCALE_PATHS``, so a message listed here, with its French in
``intranet/locale/fr/LC_MESSAGES/django.po``, replaces Wagtail's. Each message is Wagtail's
own, word for word (a test fails if an upgrade of Wagtail no longer uses one); nothing here
is translated at import time.

The administrators' screens that configure workflows keep Wagtail's wording: they name the
feature as Wagtail's documentation does.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("Current page status:"),
    gettext_noop("Choose another %(object)s"),
    gettext_noop("Restart workflow "),
    gettext_noop("Cancel workflow "),
    gettext_noop("Publishing this page will cancel the current workflow."),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop(
        "This page is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop("Your pages and snippets in a workflow"),
    gettext_noop("Workflow"),
    gettext_noop("Workflow started"),
    gettext_noop("Workflow completed"),
    gettext_noop("Workflow history"),
    gettext_noop("Workflow progress"),
    gettext_noop("Workflow on page '%(page_title)s' has been cancelled."),
    gettext_noop("Workflow on page '%(page_title)s' has been restarted."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been cancelled."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been restarted."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
]

PLURAL_MESSAGES = [
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
]
