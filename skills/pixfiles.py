"""Reading the CSV exports of PIX Orga campaigns (profiles collection and assessment).

The layout is detected from the header; every problem of the file is collected with its
line and column, and the file is refused as a whole if there is any.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from intranet.core.files import ImportRefused, UnreadableFile, decode, normalise_header, read_rows

from .framework import AREAS, COMPETENCES, MAX_LEVEL, MAX_PIX_PER_COMPETENCE
from .models import PixCampaign

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOT_AVAILABLE = "NA"
YES, NO = "oui", "non"
FORMULA_GUARDED = ("'-", "'@", "'=", "'+")
DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d")
MAX_LISTED_PROBLEMS = 50
CHECK_PROGRESS_EVERY = 5_000  # lines; about half a second of checking
RATE_PRECISION = Decimal("0.001")  # what the database keeps

FIXED_COLUMNS = ["nom de l'organisation", "id campagne", "code", "nom de la campagne"]
FIXED_LABELS = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne"]
IDENTITY_COLUMNS = ["nom du participant", "prenom du participant"]
TARGET_PROFILE_COLUMNS = {"parcours", "nom du profil cible"}
OPTIONAL_IDENTITY_COLUMNS = {"groupe", "classe", "numero etudiant"}
EMAIL_COLUMNS = {
    "e-mail",
    "email",
    "mail",
    "courriel",
    "adresse e-mail",
    "adresse email",
    "adresse mail",
    "adresse electronique",
}

SENT = "envoi (o/n)"
SENT_AT = {"date et heure de l'envoi (europe/paris)": PARIS, "date de l'envoi": datetime.UTC}
PIX_TOTAL = "nombre de pix total"
CERTIFIABLE = "certifiable (o/n)"
CERTIFIABLE_COUNT = "nombre de competences certifiables"
PROFILE_COMPETENCE_COLUMNS = {
    "level": "niveau pour la competence ",
    "pix": "nombre de pix pour la competence ",
}

PROGRESSION = "% de progression"
STARTED_AT = {"date et heure de debut (europe/paris)": PARIS, "date de debut": datetime.UTC}
SHARED = "partage (o/n)"
SHARED_AT = {"date et heure du partage (europe/paris)": PARIS, "date du partage": datetime.UTC}
STAGE = re.compile(r"^palier obtenu \(/\d+\)$")
BADGE_SUFFIX = " obtenu (o/n)"
OVERALL_MASTERY = "% maitrise de l'ensemble des acquis du profil"
ASSESSMENT_COMPETENCE_COLUMNS = {
    "mastery_rate": "% de maitrise des acquis de la competence ",
    "targeted_skills": "nombre d'acquis du profil cible dans la competence ",
    "mastered_skills": "acquis maitrises dans la competence ",
}
ASSESSMENT_AREA_COLUMNS = {
    "mastery_rate": "% de maitrise des acquis du domaine ",
    "targeted_skills": "nombre d'acquis du profil cible du domaine ",
    "mastered_skills": "acquis maitrises du domaine ",
}

# Headers of exports made by someone whose PIX Orga speaks English.
ENGLISH_HEADERS = {
    "organisation's name",
    "organization's name",
    "organization name",
    "campaign id",
    "campaign's name",
    "campaign name",
    "participant's last name",
    "participant's first name",
    "sent (y/n)",
    "shared (y/n)",
    "total pix score",
    "% of progression",
}
ENGLISH_PREFIXES = (
    "sent on",
    "shared on",
    "started on",
    "level reached in the competence",
    "pix score for the competence",
    "% of items successfully completed",
)

COMPETENCE_CODES = {normalise_header(name): code for code, name in COMPETENCES}
COMPETENCE_NAMES = dict(COMPETENCES)
AREA_NAMES = {normalise_header(name) for _code, name, _competences in AREAS}


@dataclass(frozen=True)
class CompetenceValues:
    level: int | None = None
    pix: int | None = None
    mastery_rate: Decimal | None = None
    targeted_skills: int | None = None
    mastered_skills: int | None = None


@dataclass
class ParticipantRow:
    line: int
    last_name: str
    first_name: str
    external_id: str
    email: str
    is_shared: bool
    shared_at: datetime.datetime | None = None
    started_at: datetime.datetime | None = None
    progression: Decimal | None = None
    pix_total: int | None = None
    certifiable: bool | None = None
    certifiable_competences: int | None = None
    mastery_rate: Decimal | None = None
    results: dict = field(default_factory=dict)

    def recency(self):
        """Sort key: the latest send wins, then the latest start, then the furthest progress."""
        oldest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        return (
            self.is_shared,
            self.shared_at or oldest,
            self.started_at or oldest,
            self.progression or Decimal(-1),
            self.pix_total or -1,
            # Last resort, so that row order never decides.
            repr(sorted(self.results.items())),
        )


@dataclass
class PixExport:
    kind: str
    pix_id: str
    code: str
    name: str
    organisation: str
    target_profile: str
    rows: list


@dataclass
class Layout:
    """Where each value sits in the rows of one export."""

    kind: str
    headers: list
    last_name: int = len(FIXED_COLUMNS)
    external_id: int | None = None
    email: int | None = None
    target_profile: int | None = None
    shared: int = 0
    shared_at: int = 0
    shared_at_zone: datetime.tzinfo = PARIS
    started_at: int | None = None
    started_at_zone: datetime.tzinfo = PARIS
    progression: int | None = None
    pix_total: int | None = None
    certifiable: int | None = None
    certifiable_competences: int | None = None
    mastery_rate: int | None = None
    competences: dict = field(default_factory=dict)

    @property
    def width(self):
        return len(self.headers)


def column_letter(index):
    """Spreadsheet name of a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def unguard(value):
    """Remove the quote PIX puts before a value a spreadsheet would take for a formula."""
    return value[1:] if value.startswith(FORMULA_GUARDED) else value


