"""Import of PIX Orga campaign exports: match the participants to agents, then write.

All or nothing: the whole file is validated first (:mod:`skills.pixfiles`) and written in
one transaction. Idempotent: a campaign's participations are compared with the file and
only the differences are written, so re-importing the same file writes nothing.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.files import ImportRefused, normalise_header

from .models import Competence, CompetenceResult, PixCampaign, PixParticipation
from .pixfiles import CompetenceValues, read_export

PARTICIPATION_FIELDS = [
    "agent_id",
    "matched_by",
    "identity_key",
    "last_name",
    "first_name",
    "external_id",
    "email",
    "is_shared",
    "shared_at",
    "started_at",
    "progression",
    "pix_total",
    "certifiable",
    "certifiable_competences",
    "mastery_rate",
]
CAMPAIGN_FIELDS = ["code", "name", "organisation", "target_profile", "file_rows"]
RESULT_FIELDS = ["level", "pix", "mastery_rate", "targeted_skills", "mastered_skills"]
WRITE_CHUNK = 2_000  # participants written between two progress reports


class Progress:
    """Told how far an import has gone; this one tells nobody (see skills.tasks.JobProgress)."""

    def checking(self, lines_done, lines_total):
        """The file is being checked, before anything is written."""

    def writing(self, participants_done, participants_total):
        """The participants are matched and written, inside the import's transaction."""


@dataclass
class Participant:
    """What the file says of one person, once several rows are reduced to the latest."""

    values: dict
    results: dict

    @property
    def key(self):
        return participation_key(self.values["agent_id"], self.values["identity_key"])


@dataclass
class ImportReport:
    campaign: PixCampaign
    rows: int
    participants: int = 0
    matched: int = 0
    unmatched: list = field(default_factory=list)
    shared: int = 0
    campaign_created: bool = False
    campaign_updated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    dry_run: bool = False

    @property
    def not_shared(self):
        return self.participants - self.shared

    @property
    def changed(self):
        return bool(
            self.campaign_created
            or self.campaign_updated
            or self.created
            or self.updated
            or self.removed
        )

    def summary(self):
        """The report in a few sentences, for the command and the admin."""
        lines = [
            _(
                "Campaign “%(name)s” (PIX ID %(pix_id)s, %(kind)s): rows: %(rows)s, "
                "participants: %(participants)s, matched to an agent: %(matched)s, "
                "unmatched: %(unmatched)s, shared: %(shared)s, not shared: %(not_shared)s."
            )
            % {
                "name": self.campaign.name,
                "pix_id": self.campaign.pix_id,
                "kind": self.campaign.get_kind_display().lower(),
                "rows": self.rows,
                "participants": self.participants,
                "matched": self.matched,
                "unmatched": len(self.unmatched),
                "shared": self.shared,
                "not_shared": self.not_shared,
            }
        ]
        if not self.changed:
            lines.append(_("Nothing changed: this file was already imported."))
        else:
            lines.append(
                _(
                    "Participations created: %(created)s, updated: %(updated)s, "
                    "unchanged: %(unchanged)s, removed: %(removed)s."
                )
                % {
                    "created": self.created,
                    "updated": self.updated,
                    "unchanged": self.unchanged,
                    "removed": self.removed,
                }
            )
        if self.dry_run:
            lines.append(_("Dry run: nothing was written."))
        return lines


def participation_key(agent_id, identity_key):
    """A person appears once per campaign: as an agent when matched, else as an identity."""
    return ("agent", agent_id) if agent_id else ("identity", identity_key)


def identity_of(row):
    return (
        row.external_id,
        normalise_header(row.last_name),
        normalise_header(row.first_name),
        row.email,
    )


def digest(identity):
    return hashlib.sha256("\x1f".join(identity).encode()).hexdigest()


