from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class StaticFilesConfig(BaseStaticFilesConfig):
    # viewflow's static folder ships node_modules whose CSS points at a missing font,
    # which breaks the manifest storage of collectstatic.
    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "node_modules"]
