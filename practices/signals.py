"""Keep the search index and the cached listings (`intranet.core.content`) of the pages that
show a tool or a category in step with it; tick the onboarding step a signature or an
enrolment does.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search.index import insert_or_update_object

from intranet.core.content import raise_content_version

from . import services
from .models import (
    CharterSignature,
    Enrolment,
    PracticeCategory,
    PracticePage,
    Tool,
    ToolGuidePage,
)


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


@receiver(post_save, sender=CharterSignature)
def tick_the_charter_step(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.tick_steps_linking_to(instance.page_id, [instance.agent_id])


@receiver(post_save, sender=Enrolment)
def tick_the_training_step(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.tick_steps_linking_to(instance.session.training_id, [instance.agent_id])
