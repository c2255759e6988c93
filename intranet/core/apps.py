from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _
from wagtail.admin.apps import WagtailAdminAppConfig
from wagtail.images.apps import WagtailImagesAppConfig


class CoreConfig(AppConfig):
    default = True
    name = "intranet.core"
    label = "core"
    verbose_name = _("Intranet kernel")

    def ready(self):
        from .signals import connect

        connect()


class StaticFilesConfig(BaseStaticFilesConfig):
    # viewflow's static folder ships node_modules whose CSS points at a missing font,
    # which breaks the manifest storage of collectstatic.
    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "node_modules"]


class WagtailAdminConfig(WagtailAdminAppConfig):
    """Wagtail's admin, whose spreadsheet exports neutralise formulas as ours do and whose
    moderation sends one e-mail per submission."""

    def ready(self):
        super().ready()
        from .moderation_mail import send_one_notice_per_submission
        from .spreadsheets import neutralise_wagtail_exports

        neutralise_wagtail_exports()
        send_one_notice_per_submission()


class WagtailImagesConfig(WagtailImagesAppConfig):
    """Wagtail's images, decoded within the pixel limit and never failing a page."""

    def ready(self):
        super().ready()
        from .images import limit_decoded_pixels, render_undecodable_images_as_missing

        limit_decoded_pixels()
        render_undecodable_images_as_missing()
