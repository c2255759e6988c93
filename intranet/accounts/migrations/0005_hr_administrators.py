"""The HR administrators' role: they send activation links and print access codes for every
agent (managers do it for the agents of their teams who have no e-mail)."""

from django.db import migrations

HR_ADMINISTRATORS = "Administrateurs RH"


def create_role(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="agent")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="manage_sign_in",
        defaults={"name": "Can send activation links and issue access codes to every agent"},
    )
    group, _ = Group.objects.get_or_create(name=HR_ADMINISTRATORS)
    group.permissions.add(permission)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=HR_ADMINISTRATORS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_sign_in_doors")]

    operations = [migrations.RunPython(create_role, remove_role)]