class Problems:
    """Every problem of a file, the first ones listed in full."""

    def __init__(self):
        self.listed, self.count = [], 0

    def add(self, message):
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(message)

    def at(self, line, headers, index, message):
        self.add(
            _("Line %(line)s, column %(column)s (“%(header)s”): %(problem)s")
            % {
                "line": line,
                "column": column_letter(index),
                "header": headers[index],
                "problem": message,
            }
        )

    def raise_if_any(self):
        if self.count:
            problems = list(self.listed)
            if self.count > len(self.listed):
                problems.append(
                    _("… and %(count)s other problems.") % {"count": self.count - len(self.listed)}
                )
            raise ImportRefused(problems)


def read_export(data: bytes, checked=None) -> PixExport:
    """Decode, recognise and validate a PIX export; raise ImportRefused if anything is wrong.

    ``checked(lines_done, lines_total)``, if given, is told every few thousand lines.
    """
    try:
        lines = list(read_rows(decode(data)))
    except UnreadableFile as error:
        raise ImportRefused([str(error)]) from error
    if not lines:
        raise ImportRefused([_("The file is empty.")])
    _line, header = lines[0]
    layout = read_header([unguard(cell.strip()) for cell in header])
    if len(lines) == 1:
        raise ImportRefused([_("The file has a header but no participant.")])
    return read_participants(layout, lines[1:], checked)


def read_header(headers):
    normalised = [normalise_header(header) for header in headers]
    if normalised[: len(FIXED_COLUMNS)] != FIXED_COLUMNS:
        if is_english(normalised):
            raise ImportRefused(
                [
                    _(
                        "This is an English PIX Orga export: only French exports are "
                        "supported. Switch PIX Orga to French, export the results again "
                        "and import the new file."
                    )
                ]
            )
        index = next(
            index
            for index, expected in enumerate(FIXED_COLUMNS)
            if index >= len(normalised) or normalised[index] != expected
        )
        raise ImportRefused(
            [
                _(
                    "Line 1, column %(column)s: this is not a PIX Orga campaign export "
                    "(expected the column “%(expected)s”, found “%(found)s”)."
                )
                % {
                    "column": column_letter(index),
                    "expected": FIXED_LABELS[index],
                    "found": headers[index] if index < len(headers) else "",
                }
            ]
        )
    problems = Problems()
    if SENT in normalised:
        layout = read_profiles_header(headers, normalised, problems)
    elif SHARED in normalised and PROGRESSION in normalised:
        layout = read_assessment_header(headers, normalised, problems)
    else:
        raise ImportRefused(
            [
                _(
                    "Line 1: neither the column “%(sent)s” of a profiles collection nor "
                    "the columns “%(progression)s” and “%(shared)s” of an assessment "
                    "were found: this is not a PIX Orga campaign export."
                )
                % {
                    "sent": "Envoi (O/N)",
                    "progression": "% de progression",
                    "shared": "Partage (O/N)",
                }
            ]
        )
    problems.raise_if_any()
    return layout


