import factory

from intranet.accounts.models import Agent, Department

PASSWORD = "motdepasse-solide"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda number: f"Service {number}")


class AgentFactory(factory.django.DjangoModelFactory):
    """An active agent who signs in with ``PASSWORD``."""

    class Meta:
        model = Agent

    email = factory.Sequence(lambda number: f"agent-{number}@ville.test")
    first_name = "Agent"
    last_name = factory.Sequence(lambda number: f"Numéro {number}")

    @classmethod
    def _create(cls, model_class, email=None, password=PASSWORD, **fields):
        return model_class.objects.create_user(email, password, **fields)
