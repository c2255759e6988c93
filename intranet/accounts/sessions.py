"""Login sessions: the session engine that records whose each session is, their idle
lifetime, and ending all of an agent's sessions at once.

SESSION_ENGINE = "intranet.accounts.sessions" (Django's "extending database-backed session
engines"): the table is ``AgentSession``, Django's session table plus the agent.
"""

import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

# When the session last recorded activity (epoch seconds), and how often it does so: a
# session is written at most once per REFRESH_SECONDS, not on every request.
ACTIVITY_KEY = "_last_activity"
REFRESH_SECONDS = 300


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        # By name: the model names this store as its own (get_session_store_class).
        return apps.get_model("accounts", "AgentSession")

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        instance.agent_id = int(user_id) if user_id and str(user_id).isdigit() else None
        return instance


def end_every_session(agent):
    """Log the agent out on every device: each of their sessions is deleted. Returns how many."""
    deleted, _ = SessionStore.get_model_class().objects.filter(agent=agent).delete()
    return deleted


def open_session_count(agent):
    """The agent's sessions that have not expired yet (one per device or browser)."""
    sessions = SessionStore.get_model_class().objects
    return sessions.filter(agent=agent, expire_date__gt=timezone.now()).count()


class SessionActivityMiddleware:
    """Keeps a logged-in session alive while its agent uses the intranet.

    A database session ends SESSION_COOKIE_AGE after it was last saved (SESSION_IDLE_HOURS).
    Saving it on every request (SESSION_SAVE_EVERY_REQUEST) would write a row per page; here
    it is saved when its recorded activity is older than REFRESH_SECONDS, so a session ends
    between SESSION_COOKIE_AGE − REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request.
    Sits after SessionMiddleware, which saves the session the response phase marks modified.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.refresh_seconds = min(REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 10)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only sessions already loaded by the request: an anonymous visit reads nothing more.
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - session.get(ACTIVITY_KEY, 0) >= self.refresh_seconds:
            session[ACTIVITY_KEY] = now
        return response
