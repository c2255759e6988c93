"""Raise the content version (`content.py`) whenever what the menus, listings and cached pages
show changes: a live page saved (not a draft), published, unpublished, moved or deleted, a view
restriction or its groups, a site. Apps above connect their own models (accounts: a person's
name or department).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .content import raise_content_version

# The fields Wagtail saves for a draft (``save_revision``, a revision restored, a lock): none
# of them is read by what agents are served, so they leave the cached content as it is.
DRAFT_FIELDS = frozenset(
    {
        "wagtail_admin_comments",
        "latest_revision_created_at",
        "latest_revision",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def page_saved(sender, instance, update_fields=None, **kwargs):
    """A page saved changes what agents see when it is live (created live in code, changed
    and published), unless only its draft fields were saved; a publication or an
    unpublication is also signalled by Wagtail (connect)."""
    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    raise_content_version()


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        raise_content_version()


def raise_on_changes_of(model, uid):
    """Raise the content version when a ``model`` row is saved or deleted."""
    post_save.connect(raise_content_version, sender=model, dispatch_uid=f"cv_save_{uid}")
    post_delete.connect(raise_content_version, sender=model, dispatch_uid=f"cv_delete_{uid}")


def connect():
    # Saving a live page covers pages created or changed live in code; the Wagtail signals
    # cover publications, unpublications and moves. A draft saved changes nothing served.
    post_save.connect(page_saved, dispatch_uid="content_version_page_saved")
    post_delete.connect(page_deleted, dispatch_uid="content_version_page_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(raise_content_version, dispatch_uid=f"content_version_{id(signal)}")
    raise_on_changes_of(PageViewRestriction, "restriction")
    raise_on_changes_of(Site, "site")
    m2m_changed.connect(
        raise_content_version,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="content_version_restriction_groups",
    )
