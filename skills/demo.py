"""Demo PIX campaigns: two profiles collections months apart, with realistic progress.

The exports are written exactly like PIX Orga writes them, then imported through the
importer, so the demo exercises the real path (and re-seeding changes nothing).
"""

import datetime
import random
import re
from decimal import Decimal

from intranet.accounts.demo import DEMO_DOMAIN, demo_email
from intranet.accounts.models import Agent

from .framework import (
    CERTIFIABLE_COMPETENCES,
    CERTIFIABLE_LEVEL,
    COMPETENCES,
    PIX_PER_LEVEL,
    ensure_framework,
)
from .importers import import_pix
from .models import Area, Competence
from .pixfiles import PARIS

ORGANISATION = "Ville de Démo"
OPEN_LEVEL = 7  # the highest level PIX has opened
OPEN_PIX = OPEN_LEVEL * PIX_PER_LEVEL
BARE_VALUE = re.compile(r"^[0-9-]+$")
FORMULA_START = ("-", "@", "=", "+")
# Typical starting pix per competence: strong on communication, weak on programming.
TYPICAL_PIX = {
    "1.1": 18,
    "1.2": 12,
    "1.3": 10,
    "2.1": 22,
    "2.2": 15,
    "2.3": 14,
    "2.4": 12,
    "3.1": 16,
    "3.2": 8,
    "3.3": 9,
    "3.4": 3,
    "4.1": 12,
    "4.2": 14,
    "4.3": 10,
    "5.1": 9,
    "5.2": 7,
}
SPRING = {
    "pix_id": "287412",
    "code": "RZKPWT384",
    "name": "Diagnostic numérique – printemps 2026",
    "first_day": datetime.date(2026, 3, 9),
}
AUTUMN = {
    "pix_id": "301877",
    "code": "QXVNBM217",
    "name": "Diagnostic numérique – automne 2026",
    "first_day": datetime.date(2026, 9, 28),
}
# People who took part without being in the HR directory: kept and listed as unmatched.
OUTSIDERS = [("Lemaire", "Jeanne", "009001"), ("Garcia", "Marc", "009002")]


def pix_cell(value):
    """One value as PIX writes it: see docs on the PIX export format."""
    if value is None:
        return '"NA"'
    if isinstance(value, bool):
        return '"Oui"' if value else '"Non"'
    if isinstance(value, int | Decimal):
        return str(value).replace(".", ",")
    if BARE_VALUE.match(value):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return '"' + value.replace('"', '""') + '"'


def pix_csv(rows):
    """UTF-8 with a BOM, ``;`` separators, LF line endings."""
    lines = [";".join(pix_cell(value) for value in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def profiles_header(extra_columns, external_id_label):
    header = [
        "Nom de l'organisation",
        "ID Campagne",
        "Code",
        "Nom de la campagne",
        "Nom du Participant",
        "Prénom du Participant",
        *extra_columns,
    ]
    if external_id_label:
        header.append(external_id_label)
    header += [
        "Envoi (O/N)",
        "Date et heure de l'envoi (Europe/Paris)",
        "Nombre de pix total",
        "Certifiable (O/N)",
        "Nombre de compétences certifiables",
    ]
    for _code, name in COMPETENCES:
        header += [f"Niveau pour la compétence {name}", f"Nombre de pix pour la compétence {name}"]
    return header


def profiles_row(campaign, identity, sent_at, pix_by_code):
    """A row of a profiles collection; ``pix_by_code`` None for a profile not sent."""
    row = [ORGANISATION, campaign["pix_id"], campaign["code"], campaign["name"], *identity]
    if pix_by_code is None:
        return row + [False] + [None] * (4 + 2 * len(COMPETENCES))
    levels = {code: min(pix // PIX_PER_LEVEL, OPEN_LEVEL) for code, pix in pix_by_code.items()}
    certifying = sum(level >= CERTIFIABLE_LEVEL for level in levels.values())
    row += [
        True,
        sent_at.strftime("%d/%m/%Y %H:%M"),
        sum(pix_by_code.values()),
        certifying >= CERTIFIABLE_COMPETENCES,
        certifying,
    ]
    for code, _name in COMPETENCES:
        row += [levels[code], pix_by_code[code]]
    return row


def moment(rng, campaign):
    day = campaign["first_day"] + datetime.timedelta(days=rng.randint(0, 18))
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), PARIS
    )


def starting_profile(rng):
    ease = rng.uniform(0.3, 1.4)  # some agents are far more at ease than others
    return {
        code: max(0, min(OPEN_PIX, round(rng.gauss(typical * ease, 5))))
        for code, typical in TYPICAL_PIX.items()
    }


def later_profile(rng, profile, trained):
    """Trained agents gain on a few competences; a reset may lower a competence."""
    later = {
        code: max(0, min(OPEN_PIX, pix + rng.randint(-2, 3))) for code, pix in profile.items()
    }
    if trained:
        for code in rng.sample(sorted(later), rng.randint(3, 6)):
            later[code] = min(OPEN_PIX, later[code] + rng.randint(5, 14))
    if rng.random() < 0.1:
        code = rng.choice(sorted(later))
        later[code] = max(0, later[code] - rng.randint(6, 12))
    return later


def demo_exports(agents):
    """The spring and autumn exports (bytes) for these agents."""
    rng = random.Random(2026)
    header = profiles_header(["Direction"], "Matricule agent")
    spring, autumn = [header], [header]
    people = [
        (
            agent.last_name,
            agent.first_name,
            (agent.department.parent or agent.department).name if agent.department else "",
            agent.external_id,
            agent.email == demo_email("claire.martin"),
        )
        for agent in agents
    ] + [(last, first, "", external_id, False) for last, first, external_id in OUTSIDERS]
    for last_name, first_name, direction, external_id, featured in people:
        identity = [last_name, first_name, direction, external_id]
        chance = 0.0 if featured else rng.random()
        profile = starting_profile(rng)
        if chance < 0.85:
            spring.append(profiles_row(SPRING, identity, moment(rng, SPRING), profile))
        elif chance < 0.93:
            spring.append(profiles_row(SPRING, identity, None, None))
        later = later_profile(rng, profile, trained=featured or rng.random() < 0.5)
        if featured:
            for code, gain in (("1.1", 9), ("2.3", 12)):
                later[code] = min(OPEN_PIX, profile[code] + gain)
        if rng.random() < 0.08:
            # PIX lists every participation: an earlier, unsent one stays in the export.
            autumn.append(profiles_row(AUTUMN, identity, None, None))
        if featured or rng.random() < 0.9:
            autumn.append(profiles_row(AUTUMN, identity, moment(rng, AUTUMN), later))
    header_row, *spring_rows = spring
    rng.shuffle(spring_rows)  # PIX guarantees no row order
    return pix_csv([header_row, *spring_rows]), pix_csv(autumn)


def seed(stdout):
    ensure_framework(Area, Competence)
    agents = (
        Agent.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", external_id__isnull=False)
        .select_related("department__parent")
        .order_by("external_id")
    )
    for export in demo_exports(list(agents)):
        report = import_pix(export)
        stdout.write(" ".join(report.summary()))
