"""The dashboard's figures as CSV or XLSX, safe to open in a spreadsheet.

The same figures as the page, hidden groups included: they read "not enough agents" or
"not enough answers", never a number.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.scores import spreadsheet_score
from intranet.core.spreadsheets import Sheet


def dashboard_sheets(dashboard):
    """One sheet per indicator, after a summary of the filters and the key figures."""
    sheets = [
        summary_sheet(dashboard),
        Sheet(_("PIX users"), rate_rows(dashboard.pix_users, _("PIX users"))),
        Sheet(
            _("Training participants"),
            rate_rows(dashboard.training.participants, _("Training participants")),
        ),
        Sheet(_("Evolution of levels"), evolution_rows(dashboard.evolution)),
        Sheet(_("Recommendation of practices"), recommendation_rows(dashboard.recommendations)),
        Sheet(_("Recommendation over time"), trend_rows(dashboard)),
    ]
    if dashboard.charter:
        sheets.append(
            Sheet(
                _("Adhesion to the charter"),
                [[_("Charter version"), dashboard.charter.charter.version]]
                + rate_rows(dashboard.charter.table, _("Signed")),
            )
        )
    if dashboard.onboarding:
        sheets.append(
            Sheet(
                _("Onboarding of newcomers"),
                rate_rows(dashboard.onboarding, _("Onboarding completed"), _("Newcomers")),
            )
        )
    return sheets


def summary_sheet(dashboard):
    training = dashboard.training
    return Sheet(
        _("Summary"),
        [
            [_("Department"), str(dashboard.department or _("The whole city"))],
            [_("From"), dashboard.period.first_day],
            [_("To"), dashboard.period.last_day],
            [_("Minimum group size"), dashboard.minimum],
            [_("PIX users"), done_or_hidden(dashboard.pix_users.total)],
            [_("Training participants"), done_or_hidden(training.participants.total)],
            [
                _("Attendances at training sessions"),
                _("not enough agents") if training.attendances is None else training.attendances,
            ],
        ],
    )


def done_or_hidden(row):
    return _("not enough agents") if row.hidden else row.figures.done


def rate_rows(table, done_label, total_label=None):
    rows = [[_("Department"), total_label or _("Agents"), done_label, _("Rate (%)")]]
    for row in (*table.rows, table.total):
        name = str(row.department) if row.department else _("Total")
        if row.hidden:
            rows.append([name, *[_("not enough agents")] * 3])
        else:
            rate = row.figures.rate
            rows.append([name, row.figures.total, row.figures.done, "" if rate is None else rate])
    return rows


def evolution_rows(evolution):
    if evolution.figures is None:
        return [
            [
                _(
                    "Levels can be compared once two profiles collection campaigns have been "
                    "imported."
                )
            ]
        ]
    rows = [
        [_("Earlier campaign"), evolution.before.name],
        [_("Later campaign"), evolution.after.name],
    ]
    figures = evolution.figures
    if figures.hidden:
        return rows + [[_("Agents compared"), _("not enough agents")]]
    rows += [
        [_("Agents compared"), figures.agents],
        [_("Certifiable agents, before"), figures.certifiable_before],
        [_("Certifiable agents, after"), figures.certifiable_after],
        [
            _("Competence"),
            _("Mean level, before"),
            _("Mean level, after"),
            _("Agents who progressed (%)"),
        ],
    ]
    rows += [
        [
            f"{competence.code} {competence.name}",
            round(competence.before, 1),
            round(competence.after, 1),
            competence.progressed_percent,
        ]
        for competence in figures.competences
    ]
    return rows


def interval_cells(recommendation):
    """The published 95 % interval: low, high (signed as scores) and whether uncertain."""
    interval = recommendation.visible_interval
    return [
        spreadsheet_score(interval.low),
        spreadsheet_score(interval.high),
        _("uncertain") if interval.uncertain else _("precise enough"),
    ]


def interval_headers():
    return [_("Interval, low"), _("Interval, high"), _("Precision")]


def recommendation_rows(recommendations):
    rows = [
        [
            _("Experiment"),
            _("Practice tested"),
            _("Answers (at least)"),
            _("Recommendation score"),
            *interval_headers(),
        ]
    ]
    for item in recommendations:
        for practice in item.practices:
            recommendation = practice.recommendation
            if recommendation.enough_answers:
                figures = [
                    recommendation.published_answers,
                    spreadsheet_score(recommendation.visible_score),
                    *interval_cells(recommendation),
                ]
            else:
                figures = [_("not enough answers")] * 5
            rows.append([item.experiment.title, practice.practice.title, *figures])
    return rows


def trend_rows(dashboard):
    rows = [
        [
            _("Practice"),
            _("Survey"),
            _("Survey closed on"),
            _("Answers (at least)"),
            _("Recommendation score"),
            *interval_headers(),
        ]
    ]
    trends = [(item.practice.title, item.trend) for item in dashboard.trends]
    if len(trends) > 1:
        trends.insert(0, (_("All practices together"), dashboard.overall_trend))
    for title, trend in trends:
        for point in trend.points:
            rows.append(
                [
                    title,
                    point.survey_title,
                    timezone.localdate(point.closed_at),
                    point.answers,
                    spreadsheet_score(point.score),
                    *interval_cells(point.recommendation),
                ]
            )
    return rows
