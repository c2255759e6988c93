import pytest

from intranet.accounts.models import Agent, Department


@pytest.fixture
def department(db):
    direction = Department.objects.create(name="Direction des ressources humaines")
    return Department.objects.create(name="Service formation", parent=direction)


@pytest.fixture
def agent(db, department):
    return Agent.objects.create_user(
        "agent@ville.test",
        "motdepasse-solide",
        first_name="Claire",
        last_name="Martin",
        department=department,
    )


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def site(db):
    from intranet.home.demo import ensure_home_page

    return ensure_home_page()
