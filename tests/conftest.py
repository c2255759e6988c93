import pytest

from intranet.accounts import roles

from .factories.accounts import AgentFactory, DepartmentFactory
from .factories.surveys import QuestionFactory, SurveyFactory

# Fixtures of one subject, shared by several test modules.
pytest_plugins = ["tests.support.dashboard", "tests.support.exports"]


@pytest.fixture
def department(db):
    direction = DepartmentFactory(name="Direction des ressources humaines")
    return DepartmentFactory(name="Service formation", parent=direction)


@pytest.fixture
def agent(db, department):
    return AgentFactory(
        email="agent@ville.test", first_name="Claire", last_name="Martin", department=department
    )


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def site(db):
    from intranet.home.demo import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def make_agent(db, department):
    """make_agent("nom") → an active agent of the default department, unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(last_name=None, **fields):
        number = next(counter)
        fields.setdefault("department", department)
        fields.setdefault("email", f"agent{number}-{last_name or 'x'}@ville.test".lower())
        return AgentFactory(last_name=last_name or f"Numéro {number}", **fields)

    return make


@pytest.fixture
def role_groups():
    """The role groups the migrations create, back after an earlier transactional test
    flushed the database (tests with ``django_db(transaction=True)`` need them so)."""
    import importlib

    from django.apps import apps

    importlib.import_module("intranet.accounts.migrations.0002_role_groups").create_roles(
        apps, None
    )


def member_of(group, make_agent, last_name, first_name):
    """An agent of the default department, in this group (intranet/accounts/roles.py)."""
    from django.contrib.auth.models import Group

    agent = make_agent(last_name, first_name=first_name)
    agent.groups.add(Group.objects.get(name=group))
    return agent


@pytest.fixture
def lead(make_agent):
    """A project lead."""
    return member_of(roles.PROJECT_LEADS, make_agent, "Cheffe", "Sarah")


@pytest.fixture
def sponsor(make_agent):
    """A sponsor."""
    return member_of(roles.SPONSORS, make_agent, "Commanditaire", "Bruno")


@pytest.fixture
def editor(make_agent):
    """An editor: writes pages and submits them to moderation."""
    return member_of(roles.EDITORS, make_agent, "Éditrice", "Emma")


@pytest.fixture
def moderator(make_agent):
    """A moderator: approves or sends back the editors' pages."""
    return member_of(roles.MODERATORS, make_agent, "Modératrice", "Maud")


@pytest.fixture
def participants(make_agent):
    return [make_agent(f"Participant{index}") for index in range(5)]


@pytest.fixture
def make_survey(db):
    """make_survey(kinds=[...]) → an open survey with one question per kind."""

    def make(kinds=("recommendation",), owner=None, **fields):
        questions = [QuestionFactory.build(kind=kind) for kind in kinds]
        return SurveyFactory(owner=owner, questions=questions, **fields)

    return make


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: ids reused after a rollback must not find the
    previous test's fragments."""
    from django.core.cache import cache

    cache.clear()
