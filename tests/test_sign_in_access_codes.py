"""Agents without e-mail: printed access codes, issued by managers and HR administrators.

A code signs its holder in as the agent once: who may issue one, and for whom, is the
security of this door; each attack below is a wrong person or a wrong code.
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.access_codes import MAX_FAILED_ATTEMPTS, issue_codes
from intranet.accounts.models import AccessCode, Agent, Department
from intranet.accounts.views.access import PAGE_SIZE

pytestmark = pytest.mark.django_db

ACCESS = reverse("agent_access")
CODE_LOGIN = reverse("access_code_login")
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture
def team(make_agent, department):
    """A head of service, two field agents without e-mail, a colleague with e-mail, an editor
    without e-mail, and an agent of another direction."""
    head = make_agent("Cheffe", email="cheffe@ville.test")
    field = [
        make_agent(name, email=None, external_id=f"T{number}", manager=head)
        for number, name in enumerate(["Terrain", "Voirie"], start=1)
    ]
    for agent in field:  # as imported from the HR directory
        agent.set_unusable_password()
        agent.save()
    with_email = make_agent("Bureau", email="bureau@ville.test", manager=head)
    editor = make_agent("Éditrice", email=None, external_id="T9", manager=head)
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    elsewhere = Department.objects.create(name="Direction des sports")
    stranger = make_agent("Ailleurs", email=None, external_id="S1", department=elsewhere)
    return {
        "head": head,
        "field": field,
        "with_email": with_email,
        "editor": editor,
        "stranger": stranger,
    }


@pytest.fixture
def hr_admin(make_agent):
    admin = make_agent("RH", email="rh@ville.test")
    admin.groups.add(Group.objects.get(name="Administrateurs RH"))
    return admin


def issue(client, manager, agents):
    client.force_login(manager)
    response = client.post(ACCESS, {"action": "codes", "agents": [agent.pk for agent in agents]})
    client.logout()
    return response


def printed_codes(response):
    return CODE.findall(response.content.decode())


def sign_in(client, matricule, code, **extra):
    return client.post(CODE_LOGIN, {"matricule": matricule, "code": code}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def title_of(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_a_manager_prints_a_card_for_each_field_agent_of_the_team(client, team):
    response = issue(client, team["head"], team["field"])
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    page = response.content.decode()
    assert len(printed_codes(response)) == 2
    assert page.count("<svg") == 2  # a QR code per card
    assert "http://testserver/compte/connexion/code/" in page
    for agent in team["field"]:
        assert agent.external_id in page
        code = AccessCode.objects.get(agent=agent)
        assert code.issued_by == team["head"]
        assert code.expires_at > timezone.now() + timedelta(days=29)


def test_the_code_is_stored_only_as_a_hash(client, team):
    [code] = printed_codes(issue(client, team["head"], team["field"][:1]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_accesscode")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert code not in stored and code.replace("-", "") not in stored


def test_the_qr_code_carries_the_code_in_the_fragment_only(client, team):
    from intranet.accounts.cards import card_url

    url = card_url("access_code_login", matricule="T1", code="ACDE-2467")
    assert url == "http://testserver/compte/connexion/code/#matricule=T1&code=ACDE-2467"


def test_a_manager_reaches_only_the_field_agents_of_the_team(client, team):
    client.force_login(team["head"])
    page = client.get(ACCESS).content.decode()
    for agent in team["field"]:
        assert f'name="agents" value="{agent.pk}"' in page
    for outsider in ("with_email", "editor", "stranger", "head"):
        assert f'name="agents" value="{team[outsider].pk}"' not in page, outsider


@pytest.mark.parametrize("outsider", ["with_email", "editor", "stranger"])
def test_a_manager_cannot_issue_a_code_to_an_agent_out_of_reach(client, team, outsider):
    """The attack: a forged POST naming a colleague with a role, another direction's agent
    or an agent with e-mail, to sign in as them."""
    response = issue(client, team["head"], [team[outsider]])
    assert response.status_code == 302
    assert not AccessCode.objects.exists()


def test_an_agent_without_reports_may_not_open_the_access_page(client, team):
    client.force_login(team["field"][0])
    assert client.get(ACCESS).status_code == 403
    response = client.post(ACCESS, {"action": "codes", "agents": [team["field"][1].pk]})
    assert response.status_code == 403
    assert not AccessCode.objects.exists()


def test_an_hr_administrator_reaches_every_agent_but_superusers(client, team, hr_admin):
    boss = Agent.objects.create_superuser("boss@ville.test", "x")
    issue(client, hr_admin, [team["with_email"], team["editor"], team["stranger"], boss])
    assert set(AccessCode.objects.values_list("agent__last_name", flat=True)) == {
        "Bureau",
        "Éditrice",
        "Ailleurs",
    }


def test_the_agent_signs_in_with_matricule_and_code_then_may_choose_a_password(client, team):
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    response = sign_in(client, agent.external_id.lower(), code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("choose_password"))
    assert int(signed_in_as(client)) == agent.pk
    page = client.get(response["Location"]).content.decode()
    assert "a maintenant servi" in page
    chosen = client.post(
        response["Location"],
        {"new_password1": "ma-voirie-2026-solide", "new_password2": "ma-voirie-2026-solide"},
    )
    assert chosen.status_code == 302
    client.logout()
    client.post(reverse("login"), {"username": "t1", "password": "ma-voirie-2026-solide"})
    assert int(signed_in_as(client)) == agent.pk


def test_a_code_works_once(client, team):
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    sign_in(client, agent.external_id, code)
    client.logout()
    again = sign_in(client, agent.external_id, code)
    assert again.status_code == 200
    assert "ne correspondent à aucun code valide" in again.content.decode()
    assert signed_in_as(client) is None


def test_an_expired_code_is_refused(client, team):
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    AccessCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sign_in(client, agent.external_id, code).status_code == 200
    assert signed_in_as(client) is None


def test_issuing_a_new_code_revokes_the_previous_one(client, team):
    agent = team["field"][0]
    [old] = printed_codes(issue(client, team["head"], [agent]))
    [new] = printed_codes(issue(client, team["head"], [agent]))
    sign_in(client, agent.external_id, old)
    assert signed_in_as(client) is None
    sign_in(client, agent.external_id, new)
    assert int(signed_in_as(client)) == agent.pk
    assert AccessCode.objects.filter(agent=agent, revoked_at__isnull=False).count() == 1


def test_a_code_is_only_good_for_its_own_agent(client, team):
    first, second = team["field"]
    [code] = printed_codes(issue(client, team["head"], [first]))
    issue(client, team["head"], [second])
    sign_in(client, second.external_id, code)
    assert signed_in_as(client) is None


def test_guessing_a_code_from_many_addresses_revokes_it(client, team):
    """The lockout counts per address; the code itself also counts its wrong guesses."""
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    for attempt in range(MAX_FAILED_ATTEMPTS):
        sign_in(client, agent.external_id, "AAAA-AAAA", REMOTE_ADDR=f"192.0.2.{attempt}")
    sign_in(client, agent.external_id, code, REMOTE_ADDR="192.0.2.200")
    assert signed_in_as(client) is None
    assert AccessCode.objects.get(agent=agent).revoked_at is not None


def test_django_axes_locks_the_matricule_after_five_wrong_codes(client, team, settings):
    settings.AXES_ENABLED = True
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    answers = [sign_in(client, agent.external_id, "AAAA-AAAA") for _ in range(5)]
    assert answers[-1].status_code == 429
    assert AccessAttempt.objects.filter(username=agent.external_id.lower()).exists()
    locked = sign_in(client, agent.external_id, code)
    assert locked.status_code == 429
    assert signed_in_as(client) is None


def test_an_unknown_matricule_is_refused_like_a_wrong_code(client, team):
    response = sign_in(client, "INCONNU", "ACDE-2467")
    assert response.status_code == 200
    assert "ne correspondent à aucun code valide" in response.content.decode()


def test_a_deactivated_agent_cannot_use_a_code(client, team):
    agent = team["field"][0]
    [code] = printed_codes(issue(client, team["head"], [agent]))
    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    sign_in(client, agent.external_id, code)
    assert signed_in_as(client) is None


def test_the_next_address_survives_the_code_sign_in_and_foreign_ones_do_not(client, team):
    first, second = team["field"]
    codes = {agent: issue_codes([agent], by=team["head"])[0].code for agent in (first, second)}
    inside = client.post(
        CODE_LOGIN + "?next=/questionnaires/",
        {"matricule": first.external_id, "code": codes[first], "next": "/questionnaires/"},
    )
    assert "next=%2Fquestionnaires%2F" in inside["Location"]
    client.logout()
    outside = client.post(
        CODE_LOGIN,
        {"matricule": second.external_id, "code": codes[second], "next": "https://evil.example/"},
    )
    assert "evil" not in outside["Location"]


def test_the_door_closes_with_its_setting(client, team, settings):
    settings.ACCESS_CODE_LOGIN_ENABLED = False
    agent = team["field"][0]
    code = issue_codes([agent], by=team["head"])[0].code
    assert client.get(CODE_LOGIN).status_code == 404
    assert sign_in(client, agent.external_id, code).status_code == 404
    assert signed_in_as(client) is None


def test_the_access_page_lists_each_agent_status_in_constant_queries(
    client, team, hr_admin, make_agent, django_assert_max_num_queries
):
    client.force_login(hr_admin)
    client.get(ACCESS)
    for number in range(30):
        make_agent(f"Plus {number}", email=None, external_id=f"P{number}")
    issue_codes(list(Agent.objects.filter(external_id__startswith="P")), by=hr_admin)
    client.force_login(hr_admin)
    with django_assert_max_num_queries(12):
        page = client.get(ACCESS).content.decode()
    assert page.count("Code d'accès valable jusqu'au") == 30


def test_the_never_signed_in_filter_and_the_home_page_reminder(client, team, site):
    client.force_login(team["head"])
    home = client.get("/").content.decode()
    assert "2 agents ne se sont jamais connectés" in home
    issue_codes([team["field"][0]], by=team["head"])
    home = client.get("/").content.decode()
    assert "1 agent ne s&#x27;est jamais connecté" in home or "1 agent ne s'est jamais" in home


def test_the_agent_sees_the_codes_issued_to_them_in_my_data(client, team):
    agent = team["field"][0]
    issue_codes([agent], by=team["head"])
    client.force_login(agent)
    data = client.get(reverse("my_data_download")).json()
    [code] = data["sections"]["access_codes"]["records"]
    assert code["issued_by_name"] == team["head"].get_full_name()
    assert "code_hash" not in code


def test_the_header_offers_the_access_page_to_managers_and_hr_administrators_only(
    client, team, hr_admin, site
):
    link = f'href="{ACCESS}"'
    for person, offered in ((team["head"], True), (hr_admin, True), (team["field"][0], False)):
        client.force_login(person)
        assert (link in client.get("/").content.decode()) is offered, person


def test_each_page_of_the_access_page_has_its_own_title(client, hr_admin, make_agent):
    for number in range(PAGE_SIZE + 1):
        make_agent(f"Plus {number}", email=None, external_id=f"P{number}")
    client.force_login(hr_admin)

    first = title_of(client.get(ACCESS))
    second = title_of(client.get(ACCESS, {"page": 2}))

    assert first.startswith("Accès des agents – ") and "page" not in first
    assert second.startswith("Accès des agents – page 2 sur 2 – ")