def is_english(normalised):
    return any(
        header in ENGLISH_HEADERS or header.startswith(ENGLISH_PREFIXES) for header in normalised
    )


def expect(headers, normalised, index, expected, label, problems):
    """Check the column at ``index`` is one of ``expected``; ``label`` names it for people."""
    if index >= len(normalised):
        problems.add(_("Line 1: the column “%(column)s” is missing.") % {"column": label})
        return False
    if normalised[index] not in expected:
        problems.at(
            1,
            headers,
            index,
            _("expected the column “%(column)s” here.") % {"column": label},
        )
        return False
    return True


def read_identity_columns(layout, normalised, first, last):
    """Extra columns, then Groupe/Classe/Numéro Étudiant, then the external id: by position."""
    middle = range(first, last)
    layout.email = next((index for index in middle if normalised[index] in EMAIL_COLUMNS), None)
    if (
        middle
        and normalised[middle[-1]] not in OPTIONAL_IDENTITY_COLUMNS
        and middle[-1] != layout.email
    ):
        layout.external_id = middle[-1]


def read_profiles_header(headers, normalised, problems):
    layout = Layout(kind=PixCampaign.Kind.PROFILES_COLLECTION, headers=headers)
    expect(headers, normalised, 4, {IDENTITY_COLUMNS[0]}, "Nom du Participant", problems)
    expect(headers, normalised, 5, {IDENTITY_COLUMNS[1]}, "Prénom du Participant", problems)
    sent = normalised.index(SENT)
    read_identity_columns(layout, normalised, len(FIXED_COLUMNS) + 2, sent)
    layout.shared = sent
    if expect(
        headers,
        normalised,
        sent + 1,
        SENT_AT,
        "Date et heure de l'envoi (Europe/Paris)",
        problems,
    ):
        layout.shared_at = sent + 1
        layout.shared_at_zone = SENT_AT[normalised[sent + 1]]
    for offset, (name, expected, label) in enumerate(
        [
            ("pix_total", PIX_TOTAL, "Nombre de pix total"),
            ("certifiable", CERTIFIABLE, "Certifiable (O/N)"),
            ("certifiable_competences", CERTIFIABLE_COUNT, "Nombre de compétences certifiables"),
        ],
        start=2,
    ):
        if expect(headers, normalised, sent + offset, {expected}, label, problems):
            setattr(layout, name, sent + offset)
    read_competence_columns(
        layout, normalised, range(sent + 5, len(headers)), PROFILE_COMPETENCE_COLUMNS, problems
    )
    missing = [
        (code, name)
        for code, _name in COMPETENCES
        for name in PROFILE_COMPETENCE_COLUMNS
        if name not in layout.competences.get(code, {})
    ]
    labels = {"level": "Niveau pour la compétence", "pix": "Nombre de pix pour la compétence"}
    for code, name in missing:
        problems.add(
            _("Line 1: the column “%(column)s” is missing.")
            % {"column": f"{labels[name]} {COMPETENCE_NAMES[code]}"}
        )
    return layout


