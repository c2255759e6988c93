from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("experiments", "0002_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="experiment",
            name="lead_answers_retrospective",
            field=models.BooleanField(
                default=False, verbose_name="the project lead answers the retrospective"
            ),
        ),
    ]
