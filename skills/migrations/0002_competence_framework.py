"""The 5 areas and 16 competences of the PIX framework."""

from django.db import migrations

from skills.framework import ensure_framework


def create_framework(apps, schema_editor):
    ensure_framework(apps.get_model("skills", "Area"), apps.get_model("skills", "Competence"))


def remove_framework(apps, schema_editor):
    apps.get_model("skills", "Competence").objects.all().delete()
    apps.get_model("skills", "Area").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(create_framework, remove_framework)]