def match_identities(identities):
    """Map each identity to (agent id, how): HR matricule, then e-mail, then a unique name."""
    Agent = get_user_model()
    by_external_id = dict(
        Agent.objects.filter(
            external_id__in={identity[0] for identity in identities if identity[0]}
        ).values_list("external_id", "pk")
    )
    by_email = dict(
        Agent.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in={identity[3] for identity in identities if identity[3]})
        .values_list("email_lower", "pk")
    )
    matches = {}
    for identity in identities:
        if identity[0] in by_external_id:
            matches[identity] = (
                by_external_id[identity[0]],
                PixParticipation.MatchedBy.EXTERNAL_ID,
            )
        elif identity[3] in by_email:
            matches[identity] = (by_email[identity[3]], PixParticipation.MatchedBy.EMAIL)
    unmatched = [identity for identity in identities if identity not in matches]
    if unmatched:
        # An agent already claimed by a matricule or an e-mail is not someone else's namesake.
        claimed = {agent_id for agent_id, _how in matches.values()}
        by_name = defaultdict(list)
        for pk, last_name, first_name in Agent.objects.values_list(
            "pk", "last_name", "first_name"
        ):
            by_name[(normalise_header(last_name), normalise_header(first_name))].append(pk)
        for identity in unmatched:
            candidates = by_name.get(identity[1:3], [])
            if len(candidates) == 1 and candidates[0] not in claimed:
                matches[identity] = (candidates[0], PixParticipation.MatchedBy.NAME)
    return matches


def participants_of(export):
    """One participant per person, keeping their latest send when PIX lists several."""
    identities = {identity_of(row) for row in export.rows}
    matches = match_identities(identities)
    latest = {}
    for row in export.rows:
        identity = identity_of(row)
        agent_id, matched_by = matches.get(identity, (None, ""))
        key = participation_key(agent_id, digest(identity))
        rank = (row.recency(), identity)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, row, agent_id, matched_by)
    participants = []
    for (_recency, identity), row, agent_id, matched_by in latest.values():
        values = {
            "agent_id": agent_id,
            "matched_by": matched_by,
            "identity_key": digest(identity),
            **{
                name: getattr(row, name)
                for name in PARTICIPATION_FIELDS
                if name not in ("agent_id", "matched_by", "identity_key")
            },
        }
        participants.append(Participant(values=values, results=row.results))
    return participants


def import_pix(data: bytes, *, imported_by=None, dry_run=False, progress=None) -> ImportReport:
    """Import one PIX Orga export; raise ImportRefused, with every problem, if refused.

    ``progress`` (a :class:`Progress`) is told how far the checking and the writing went.
    """
    progress = progress or Progress()
    export = read_export(data, checked=progress.checking)
    # The step changes before the transaction opens: visible at once on every database.
    progress.writing(0, 0)
    try:
        with transaction.atomic():
            report = write_campaign(export, imported_by, progress)
            report.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportRefused(
            [
                _(
                    "Another import of this campaign ran at the same time; nothing was "
                    "written. Try again."
                )
            ]
        ) from error
    return report


