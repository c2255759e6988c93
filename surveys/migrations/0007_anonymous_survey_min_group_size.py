# The constraint in a migration of its own: PostgreSQL refuses to alter a table in the
# transaction that just updated its rows (0006) while trigger events are pending.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_anonymous_k_at_least_five"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("anonymous", False), ("min_group_size__gte", 5), _connector="OR"
                ),
                name="anonymous_survey_min_group_size",
            ),
        ),
    ]
