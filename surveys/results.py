"""The results of a survey, computed in a constant number of SQL queries.

Every figure of a group (the survey, a question, a direction) under the survey's minimum
group size *k* is withheld, and so are enough other figures that no withheld one can be
derived by subtraction: the templates show "not enough answers" instead. An anonymous
survey's answers are published once it is closed (docs/privacy.md): until then only the
participation shows.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, F

from .models import Answer, Question, Response
from .scoring import Recommendation, hide_small_groups, recommendation_counts


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    number: int
    question: Question
    answered: int
    enough: bool
    bars: list = field(default_factory=list)
    recommendation: Recommendation | None = None
    mean: float | None = None
    texts: list = field(default_factory=list)


@dataclass
class DirectionResult:
    name: str
    responses: int
    hidden: bool
    recommendations: dict = field(default_factory=dict)


@dataclass
class SurveyResults:
    survey: object
    invited: int
    responses: int
    enough: bool
    questions: list
    directions: list
    recommendation_questions: list
    # False while an anonymous survey is open: only the participation is shown.
    published: bool = True


def bars(counts, labels, total):
    return [
        Bar(str(label), counts.get(label, 0), 100 * counts.get(label, 0) / total)
        for label in labels
    ]


def survey_results(survey):
    """The results; a closed survey's, which no answer can change any more, from the cache.

    The survey and its questions are always read afresh: an editor may still retitle them.
    """
    questions = list(survey.questions.all())
    if survey.closed_at is None:
        return compute_results(survey, questions)
    key = f"survey-results:{survey.pk}:{survey.closed_at.timestamp()}:{survey.min_group_size}"
    results = cache.get(key)
    if results is None or [r.question.pk for r in results.questions] != [q.pk for q in questions]:
        results = compute_results(survey, questions)
        cache.set(key, results, timeout=None)
        return results
    for result, question in zip(results.questions, questions, strict=True):
        result.question = question
    results.survey = survey
    results.recommendation_questions = [
        q for q in questions if q.kind == Question.Kind.RECOMMENDATION
    ]
    return results


def compute_results(survey, questions):
    k = survey.min_group_size
    responses = Response.objects.filter(survey=survey).count()
    invited = survey.invited_count()
    recommendation_questions = [q for q in questions if q.kind == Question.Kind.RECOMMENDATION]
    if not survey.results_published:
        # Two readings while answers still arrive would differ by the newest answers alone.
        return SurveyResults(
            survey=survey,
            invited=invited,
            responses=responses,
            enough=False,
            questions=[QuestionResult(n, q, 0, False) for n, q in enumerate(questions, 1)],
            directions=[],
            recommendation_questions=recommendation_questions,
            published=False,
        )
    # Through the survey's questions, not its responses: the (question, value) index serves
    # every query below instead of a join over the whole answers table.
    answers = Answer.objects.filter(question__in=[question.pk for question in questions])

    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    values = defaultdict(dict)
    for question_id, value, n in (
        answers.filter(value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .values_list("question_id", "value", "n")
    ):
        values[question_id][value] = n
    choices = defaultdict(dict)
    for question_id, choice, n in (
        answers.exclude(choice="")
        .values("question_id", "choice")
        .annotate(n=Count("pk"))
        .values_list("question_id", "choice", "n")
    ):
        choices[question_id][choice] = n
    means = dict(
        answers.filter(question__kind=Question.Kind.SCALE)
        .values("question_id")
        .annotate(mean=Avg("value"))
        .values_list("question_id", "mean")
    )
    recommendations = {
        row.pop("question_id"): Recommendation(min_group_size=k, **row)
        for row in answers.filter(question__kind=Question.Kind.RECOMMENDATION, value__isnull=False)
        .values("question_id")
        .annotate(**recommendation_counts())
    }
    texts = defaultdict(list)
    if responses >= k:
        # In the texts' own order, never the answers' order of arrival.
        for question_id, text in answers.exclude(text="").values_list("question_id", "text"):
            texts[question_id].append(text)
        for question_texts in texts.values():
            question_texts.sort(key=content_order)

    results = []
    for number, question in enumerate(questions, start=1):
        count = answered.get(question.pk, 0)
        result = QuestionResult(number, question, answered=count, enough=count >= k and count > 0)
        if result.enough:
            if question.kind in Question.NUMERIC_KINDS:
                low, high = Question.RANGES[question.kind]
                result.bars = bars(values[question.pk], range(low, high + 1), count)
            elif question.kind in Question.CHOICE_KINDS:
                result.bars = bars(choices[question.pk], question.choice_list, count)
            result.recommendation = recommendations.get(question.pk)
            result.mean = means.get(question.pk)
            result.texts = texts.get(question.pk, [])
        results.append(result)

    return SurveyResults(
        survey=survey,
        invited=invited,
        responses=responses,
        enough=responses >= k and responses > 0,
        questions=results,
        directions=direction_breakdown(survey, answers, recommendation_questions)
        if responses >= k
        else [],
        recommendation_questions=recommendation_questions,
    )


def content_order(text):
    """A sort key that depends on the text alone (case and accents aside)."""
    return (text.casefold(), text)


def direction_breakdown(survey, answers, recommendation_questions):
    """Responses and recommendation scores per direction, small groups withheld.

    Each column is suppressed on its own: the answers column by the directions' response
    counts, each question's column by its answer counts, starting from the directions the
    answers column hides, so that neither a withheld cell nor a sum of withheld cells under
    k can be read as the question's total minus the cells shown.
    """
    k = survey.min_group_size
    counts = {
        row["name"] or "": row["n"]
        for row in Response.objects.filter(survey=survey)
        .values(name=F("department__name"))
        .annotate(n=Count("pk"))
    }
    hidden = hide_small_groups(counts, k)
    per_direction = defaultdict(dict)
    if recommendation_questions:
        for row in (
            answers.filter(question__kind=Question.Kind.RECOMMENDATION, value__isnull=False)
            .values("question_id", name=F("response__department__name"))
            .annotate(**recommendation_counts())
        ):
            name, question_id = row.pop("name") or "", row.pop("question_id")
            per_direction[name][question_id] = Recommendation(min_group_size=k, **row)
    for question in recommendation_questions:
        answered = {
            name: per_direction[name][question.pk].answers
            if question.pk in per_direction[name]
            else 0
            for name in counts
        }
        for name in hide_small_groups(answered, k, hidden=hidden):
            per_direction[name].pop(question.pk, None)
    return [
        DirectionResult(
            name=name,
            responses=count,
            hidden=name in hidden,
            recommendations={} if name in hidden else per_direction.get(name, {}),
        )
        for name, count in sorted(counts.items())
    ]
