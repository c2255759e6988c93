"""Editors and moderators keep the catalogue; skills officers run the training sessions."""

from django.db import migrations

GRANTS = {
    "Éditeurs": {
        "tool": ["add", "change", "delete", "view"],
        "toolneed": ["add", "change", "delete", "view"],
        "practicecategory": ["add", "change", "delete", "view"],
    },
    "Modérateurs": {
        "tool": ["add", "change", "delete", "view"],
        "toolneed": ["add", "change", "delete", "view"],
        "practicecategory": ["add", "change", "delete", "view"],
    },
    "Référents compétences": {
        "trainingsession": ["add", "change", "delete", "view", "mark_attendance"],
    },
}


def codename(action, model):
    return action if action == "mark_attendance" else f"{action}_{model}"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            content_type, _ = ContentType.objects.get_or_create(app_label="practices", model=model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=codename(action, model),
                    defaults={"name": codename(action, model).replace("_", " ").capitalize()},
                )
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for model, actions in models.items():
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="practices",
                    codename__in=[codename(action, model) for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_moderation_workflow"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
