"""Import of the HR directory (agents and departments) from a CSV export.

All or nothing: every problem of the file is collected first, with its line number, and
nothing is written unless the whole file is valid.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from intranet.core.content import raise_content_version
from intranet.core.files import ImportRefused, UnreadableFile, decode, normalise_header, read_rows

from .models import Agent, Department
from .signals import agents_departed

COLUMNS = {
    "external_id": ("matricule",),
    "last_name": ("nom",),
    "first_name": ("prenom",),
    "email": ("e-mail", "email", "courriel", "adresse e-mail"),
    "direction": ("direction",),
    "service": ("service",),
    "job_title": ("fonction",),
    "arrival_date": ("date d'arrivee",),
    "manager_email": (
        "e-mail du responsable",
        "email du responsable",
        "courriel du responsable",
        "responsable",
    ),
}
COLUMN_LABELS = {
    "external_id": "matricule",
    "last_name": "nom",
    "first_name": "prénom",
    "email": "e-mail",
    "direction": "direction",
    "service": "service",
    "job_title": "fonction",
    "arrival_date": "date d'arrivée",
    "manager_email": "e-mail du responsable",
}
# The header as the HR export writes it (what the demo and the benchmark produce).
DIRECTORY_HEADER = [
    "Matricule",
    "Nom",
    "Prénom",
    "E-mail",
    "Direction",
    "Service",
    "Fonction",
    "Date d'arrivée",
    "E-mail du responsable",
]
# The e-mail is optional: field agents without one sign in with their matricule.
REQUIRED_VALUES = ("external_id", "last_name", "first_name", "direction")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
AGENT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "arrival_date",
    "department_id",
    "is_active",
)


def directory_csv(rows, encoding="utf-8"):
    """An HR directory file: DIRECTORY_HEADER, then ``rows``, separated by semicolons."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(DIRECTORY_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@dataclass
class AgentRow:
    line: int
    external_id: str
    last_name: str
    first_name: str
    email: str
    direction: str
    service: str
    job_title: str
    arrival_date: datetime.date | None
    manager_email: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departments_created: int = 0
    absent: list = field(default_factory=list)
    deactivated: int = 0
    matricules: list = field(default_factory=list)


def parse_date(value):
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError(value)


def map_columns(header_cells):
    """Map each expected column to its index; report missing and repeated columns."""
    positions, problems = {}, []
    normalised = [normalise_header(cell) for cell in header_cells]
    for key, aliases in COLUMNS.items():
        found = [index for index, name in enumerate(normalised) if name in aliases]
        if not found:
            problems.append(
                _("Line 1: the column “%(column)s” is missing.") % {"column": COLUMN_LABELS[key]}
            )
        elif len(found) > 1:
            problems.append(
                _("Line 1: the column “%(column)s” appears more than once.")
                % {"column": COLUMN_LABELS[key]}
            )
        else:
            positions[key] = found[0]
    return positions, problems


def parse_rows(data: bytes):
    """Decode and validate the file; return the rows or raise ImportRefused."""
    try:
        lines = list(read_rows(decode(data)))
    except UnreadableFile as error:
        raise ImportRefused([str(error)]) from error
    if not lines:
        raise ImportRefused([_("The file is empty.")])
    _header_line, header = lines[0]
    positions, problems = map_columns(header)
    if problems:
        raise ImportRefused(problems)
    if len(lines) == 1:
        raise ImportRefused([_("The file has a header but no agent.")])

    rows = []
    for line, cells in lines[1:]:
        if len(cells) != len(header):
            problems.append(
                _("Line %(line)s: %(found)s columns instead of %(expected)s.")
                % {"line": line, "found": len(cells), "expected": len(header)}
            )
            continue
        values = {key: cells[index].strip() for key, index in positions.items()}
        row_problems = []
        for key in REQUIRED_VALUES:
            if not values[key]:
                row_problems.append(
                    _("Line %(line)s: the “%(column)s” value is empty.")
                    % {"line": line, "column": COLUMN_LABELS[key]}
                )
        values["email"] = values["email"].lower()
        values["manager_email"] = values["manager_email"].lower()
        # The manager is named by e-mail, or by matricule when they have no e-mail.
        for key in ("email", "manager_email"):
            if values[key] and (key == "email" or "@" in values[key]):
                try:
                    validate_email(values[key])
                except ValidationError:
                    row_problems.append(
                        _("Line %(line)s: “%(value)s” is not a valid e-mail address.")
                        % {"line": line, "value": values[key]}
                    )
        arrival = None
        if values["arrival_date"]:
            try:
                arrival = parse_date(values["arrival_date"])
            except ValueError:
                row_problems.append(
                    _("Line %(line)s: “%(value)s” is not a valid date (expected DD/MM/YYYY).")
                    % {"line": line, "value": values["arrival_date"]}
                )
        if values["manager_email"] in {values["email"], values["external_id"].lower()} - {""}:
            row_problems.append(
                _("Line %(line)s: an agent cannot be their own manager.") % {"line": line}
            )
        problems.extend(row_problems)
        if not row_problems:
            rows.append(AgentRow(line=line, **{**values, "arrival_date": arrival}))

    problems.extend(check_uniqueness(rows))
    problems.extend(check_against_database(rows))
    if problems:
        raise ImportRefused(problems)
    return rows


