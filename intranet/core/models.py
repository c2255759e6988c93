from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A counter raised whenever published content changes (see `content.py`): the version
    in the keys of cached shared content, read by every worker from the database.
    """

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        # Created by the home app's migration 0003, before the kernel existed.
        db_table = "home_contentversion"

    def __str__(self):
        return str(self.value)
