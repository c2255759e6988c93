"""gunicorn's configuration for the intranet (docs/configuration.md, "Production").

    gunicorn intranet.wsgi --config ops/gunicorn.conf.py --workers 4 --bind 127.0.0.1:8000

gunicorn has no setting to leave out its `Server: gunicorn` header, which tells a scanner
which server and so which known flaws to try. Its responses write the header's line in
`Response.default_headers()`: that line is dropped here, once, as the configuration loads,
before any worker answers.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(response):
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
