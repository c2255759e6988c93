"""Raise the content version (`content.py`) whenever what the menus, listings and cached pages
show changes: a page saved, published, unpublished, moved or deleted, a view restriction or its
groups, a site. Apps above connect their own models (accounts: a person's name or department).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .content import raise_content_version


def page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page):
        raise_content_version()


def raise_on_changes_of(model, uid):
    """Raise the content version when a ``model`` row is saved or deleted."""
    post_save.connect(raise_content_version, sender=model, dispatch_uid=f"cv_save_{uid}")
    post_delete.connect(raise_content_version, sender=model, dispatch_uid=f"cv_delete_{uid}")


def connect():
    # Saving a page covers drafts, publications (the live fields change) and pages created
    # live in code; the Wagtail signals cover the rest.
    post_save.connect(page_changed, dispatch_uid="content_version_page_saved")
    post_delete.connect(page_changed, dispatch_uid="content_version_page_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(raise_content_version, dispatch_uid=f"content_version_{id(signal)}")
    raise_on_changes_of(PageViewRestriction, "restriction")
    raise_on_changes_of(Site, "site")
    m2m_changed.connect(
        raise_content_version,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="content_version_restriction_groups",
    )
