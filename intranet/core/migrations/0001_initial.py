"""The content version moves from the home app to the kernel: same table, same rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("home", "0003_content_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("value", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "content version",
                        "db_table": "home_contentversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
