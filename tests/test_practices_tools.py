import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from practices.models import Tool, ToolGuidePage

from .queries import visit_queries
from .support.practices import (
    make_guide,
    make_need,
    make_tool,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(site):
    return make_guide(site)


def test_the_guide_shows_which_tool_for_which_need_as_an_accessible_matrix(agent_client, guide):
    meet, share = make_need("Se réunir"), make_need("Partager")
    visio = make_tool("Visio Ville", needs=[meet])
    personal = make_tool("Visio gratuite", needs=[meet], status=Tool.Status.DISCOURAGED)
    drive = make_tool("Stockage perso", needs=[share], status=Tool.Status.FORBIDDEN)
    response = agent_client.get(guide.url)
    matrix = {need.name: cells for need, cells in response.context["matrix"]}
    statuses = Tool.Status.values
    assert matrix[meet.name][statuses.index("recommended")] == [visio]
    assert matrix[meet.name][statuses.index("discouraged")] == [personal]
    assert matrix[share.name][statuses.index("forbidden")] == [drive]
    content = response.content.decode()
    assert "<caption" in content
    assert content.count('scope="col"') == 5
    assert f'<th scope="row">{meet.name}</th>' in content
    assert f'href="#{visio.anchor}"' in content and f'id="{visio.anchor}"' in content
    assert "Interdit" in content and "Déconseillé" in content


def test_the_guide_details_each_tool(agent_client, guide, catalogue_training):
    cloud = make_tool(
        "Cloud Ville",
        needs=[make_need()],
        external_partners=True,
        limits="50 Go par service",
        guide_url="https://guides.ville.test/cloud",
    )
    cloud.trainings.set([catalogue_training])
    cloud.save()
    stick = make_tool("Clé USB", status=Tool.Status.FORBIDDEN)
    stick.alternatives.set([cloud])
    stick.save()
    content = agent_client.get(guide.url).content.decode()
    assert "50 Go par service" in content
    assert "https://guides.ville.test/cloud" in content
    assert catalogue_training.title in content
    assert "Jusqu’aux données internes" in content
    assert f'<a href="#{cloud.anchor}">{cloud.name}</a>' in content


@pytest.fixture
def catalogue_training(site):
    return make_training(make_training_catalogue(site), "Co-éditer")


def test_the_guide_filters_tools_by_data_and_partners(agent_client, guide):
    need = make_need()
    public = make_tool("Formulaires", needs=[need], data_classification="public")
    internal = make_tool("Messagerie instantanée", needs=[need], data_classification="internal")
    sensitive = make_tool(
        "Cloud", needs=[need], data_classification="sensitive", external_partners=True
    )

    def names(**params):
        return {tool.name for tool in agent_client.get(guide.url, params).context["tools"]}

    assert names() == {public.name, internal.name, sensitive.name}
    assert names(data="internal") == {internal.name, sensitive.name}
    assert names(data="sensitive") == {sensitive.name}
    assert names(partners="on") == {sensitive.name}
    response = agent_client.get(guide.url, {"data": "secret-defense"})
    assert 'role="alert"' in response.content.decode()
    assert len(response.context["tools"]) == 3


def test_tool_guide_costs_the_same_queries_with_ten_times_more_tools(
    agent_client, guide, catalogue_training
):
    def add(count):
        needs = [make_need() for _ in range(count)]
        for index in range(count * 2):
            tool = make_tool(needs=needs[index % count : index % count + 2])
            tool.trainings.set([catalogue_training])
            tool.alternatives.set(Tool.objects.exclude(pk=tool.pk)[:2])
            tool.save()

    add(2)
    small, _response = visit_queries(agent_client, guide.url)
    add(20)
    assert visit_queries(agent_client, guide.url)[0] == small


def test_only_one_tool_guide_may_exist(guide):
    assert not ToolGuidePage.can_create_at(guide.get_parent())


def test_editors_keep_the_catalogue_in_the_admin_and_agents_cannot(client, make_agent, agent):
    need = make_need()
    editor = make_agent("Éditeur")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    url = reverse("wagtailsnippets_practices_tool:add")
    response = client.post(
        url,
        {
            "name": "Tableau blanc",
            "summary": "Dessiner ensemble.",
            "needs": [need.pk],
            "status": "tolerated",
            "data_classification": "public",
            "limits": "",
            "guide_url": "",
        },
    )
    assert response.status_code == 302
    assert Tool.objects.get(name="Tableau blanc").needs.get() == need
    client.force_login(agent)
    client.post(url, {"name": "Outil pirate", "summary": "x", "status": "recommended"})
    assert not Tool.objects.filter(name="Outil pirate").exists()
