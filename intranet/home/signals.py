"""Raise the content version (`chrome.py`) whenever what the menus, listings and cached pages
show changes: a page saved, published, unpublished, moved or deleted, a view restriction or its
groups, a site; a person's name or department (experiment pages show them).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from intranet.accounts.models import Agent, Department

from .chrome import raise_content_version


def page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page):
        raise_content_version()


def agent_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new agent is shown nowhere yet; a login only records its time.
    if not created and (update_fields is None or set(update_fields) - {"last_login"}):
        raise_content_version()


def connect():
    # Saving a page covers drafts, publications (the live fields change) and pages created
    # live in code; the Wagtail signals cover the rest.
    post_save.connect(page_changed, dispatch_uid="content_version_page_saved")
    post_delete.connect(page_changed, dispatch_uid="content_version_page_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(raise_content_version, dispatch_uid=f"content_version_{id(signal)}")
    for model in (PageViewRestriction, Site):
        post_save.connect(raise_content_version, sender=model, dispatch_uid=f"cv_save_{model}")
        post_delete.connect(raise_content_version, sender=model, dispatch_uid=f"cv_delete_{model}")
    post_save.connect(agent_changed, sender=Agent, dispatch_uid="content_version_agent")
    for model in (Agent, Department):
        post_delete.connect(raise_content_version, sender=model, dispatch_uid=f"cv_delete_{model}")
    post_save.connect(raise_content_version, sender=Department, dispatch_uid="cv_save_department")
    m2m_changed.connect(
        raise_content_version,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="content_version_restriction_groups",
    )
