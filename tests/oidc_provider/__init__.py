"""A real OpenID Connect provider for the sign-in tests, served on loopback in a subprocess.

It is a separate Django project (settings in ``tests.oidc_provider.settings``) built on
django-oauth-toolkit; ``serve.py`` runs it and ``fixtures.py`` gives the pytest fixtures.
Nothing here may touch the intranet's own settings.
"""
