import uuid

from django.conf import settings
from django.db import models


def new_subject():
    """A fresh opaque subject identifier, as real providers issue them."""
    return str(uuid.uuid4())


class Identity(models.Model):
    """What the provider asserts about one of its users beyond Django's user fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity"
    )
    subject = models.CharField(max_length=64, unique=True, default=new_subject)
    extra_claims = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.subject
