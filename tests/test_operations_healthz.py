"""/healthz answers the load balancer over plain HTTP, by the server's own address, even
where production redirects every other request to HTTPS and accepts only the site's name."""

import pytest

from .gunicorn_process import get, header_values, production_gunicorn

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "ALLOWED_HOSTS": ["intranet.ville.test"],
}


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)


def test_the_load_balancer_gets_a_200_over_plain_http_on_loopback(production, client):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_health_check_by_the_sites_name_is_not_redirected_either(production, client):
    response = client.get("/healthz", HTTP_HOST="intranet.ville.test")
    assert response.status_code == 200


def test_every_other_page_still_goes_to_https(production, client):
    response = client.get("/compte/connexion/", HTTP_HOST="intranet.ville.test")
    assert response.status_code == 301
    assert response["Location"] == "https://intranet.ville.test/compte/connexion/"


def test_another_page_by_the_servers_address_is_still_refused(production, client):
    secure = {"HTTP_X_FORWARDED_PROTO": "https"}
    assert (
        client.get("/compte/connexion/", HTTP_HOST="127.0.0.1:8000", **secure).status_code == 400
    )


def test_a_post_to_the_health_check_is_refused(production, client):
    assert client.post("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 405


def test_the_health_check_keeps_the_security_headers(production, client):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"]


def test_gunicorn_with_the_production_settings_answers_the_probe(tmp_path):
    with production_gunicorn(f"sqlite:///{tmp_path / 'db.sqlite3'}") as port:
        status, _, body = get(port, "/healthz")
        assert (status, body) == (200, b'{"status": "ok", "database": "ok"}')
        status, headers, _ = get(port, "/compte/connexion/", host="intranet.ville.test")
        assert status == 301
        assert header_values(headers, "Location") == [
            "https://intranet.ville.test/compte/connexion/"
        ]
