"""Shared content cached under the *content version*: a counter kept in the database and
raised whenever published content changes (signals.py). Each request reads it once, so a
publication shows at once in every worker, whatever the cache backend (each worker's own
memory by default).
"""

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.translation import get_language
from wagtail.models import PageViewRestriction

from .memo import remembered
from .models import ContentVersion

CACHE_SECONDS = 24 * 3600


def raise_content_version(**_kwargs):
    """Mark every cached fragment of shared content out of date (signal receiver)."""
    with transaction.atomic():
        if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
            ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def read_content_version():
    return ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def content_version(request):
    """The content version this request works with, read once (often with the agent's facts,
    in the same query: `intranet.accounts.facts`)."""
    return remembered(request, "content_version", read_content_version)


def group_ids(request):
    """The ids of the groups of the request's user, read once."""

    def read():
        user = request.user
        if not user.is_authenticated:
            return frozenset()
        return frozenset(user.groups.values_list("pk", flat=True))

    return remembered(request, "group_ids", read)


def view_restrictions(request):
    """[(restriction, page path, group ids)] of every view restriction, cached by version."""
    key = f"content:restrictions:{content_version(request)}"
    restrictions = cache.get(key)
    if restrictions is None:
        restrictions = [
            (restriction, restriction.page.path, {group.pk for group in restriction.groups.all()})
            for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
                "groups"
            )
        ]
        cache.set(key, restrictions, CACHE_SECONDS)
    return restrictions


def refused_restrictions(request):
    """The restricted pages this agent may not open: computed once per request, as a page
    often asks several times (related pages, the tool guide, the library)."""

    def refused():
        pages = []
        for restriction, _path, groups in view_restrictions(request):
            if restriction.restriction_type == restriction.GROUPS:
                accepted = request.user.is_superuser or bool(groups & group_ids(request))
            else:
                accepted = restriction.accept_request(request)
            if not accepted:
                pages.append(restriction.page)
        return pages

    return remembered(request, "refused_restrictions", refused)


def shared_key(request, name, *parts):
    """A cache key for content shared by every agent refused the same restricted pages, which
    changes with the content version; ``parts`` complete it. The refused pages and the parts
    (a query string, say) are digested, so that the key is valid in any cache backend
    (memcached: no spaces, at most 250 characters).
    """
    refused = sorted(page.pk for page in refused_restrictions(request))
    digest = hashlib.sha256(repr((refused, parts)).encode()).hexdigest()
    return f"shared:{name}:{content_version(request)}:{get_language()}:{digest}"


def shared_content(request, name, compute, *parts):
    """What ``compute()`` returns (picklable), shared by every agent who is refused the same
    restricted pages, until the content version changes; ``parts`` complete the key.
    """
    key = shared_key(request, name, *parts)
    content = cache.get(key)
    if content is None:
        content = compute()
        cache.set(key, content, CACHE_SECONDS)
    return content
