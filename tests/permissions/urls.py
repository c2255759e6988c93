"""Every URL pattern of the site, and which of them are ours.

Ours: the patterns of our own URL modules (the project's urls.py and each app's), and in the
Wagtail admin every view whose class or model belongs to one of our packages (our hooks'
views, our viewsets, our snippets, and Wagtail's user admin of our Agent model). The rest
is Wagtail's or Django's internals.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

OUR_PACKAGES = ("intranet", "surveys", "experiments", "practices", "skills")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    pattern: URLPattern
    in_our_urlconf: bool

    @property
    def ours(self):
        return self.in_our_urlconf or any(is_ours(module) for module in view_modules(self.pattern))


def is_ours(module):
    return module.split(".")[0] in OUR_PACKAGES


def urlconf_module(resolver):
    urlconf = resolver.urlconf_name
    if isinstance(urlconf, str):
        return urlconf
    return getattr(urlconf, "__name__", None)  # None: a list of patterns, like its parent's


def view_modules(pattern):
    """The modules of a pattern's view class (or function) and of the model it serves."""
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None)
    modules = [(view_class or callback).__module__]
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model") or getattr(
        view_class, "model", None
    )
    if isinstance(model, type) and hasattr(model, "_meta"):
        modules.append(model._meta.app_config.name)
    return modules


def iter_routes(resolver=None, prefix="", namespaces=(), in_our_urlconf=True):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            module = urlconf_module(pattern)
            yield from iter_routes(
                pattern,
                prefix + str(pattern.pattern),
                namespaces + ((pattern.namespace,) if pattern.namespace else ()),
                in_our_urlconf if module is None else is_ours(module),
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else route
            yield Route(name, route, pattern, in_our_urlconf)


def our_routes():
    """Our URL patterns by name; a name served by two patterns keeps the first (Django's)."""
    routes = {}
    for route in iter_routes():
        if route.ours:
            routes.setdefault(route.name, route)
    return routes
