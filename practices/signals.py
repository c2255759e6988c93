"""Keep the search index and the cached listings (`intranet.core.content`) of the pages that
show a tool or a category in step with it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search.index import insert_or_update_object

from intranet.core.content import raise_content_version

from .models import PracticeCategory, PracticePage, Tool, ToolGuidePage


@receiver([post_save, post_delete], sender=Tool)
def reindex_pages_showing_tool(sender, instance, **kwargs):
    for page in ToolGuidePage.objects.live():
        insert_or_update_object(page)
    if kwargs.get("signal") is post_save:
        for page in PracticePage.objects.live().filter(tools=instance):
            insert_or_update_object(page)


@receiver([post_save, post_delete], sender=Tool)
@receiver([post_save, post_delete], sender=PracticeCategory)
def refresh_cached_listings(sender, **kwargs):
    raise_content_version()