def lock_campaign(pix_id):
    """Make a concurrent import of the same campaign wait for this one to commit.

    select_for_update cannot lock a campaign that does not exist yet: without this lock, two
    first imports of one file both created it and the second failed on the unique PIX ID.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"skills.pixcampaign:{pix_id}"]
            )


def write_campaign(export, imported_by, progress):
    lock_campaign(export.pix_id)
    campaign = PixCampaign.objects.select_for_update().filter(
        pix_id=export.pix_id
    ).first() or PixCampaign(pix_id=export.pix_id, kind=export.kind)
    if campaign.kind != export.kind:
        raise ImportRefused(
            [
                _(
                    "The campaign %(pix_id)s was imported as a %(known)s; this file is an "
                    "export of a %(found)s. Nothing was written."
                )
                % {
                    "pix_id": export.pix_id,
                    "known": campaign.get_kind_display().lower(),
                    "found": PixCampaign.Kind(export.kind).label.lower(),
                }
            ]
        )
    participants = participants_of(export)
    report = ImportReport(campaign=campaign, rows=len(export.rows))
    report.participants = len(participants)
    report.shared = sum(participant.values["is_shared"] for participant in participants)
    report.matched = sum(bool(participant.values["agent_id"]) for participant in participants)
    report.unmatched = sorted(
        (
            PixParticipation(campaign=campaign, **participant.values)
            for participant in participants
            if not participant.values["agent_id"]
        ),
        key=lambda participation: (participation.last_name, participation.first_name),
    )

    values = {
        "code": export.code,
        "name": export.name,
        "organisation": export.organisation,
        "target_profile": export.target_profile,
        "file_rows": len(export.rows),
    }
    report.campaign_created = campaign.pk is None
    report.campaign_updated = not report.campaign_created and any(
        getattr(campaign, name) != value for name, value in values.items()
    )
    for name, value in values.items():
        setattr(campaign, name, value)
    if report.campaign_created:
        campaign.imported_at, campaign.imported_by = timezone.now(), imported_by
        campaign.save()
    write_participations(campaign, participants, report, progress)
    if not report.campaign_created and report.changed:
        campaign.imported_at, campaign.imported_by = timezone.now(), imported_by
        campaign.save(update_fields=[*CAMPAIGN_FIELDS, "imported_at", "imported_by"])
    return report


def write_participations(campaign, participants, report, progress):
    """Write only what differs from the database; bulk queries, none per row."""
    competence_ids = dict(Competence.objects.values_list("code", "pk"))
    competence_codes = {pk: code for code, pk in competence_ids.items()}
    existing = {
        participation_key(participation.agent_id, participation.identity_key): participation
        for participation in PixParticipation.objects.filter(campaign=campaign)
    }
    # A participant matched to an agent since the last import keeps their participation.
    key_of_identity = {participation.identity_key: key for key, participation in existing.items()}
    existing_results = defaultdict(dict)
    for participation_id, competence_id, *values in CompetenceResult.objects.filter(
        participation__campaign=campaign
    ).values_list("participation_id", "competence_id", *RESULT_FIELDS):
        existing_results[participation_id][competence_codes[competence_id]] = CompetenceValues(
            *values
        )

    # A changed participation is replaced: nothing refers to it, and bulk_create is far
    # faster than bulk_update's CASE expressions on thousands of rows.
    to_create, to_replace = [], []
    for participant in participants:
        current = existing.pop(participant.key, None) or existing.pop(
            key_of_identity.get(participant.values["identity_key"]), None
        )
        if current is None:
            to_create.append(participant)
        elif existing_results[current.pk] != participant.results or any(
            getattr(current, name) != value for name, value in participant.values.items()
        ):
            to_replace.append(current.pk)
            to_create.append(participant)
            report.updated += 1
        else:
            report.unchanged += 1

    removed = [participation.pk for participation in existing.values()]
    PixParticipation.objects.filter(pk__in=removed + to_replace).delete()
    # In chunks, each with its results, so that progress can be told while writing.
    for start in range(0, len(to_create), WRITE_CHUNK):
        chunk = to_create[start : start + WRITE_CHUNK]
        created = PixParticipation.objects.bulk_create(
            PixParticipation(campaign=campaign, **participant.values) for participant in chunk
        )
        insert_results(
            (
                participation.pk,
                competence_ids[code],
                *(getattr(values, name) for name in RESULT_FIELDS),
            )
            for participation, participant in zip(created, chunk, strict=True)
            for code, values in participant.results.items()
        )
        progress.writing(start + len(chunk), len(to_create))
    report.created = len(to_create) - report.updated
    report.removed = len(removed)


def insert_results(rows):
    """Insert competence results as plain rows: a file holds 16 per participant, and building
    a model instance for each one cost most of the import's time.
    """
    table = CompetenceResult._meta.db_table
    columns = ["participation_id", "competence_id", *RESULT_FIELDS]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch_size = max(1, min(1000, (connection.features.max_query_params or 65535) // len(columns)))
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(table)} "
                f"({', '.join(connection.ops.quote_name(column) for column in columns)}) "
                f"VALUES {', '.join([placeholders] * len(batch))}",
                [value for row in batch for value in row],
            )
