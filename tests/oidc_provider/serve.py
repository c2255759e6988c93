"""Run the test OpenID Connect provider: ``python -m tests.oidc_provider.serve DATA_DIR``.

The server binds a free port on 127.0.0.1, writes it to ``DATA_DIR/port`` once it is
configured, creates a fresh SQLite database in DATA_DIR, registers the relying party and
serves until killed, or until the process that started it is gone. The client and control
secrets come from the environment (``OIDC_PROVIDER_CLIENT_SECRET``,
``OIDC_PROVIDER_CONTROL_SECRET``).
"""

import os
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def private_key_pem():
    """A fresh RS256 signing key, in the PEM form DOT's settings take."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def register_relying_party():
    """The intranet as a confidential client: code flow, RS256, no consent screen."""
    from django.conf import settings
    from oauth2_provider.models import get_application_model

    application_model = get_application_model()
    application_model.objects.create(
        name="Intranet",
        client_id=settings.PROVIDER_CLIENT_ID,
        client_secret=settings.PROVIDER_CLIENT_SECRET,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        algorithm=application_model.RS256_ALGORITHM,
        skip_authorization=True,
    )


def exit_when_orphaned(parent_pid):
    """Stop serving if the test run that started us died without killing us."""
    while os.getppid() == parent_pid:
        time.sleep(1)
    os._exit(0)


def main(data_dir):
    """Configure, prepare and run the provider; never returns."""
    parent_pid = os.getppid()
    threading.Thread(target=exit_when_orphaned, args=(parent_pid,), daemon=True).start()
    server = make_server(
        "127.0.0.1", 0, None, server_class=ThreadingWSGIServer, handler_class=WSGIRequestHandler
    )
    port = server.server_port
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_PROVIDER_DATA_DIR=str(data_dir),
        OIDC_PROVIDER_ISSUER=f"http://127.0.0.1:{port}/o",
        OIDC_PROVIDER_RSA_KEY=private_key_pem(),
    )

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    register_relying_party()
    server.set_app(get_wsgi_application())
    # Written then renamed, so the waiting fixture never reads half a number.
    (data_dir / "port.tmp").write_text(str(port))
    (data_dir / "port.tmp").rename(data_dir / "port")
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