def read_assessment_header(headers, normalised, problems):
    layout = Layout(kind=PixCampaign.Kind.ASSESSMENT, headers=headers, last_name=5)
    if expect(headers, normalised, 4, TARGET_PROFILE_COLUMNS, "Parcours", problems):
        layout.target_profile = 4
    expect(headers, normalised, 5, {IDENTITY_COLUMNS[0]}, "Nom du Participant", problems)
    expect(headers, normalised, 6, {IDENTITY_COLUMNS[1]}, "Prénom du Participant", problems)
    progression = normalised.index(PROGRESSION)
    read_identity_columns(layout, normalised, len(FIXED_COLUMNS) + 3, progression)
    layout.progression = progression
    if expect(
        headers,
        normalised,
        progression + 1,
        STARTED_AT,
        "Date et heure de début (Europe/Paris)",
        problems,
    ):
        layout.started_at = progression + 1
        layout.started_at_zone = STARTED_AT[normalised[progression + 1]]
    if expect(headers, normalised, progression + 2, {SHARED}, "Partage (O/N)", problems):
        layout.shared = progression + 2
    if expect(
        headers,
        normalised,
        progression + 3,
        SHARED_AT,
        "Date et heure du partage (Europe/Paris)",
        problems,
    ):
        layout.shared_at = progression + 3
        layout.shared_at_zone = SHARED_AT[normalised[progression + 3]]
    index = progression + 4
    # Optional stage and badge columns come before the overall mastery.
    while index < len(normalised) and normalised[index] != OVERALL_MASTERY:
        if not (STAGE.match(normalised[index]) or normalised[index].endswith(BADGE_SUFFIX)):
            problems.at(1, headers, index, _("this column is not expected here."))
        index += 1
    if index == len(normalised):
        problems.add(
            _("Line 1: the column “%(column)s” is missing.")
            % {"column": "% maitrise de l'ensemble des acquis du profil"}
        )
        return layout
    layout.mastery_rate = index
    remaining = range(index + 1, len(normalised))
    read_competence_columns(
        layout, normalised, remaining, ASSESSMENT_COMPETENCE_COLUMNS, problems, lenient=True
    )
    if not layout.competences:
        problems.add(_("Line 1: the file has no competence column."))
    for code, columns in layout.competences.items():
        for name, prefix in ASSESSMENT_COMPETENCE_COLUMNS.items():
            if name not in columns:
                problems.add(
                    _("Line 1: the column “%(column)s” is missing.")
                    % {"column": f"{prefix.strip()} {COMPETENCE_NAMES[code]}"}
                )
    for index in remaining:
        for prefix in ASSESSMENT_AREA_COLUMNS.values():
            if normalised[index].startswith(prefix):
                area = normalised[index].removeprefix(prefix)
                if area not in AREA_NAMES:
                    problems.at(1, headers, index, _("this PIX area is unknown."))
    return layout


def read_competence_columns(layout, normalised, indexes, prefixes, problems, lenient=False):
    """Map competence columns by name (headers carry names, never codes).

    ``lenient``: columns that are not competence columns are allowed (assessment exports end
    with area and skill columns).
    """
    for index in indexes:
        header = normalised[index]
        name = next((name for name, prefix in prefixes.items() if header.startswith(prefix)), None)
        if name is None:
            if not lenient:
                problems.at(1, layout.headers, index, _("this column is not expected here."))
            continue
        code = COMPETENCE_CODES.get(header.removeprefix(prefixes[name]))
        if code is None:
            problems.at(1, layout.headers, index, _("this PIX competence is unknown."))
        elif name in layout.competences.setdefault(code, {}):
            problems.at(1, layout.headers, index, _("this column appears twice."))
        else:
            layout.competences[code][name] = index


