"""The content version now belongs to the kernel (core 0001): forgotten here, table kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_content_version"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentVersion")],
            database_operations=[],
        ),
    ]