def check_uniqueness(rows):
    problems = []
    for key, label in (("external_id", "matricule"), ("email", "e-mail")):
        first_seen = {}
        for row in rows:
            value = getattr(row, key)
            if not value:
                continue
            if value in first_seen:
                problems.append(
                    _(
                        "Line %(line)s: the %(column)s “%(value)s” is already used "
                        "on line %(first)s."
                    )
                    % {
                        "line": row.line,
                        "column": label,
                        "value": value,
                        "first": first_seen[value],
                    }
                )
            else:
                first_seen[value] = row.line
    return problems


def agents_by_email(emails):
    """Agents whose e-mail, in any case, is one of ``emails`` (given in lower case)."""
    return Agent.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)


def check_against_database(rows):
    """Managers must exist; an e-mail must not belong to another agent."""
    problems = []
    file_emails = {row.email for row in rows if row.email}
    file_matricules = {row.external_id.lower() for row in rows}
    wanted = file_emails | {row.manager_email for row in rows if "@" in row.manager_email}
    known = {
        email: (pk, external_id)
        for email, pk, external_id in agents_by_email(wanted).values_list(
            "email_lower", "pk", "external_id"
        )
    }
    matricule_owners = dict(
        Agent.objects.filter(external_id__in=[row.external_id for row in rows]).values_list(
            "external_id", "pk"
        )
    )
    known_matricules = set(
        Agent.objects.annotate(matricule_lower=Lower("external_id"))
        .filter(matricule_lower__in=[row.manager_email for row in rows if row.manager_email])
        .values_list("matricule_lower", flat=True)
    )
    for row in rows:
        owner_pk, owner_matricule = (
            known.get(row.email, (None, None)) if row.email else (None, None)
        )
        if owner_matricule and owner_matricule != row.external_id:
            problems.append(
                _(
                    "Line %(line)s: the e-mail “%(email)s” belongs to the agent "
                    "with matricule %(other)s."
                )
                % {"line": row.line, "email": row.email, "other": owner_matricule}
            )
        elif owner_pk and matricule_owners.get(row.external_id, owner_pk) != owner_pk:
            problems.append(
                _(
                    "Line %(line)s: the e-mail “%(email)s” belongs to another agent, "
                    "who has no matricule."
                )
                % {"line": row.line, "email": row.email}
            )
        if row.manager_email and row.manager_email not in (
            file_emails | known.keys() | file_matricules | known_matricules
        ):
            problems.append(
                _(
                    "Line %(line)s: the manager “%(email)s” is neither in the file "
                    "nor a known agent."
                )
                % {"line": row.line, "email": row.manager_email}
            )
    return problems


def resolve_departments(rows, report):
    """Return {(direction, service): Department}, creating the missing ones."""
    existing = {
        (
            dept.parent.name if dept.parent_id else dept.name,
            dept.name if dept.parent_id else "",
        ): dept
        for dept in Department.objects.select_related("parent")
    }
    for row in rows:
        direction_key = (row.direction, "")
        if direction_key not in existing:
            existing[direction_key] = Department.objects.create(name=row.direction)
            report.departments_created += 1
        if row.service and (row.direction, row.service) not in existing:
            existing[(row.direction, row.service)] = Department.objects.create(
                name=row.service, parent=existing[direction_key]
            )
            report.departments_created += 1
    return existing


