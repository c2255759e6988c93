"""Wagtail's default workflow waits for its English "Moderators" group, which nobody joins
here: our "Modérateurs" take over its approval tasks, and the empty English groups go."""

from django.db import migrations


def hand_over(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    moderators = Group.objects.filter(name="Modérateurs").first()
    if moderators is None:
        return
    for task in GroupApprovalTask.objects.filter(groups__name="Moderators"):
        task.groups.add(moderators)
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(hand_over, migrations.RunPython.noop)]