class RowReader:
    """Converts the cells of one line, reporting each bad value with its line and column."""

    def __init__(self, layout, line, cells, problems):
        self.layout, self.line, self.problems = layout, line, problems
        self.cells = [unguard(cell.strip()) for cell in cells]

    def problem(self, index, message):
        self.problems.at(self.line, self.layout.headers, index, message)

    def text(self, index):
        if index is None:
            return ""
        value = self.cells[index]
        return "" if value == NOT_AVAILABLE else value

    def present(self, index, required):
        value = self.cells[index]
        if value in ("", NOT_AVAILABLE):
            if required:
                self.problem(
                    index, _("a value is required (found “%(value)s”).") % {"value": value}
                )
            return None
        return value

    def yes_no(self, index, required=True):
        value = self.present(index, required)
        if value is None:
            return None
        if value.lower() not in (YES, NO):
            self.problem(
                index, _("expected “Oui” or “Non”, found “%(value)s”.") % {"value": value}
            )
            return None
        return value.lower() == YES

    def integer(self, index, maximum, required=True):
        value = self.present(index, required)
        if value is None:
            return None
        # ASCII digits only: "¹" or "٣" are digits to str.isdigit(), not to int().
        if not (value.isascii() and value.isdigit()):
            self.problem(index, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        number = int(value)
        if number > maximum:
            self.problem(
                index,
                _("%(value)s is out of range (0 to %(maximum)s).")
                % {"value": number, "maximum": maximum},
            )
            return None
        return number

    def rate(self, index, required=True):
        value = self.present(index, required)
        if value is None:
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(index, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not 0 <= number <= 1:
            self.problem(index, _("%(value)s is out of range (0 to 1).") % {"value": value})
            return None
        return number.quantize(RATE_PRECISION)

    def date(self, index, zone, required=True):
        value = self.present(index, required)
        if value is None:
            return None
        for date_format in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(value, date_format)
            except ValueError:
                continue
            return moment.replace(tzinfo=zone)
        self.problem(
            index,
            _("“%(value)s” is not a date (expected DD/MM/YYYY HH:MM or YYYY-MM-DD).")
            % {"value": value},
        )
        return None


def read_participants(layout, lines, checked=None):
    problems = Problems()
    rows, campaign = [], None
    campaign_columns = [0, 1, 2, 3]
    if layout.target_profile is not None:
        campaign_columns.append(layout.target_profile)
    last_line = lines[-1][0]
    for count, (line, cells) in enumerate(lines, start=1):
        if checked and count % CHECK_PROGRESS_EVERY == 0:
            checked(count, len(lines))
        if len(cells) != layout.width:
            message = _("Line %(line)s: %(found)s columns instead of %(expected)s.") % {
                "line": line,
                "found": len(cells),
                "expected": layout.width,
            }
            if line == last_line and len(cells) < layout.width:
                message += " " + _("The file seems truncated: export it again from PIX Orga.")
            problems.add(message)
            continue
        reader = RowReader(layout, line, cells, problems)
        values = [reader.cells[index] for index in campaign_columns]
        if campaign is None:
            campaign = (line, values)
            if not (values[1].isascii() and values[1].isdigit()):
                reader.problem(1, _("“%(value)s” is not a campaign ID.") % {"value": values[1]})
        else:
            for index, value, first in zip(campaign_columns, values, campaign[1], strict=True):
                if value != first:
                    reader.problem(
                        index,
                        _(
                            "“%(value)s” differs from line %(first_line)s (“%(first)s”): "
                            "a file holds a single campaign."
                        )
                        % {"value": value, "first_line": campaign[0], "first": first},
                    )
        rows.append(read_row(reader))
    if checked:
        checked(len(lines), len(lines))
    problems.raise_if_any()
    organisation, pix_id, code, name, *target = campaign[1]
    return PixExport(
        kind=layout.kind,
        pix_id=pix_id,
        code=code,
        name=name,
        organisation=organisation,
        target_profile=target[0] if target else "",
        rows=rows,
    )


def read_row(reader):
    layout = reader.layout
    for index in (layout.last_name, layout.last_name + 1):
        if not reader.text(index):
            reader.problem(index, _("the participant's name is empty."))
    row = ParticipantRow(
        line=reader.line,
        last_name=reader.text(layout.last_name),
        first_name=reader.text(layout.last_name + 1),
        external_id=reader.text(layout.external_id),
        email=reader.text(layout.email).lower(),
        is_shared=bool(reader.yes_no(layout.shared)),
    )
    if layout.kind == PixCampaign.Kind.ASSESSMENT:
        read_assessment_values(reader, row)
    elif row.is_shared:
        read_profile_values(reader, row)
    return row


def read_profile_values(reader, row):
    layout = reader.layout
    row.shared_at = reader.date(layout.shared_at, layout.shared_at_zone)
    row.pix_total = reader.integer(layout.pix_total, MAX_PIX_PER_COMPETENCE * len(COMPETENCES))
    row.certifiable = reader.yes_no(layout.certifiable)
    row.certifiable_competences = reader.integer(layout.certifiable_competences, len(COMPETENCES))
    for code, columns in layout.competences.items():
        row.results[code] = CompetenceValues(
            level=reader.integer(columns["level"], MAX_LEVEL),
            pix=reader.integer(columns["pix"], MAX_PIX_PER_COMPETENCE),
        )


def read_assessment_values(reader, row):
    layout = reader.layout
    row.progression = reader.rate(layout.progression, required=False)
    row.started_at = reader.date(layout.started_at, layout.started_at_zone, required=False)
    if not row.is_shared:
        return
    row.shared_at = reader.date(layout.shared_at, layout.shared_at_zone)
    row.mastery_rate = reader.rate(layout.mastery_rate)
    for code, columns in layout.competences.items():
        targeted = reader.integer(columns["targeted_skills"], 10_000)
        mastered = reader.integer(columns["mastered_skills"], targeted or 10_000)
        row.results[code] = CompetenceValues(
            mastery_rate=reader.rate(columns["mastery_rate"]),
            targeted_skills=targeted,
            mastered_skills=mastered,
        )