def import_agents(data: bytes, *, deactivate_missing=False) -> ImportReport:
    """Create or update the agents and departments of an HR directory file."""
    rows = parse_rows(data)
    report = ImportReport(rows=len(rows), matricules=[row.external_id for row in rows])
    try:
        with transaction.atomic():
            apply_rows(rows, report, deactivate_missing)
    except IntegrityError as error:
        raise ImportRefused(
            [_("The directory changed during the import; nothing was written. Try again.")]
        ) from error
    return report


def apply_rows(rows, report, deactivate_missing):
    departments = resolve_departments(rows, report)
    matricules = [row.external_id for row in rows]
    by_matricule = {
        agent.external_id: agent
        for agent in Agent.objects.filter(external_id__in=matricules).select_related("manager")
    }
    # Agents created by hand (no matricule yet) are adopted through their e-mail.
    matricule_of_email = {row.email: row.external_id for row in rows if row.email}
    for agent in (
        agents_by_email(matricule_of_email.keys())
        .filter(external_id__isnull=True)
        .select_related("manager")
    ):
        by_matricule.setdefault(matricule_of_email[agent.email_lower], agent)

    to_create, to_update = [], []
    for row in rows:
        values = {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "email": row.email or None,
            "job_title": row.job_title,
            "arrival_date": row.arrival_date,
            "department_id": departments[(row.direction, row.service or "")].pk,
            # An agent listed again in the directory works for the city again.
            "is_active": True,
        }
        agent = by_matricule.get(row.external_id)
        if agent is None:
            agent = Agent(external_id=row.external_id, **values)
            agent.set_unusable_password()
            to_create.append(agent)
            by_matricule[row.external_id] = agent
            continue
        if (
            "@" not in row.manager_email
            and agent.manager_id
            and (agent.manager.external_id or "").lower() == row.manager_email
        ):
            current_manager = row.manager_email
        else:
            current_manager = (agent.manager.email or "").lower() if agent.manager_id else ""
        if (
            agent.external_id != row.external_id
            or current_manager != row.manager_email
            or any(getattr(agent, name) != value for name, value in values.items())
        ):
            agent.external_id = row.external_id
            for name, value in values.items():
                setattr(agent, name, value)
            to_update.append(agent)

    Agent.objects.bulk_create(to_create)
    Agent.objects.bulk_update(to_update, ["external_id", *AGENT_FIELDS])
    if to_update:  # names shown in cached pages (no signal from a bulk update)
        raise_content_version()
    set_managers(rows, by_matricule, {agent.external_id for agent in to_create + to_update})
    report.created, report.updated = len(to_create), len(to_update)
    report.unchanged = len(rows) - report.created - report.updated

    absent = Agent.objects.filter(is_active=True, external_id__isnull=False).exclude(
        external_id__in=matricules
    )
    report.absent = list(absent.order_by("last_name", "first_name"))
    if deactivate_missing:
        report.deactivated = absent.update(is_active=False)
        agents_departed.send(Agent, agent_ids=[agent.pk for agent in report.absent])


def set_managers(rows, by_matricule, touched):
    """Second pass, once every agent of the file has a primary key."""
    references = {row.manager_email for row in rows if row.external_id in touched}
    managers = dict(
        agents_by_email({ref for ref in references if "@" in ref}).values_list("email_lower", "pk")
    )
    by_reference = Agent.objects.annotate(matricule_lower=Lower("external_id")).filter(
        matricule_lower__in={ref for ref in references if ref and "@" not in ref}
    )
    managers.update(by_reference.values_list("matricule_lower", "pk"))
    changed = []
    for row in rows:
        if row.external_id in touched:
            agent = by_matricule[row.external_id]
            agent.manager_id = managers.get(row.manager_email)
            changed.append(agent)
    Agent.objects.bulk_update(changed, ["manager"])
