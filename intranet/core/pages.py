"""What every page type of the intranet shares, on Wagtail's public API. Part of the kernel."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class IntranetPageForm(WagtailAdminPageForm):
    """Wagtail's page form, which explains a taken address on top of the form.

    Wagtail puts the slug error on the Promote tab, out of sight while the editor writes
    on the content tab; a form-level error is shown above every tab. A draft abandoned
    under the same title is the usual reason, and the hardest to guess.
    """

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's check takes it out when refused
        cleaned_data = super().clean()
        if slug and "slug" in self.errors:
            taken = (
                self.parent_page.get_children()
                .filter(slug=slug)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if taken is not None:
                self.add_error(None, self.taken_slug_message(taken, slug))
        return cleaned_data

    def taken_slug_message(self, taken, slug):
        names = {"slug": slug, "title": taken.title, "free": self.free_slug(slug)}
        if taken.live:
            explanation = _("Another page already has the address “%(slug)s”: “%(title)s”.")
        else:
            explanation = _(
                "A draft page, never published, already has the address “%(slug)s”: “%(title)s”."
            )
        advice = _(
            "Give this page another address in the Promote tab (“%(free)s” is free), "
            "or delete or rename the other page first."
        )
        return f"{explanation % names} {advice % names}"

    def free_slug(self, slug):
        """The first of slug-2, slug-3… that no page under the same parent uses."""
        used = set(
            self.parent_page.get_children()
            .filter(slug__startswith=f"{slug}-")
            .values_list("slug", flat=True)
        )
        number = 2
        while f"{slug}-{number}" in used:
            number += 1
        return f"{slug}-{number}"


class KnownViewRestrictions:
    """A page whose view restrictions its serving view may already know.

    Wagtail checks a page's view restrictions through ``Page.get_view_restrictions()`` (a
    documented, overridable method): one query for the page and its ancestors, one more for
    each restriction's groups. The serving view (``intranet/home/routing.py``) hands over the
    restrictions it read from the cache under the content version; any other instance asks
    Wagtail as usual.
    """

    known_view_restrictions = None

    def get_view_restrictions(self):
        if self.known_view_restrictions is not None:
            return self.known_view_restrictions
        return super().get_view_restrictions()
