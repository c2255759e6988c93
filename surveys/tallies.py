"""The answer tallies (AnswerTally) checked against the answers, and rebuilt from them.

Triggers keep the tallies (migration 0004); this is for checking them and for recovery, e.g.
after answers were restored without their tallies.
"""

from django.db import connection, transaction
from django.db.models import Count

from .models import Answer, AnswerTally


def counted_answers():
    """{(question_id, value): count} counted from the answers themselves."""
    rows = (
        Answer.objects.filter(value__isnull=False)
        .values_list("question_id", "value")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(question_id, value): count for question_id, value, count in rows}


def tallied_answers():
    """{(question_id, value): count} as the tallies hold it (rows at 0 left out)."""
    rows = AnswerTally.objects.filter(count__gt=0).values_list("question_id", "value", "count")
    return {(question_id, value): count for question_id, value, count in rows}


def tally_differences():
    """{(question_id, value): (tallied, counted)} wherever the tallies are wrong."""
    tallied, counted = tallied_answers(), counted_answers()
    return {
        key: (tallied.get(key, 0), counted.get(key, 0))
        for key in tallied.keys() | counted.keys()
        if tallied.get(key, 0) != counted.get(key, 0)
    }


def rebuild_answer_tallies():
    """Recount every tally from the answers; returns the differences that were corrected."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Answers written meanwhile would be counted twice or not at all: they wait.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE surveys_answer IN SHARE MODE")
        differences = tally_differences()
        AnswerTally.objects.all().delete()
        AnswerTally.objects.bulk_create(
            AnswerTally(question_id=question_id, value=value, count=count)
            for (question_id, value), count in counted_answers().items()
        )
    return differences
