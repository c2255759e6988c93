"""Structured logs: one JSON object per line, with the request's path and user where known."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.functional import empty

current_request = ContextVar("current_request", default=None)

# Personal secrets that travel in addresses: a survey invitation's token, the tokens of the
# activation and password links, the single sign-on's code and state. Logs keep the address
# with the secret replaced, so that nobody reading them can use it or tie it to a person.
SECRETS_IN_PATHS = re.compile(
    r"(/questionnaires/repondre/"
    r"|/compte/premiere-connexion/[^/\s]+/"
    r"|/compte/mot-de-passe/nouveau/[^/\s]+/)"
    r"(?!set-password/)[^/?#\s\"']+"
)
SECRETS_IN_QUERIES = re.compile(r"([?&](?:code|state|token|via_token)=)[^&#\s\"']+")
REDACTED = "[secret]"


def redacted(text):
    """The text with every secret of an address replaced."""
    text = SECRETS_IN_PATHS.sub(rf"\1{REDACTED}", text)
    return SECRETS_IN_QUERIES.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Replaces the secrets of addresses in every message (Django logs "Not Found: <path>",
    runserver logs the request line) before any handler writes it."""

    def filter(self, record):
        message = record.getMessage()
        clean = redacted(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


class RequestContextMiddleware:
    """Lets every log line written while a request is served name its path and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def request_fields(request):
    """Path, method and user id of a request; the user only if already loaded (no query)."""
    fields = {"method": request.method, "path": redacted(request.path)}
    user = request.__dict__.get("user")
    loaded = user is not None and getattr(user, "_wrapped", user) is not empty
    if loaded and user.is_authenticated:
        fields["user_id"] = user.pk
    return fields


class JSONFormatter(logging.Formatter):
    """Time, level, logger and message, then request and exception details when there are.

    Only the formatted message and known request fields are written: never request bodies,
    so neither passwords nor survey answers reach the logs.
    """

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            request = current_request.get()
        if request is not None:
            entry.update(request_fields(request))
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
