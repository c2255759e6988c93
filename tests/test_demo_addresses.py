"""The links of the demo's e-mails lead to the demo, whatever port `make run` serves it on:
BASE_URL follows HOST and PORT, and Wagtail's Site (the pages' full addresses) follows
BASE_URL."""

import os
import subprocess

import pytest
from django.conf import settings
from wagtail.models import Page, Site

from intranet.home.demo import ensure_home_page, site_address


def make_run_commands(*variables):
    """The commands `make run` would run (make -n runs none of them), BASE_URL unset."""
    env = {name: value for name, value in os.environ.items() if name != "BASE_URL"}
    completed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *variables],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return completed.stdout.splitlines()


def command_of(lines, name):
    (line,) = [line for line in lines if f"manage.py {name}" in line]
    return line


def test_make_run_gives_the_seed_and_the_server_its_own_address():
    lines = make_run_commands("PORT=8123")
    assert command_of(lines, "seed_demo").startswith("BASE_URL=http://127.0.0.1:8123 ")
    runserver = command_of(lines, "runserver")
    assert runserver.startswith("BASE_URL=http://127.0.0.1:8123 ")
    assert runserver.endswith("runserver 127.0.0.1:8123")


def test_an_address_given_to_make_run_is_kept():
    lines = make_run_commands("PORT=8123", "BASE_URL=https://intranet.ville.test")
    assert command_of(lines, "runserver").startswith("BASE_URL=https://intranet.ville.test ")


@pytest.mark.parametrize(
    "base_url, expected",
    [
        ("http://127.0.0.1:8123", ("127.0.0.1", 8123)),
        ("http://localhost:8000/", ("localhost", 8000)),
        ("https://intranet.ville.test", ("intranet.ville.test", 443)),
        ("http://intranet.ville.test", ("intranet.ville.test", 80)),
    ],
)
def test_the_site_address_is_read_from_base_url(settings, base_url, expected):
    settings.WAGTAILADMIN_BASE_URL = base_url
    assert site_address() == expected


@pytest.mark.django_db
def test_the_demo_site_serves_its_pages_at_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    home = ensure_home_page()
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8123"
    assert Page.objects.get(pk=home.pk).full_url == "http://127.0.0.1:8123/"
