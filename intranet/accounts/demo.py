"""Demo agents and departments of a fictional city, created through the HR importer."""

import datetime
import importlib
import random

from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group

from . import roles
from .importers import directory_csv, import_agents
from .models import Agent

DEMO_DOMAIN = "ville-demo.fr"
DEMO_PASSWORD = "intranet-demo"

DIRECTIONS = {
    "Direction générale des services": [
        "Mission modernisation et innovation",
        "Secrétariat général",
    ],
    "Direction des ressources humaines": [
        "Service formation et compétences",
        "Service carrières et paie",
        "Service recrutement",
    ],
    "Direction des systèmes d'information": [
        "Service infrastructures",
        "Service applications métiers",
        "Service support utilisateurs",
    ],
    "Direction de l'éducation et de l'enfance": ["Service des écoles", "Service petite enfance"],
    "Direction de l'espace public": [
        "Service voirie",
        "Service propreté",
        "Service espaces verts",
    ],
    "Direction de la culture et des sports": ["Service des bibliothèques", "Service des sports"],
    "Direction des solidarités": ["Service action sociale", "Service seniors"],
}
FIRST_NAMES = [
    "Camille",
    "Nadia",
    "Julien",
    "Sophie",
    "Karim",
    "Élodie",
    "Thomas",
    "Fatou",
    "Nicolas",
    "Amandine",
    "Yacine",
    "Céline",
    "Mathieu",
    "Inès",
    "Laurent",
    "Aurélie",
    "Mehdi",
    "Hélène",
    "Sébastien",
    "Chloé",
    "Olivier",
    "Aïcha",
    "Pierre",
    "Manon",
    "Rachid",
    "Isabelle",
    "Hugo",
    "Léa",
    "François",
    "Samira",
]
LAST_NAMES = [
    "Bernard",
    "Diallo",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Nguyen",
    "Fournier",
    "Girard",
    "Benali",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Haddad",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
]
AGENT_TITLES = [
    "Chargé·e de mission",
    "Gestionnaire administratif·ve",
    "Assistant·e de direction",
    "Technicien·ne",
    "Agent·e d'accueil",
    "Chargé·e de projet",
    "Coordinateur·rice",
]

# The demo logins: e-mail local part, names, direction, service, title, groups.
DEMO_LOGINS = [
    (
        "admin",
        "Alex",
        "Admin",
        "Direction des systèmes d'information",
        "Service infrastructures",
        "Administrateur·rice de l'intranet",
        ["superuser"],
    ),
    (
        "claire.martin",
        "Claire",
        "Martin",
        "Direction de l'espace public",
        "Service voirie",
        "Technicienne voirie",
        [],
    ),
    (
        "editeur",
        "Émile",
        "Dubois",
        "Direction générale des services",
        "Secrétariat général",
        "Chargé de communication interne",
        [roles.EDITORS],
    ),
    (
        "moderatrice",
        "Marion",
        "Leroy",
        "Direction générale des services",
        "Secrétariat général",
        "Responsable de la communication interne",
        [roles.MODERATORS],
    ),
    (
        "cheffe.projet",
        "Sarah",
        "Cohen",
        "Direction générale des services",
        "Mission modernisation et innovation",
        "Cheffe de projet transformation",
        [roles.PROJECT_LEADS],
    ),
    (
        "commanditaire",
        "Bruno",
        "Marchand",
        "Direction de l'espace public",
        "",
        "Directeur de l'espace public",
        [roles.SPONSORS],
    ),
    (
        "referente.competences",
        "Lucie",
        "Roux",
        "Direction des ressources humaines",
        "Service formation et compétences",
        "Responsable formation",
        [roles.SKILLS_OFFICERS],
    ),
    (
        "rh",
        "Rose",
        "Garnier",
        "Direction des ressources humaines",
        "Service carrières et paie",
        "Gestionnaire des accès",
        [roles.HR_ADMINISTRATORS],
    ),
]
# Services whose agents work in the field, without a professional e-mail address: they sign
# in with their matricule. One of them is a demo login.
FIELD_SERVICES = {"Service voirie", "Service propreté", "Service espaces verts"}
DEMO_FIELD_AGENT = (
    "009001",
    "Karim",
    "Haddad",
    "Direction de l'espace public",
    "Service propreté",
    "Agent de propreté urbaine",
)


def demo_email(local_part):
    return f"{local_part}@{DEMO_DOMAIN}"


def directory_rows():
    """About 70 agents: a director per direction, a head per service, their teams (in the
    field services, without e-mail)."""
    rng = random.Random(2026)
    rows, matricule = [], 1000
    named = {}
    for login in DEMO_LOGINS:
        named.setdefault(login[3:5], []).append(login)

    def add(local, first, last, direction, service, title, manager, arrival, number=None):
        nonlocal matricule
        matricule += 1
        email = demo_email(local) if local else ""
        rows.append(
            [
                number or f"{matricule:06d}",
                last,
                first,
                email,
                direction,
                service,
                title,
                arrival.strftime("%d/%m/%Y"),
                manager,
            ]
        )
        return email

    def person():
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        for accented, plain in zip("éèëïçôâà", "eeeicoaa", strict=True):
            local = local.replace(accented, plain)
        return local.replace(" ", "-") + f".{len(rows) + 1}", first, last

    def arrival():
        return datetime.date(2026, 11, 1) - datetime.timedelta(days=rng.randint(20, 20 * 365))

    for direction, services in DIRECTIONS.items():
        if (direction, "") in named:
            local, first, last, *_, title, _groups = named[(direction, "")][0]
        else:
            local, first, last = person()
            title = "Directeur·rice"
        director = add(local, first, last, direction, "", title, "", arrival())
        for service in services:
            head_local, head_first, head_last = person()
            head = add(
                head_local,
                head_first,
                head_last,
                direction,
                service,
                "Chef·fe de service",
                director,
                arrival(),
            )
            for local, first, last, *_, title, _groups in named.get((direction, service), []):
                recent = datetime.date.today() - datetime.timedelta(days=30)
                add(
                    local,
                    first,
                    last,
                    direction,
                    service,
                    title,
                    head,
                    recent if local == "claire.martin" else arrival(),
                )
            if service == DEMO_FIELD_AGENT[4]:
                number, first, last, *_, title = DEMO_FIELD_AGENT
                add(None, first, last, direction, service, title, head, arrival(), number)
            for _index in range(2 if len(services) > 2 else 3):
                local, first, last = person()
                add(
                    None if service in FIELD_SERVICES else local,
                    first,
                    last,
                    direction,
                    service,
                    rng.choice(AGENT_TITLES),
                    head,
                    arrival(),
                )
    return rows


def ensure_role_groups():
    """The role groups, even after a test flushed the database."""
    importlib.import_module("intranet.accounts.migrations.0002_role_groups").create_roles(
        apps, None
    )
    importlib.import_module("intranet.accounts.migrations.0005_hr_administrators").create_role(
        apps, None
    )


def seed(stdout):
    ensure_role_groups()
    report = import_agents(directory_csv(directory_rows()))
    stdout.write(
        f"Agents: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged."
    )
    for local, *_rest, groups in DEMO_LOGINS:
        agent = Agent.objects.get(email=demo_email(local))
        if "superuser" in groups:
            agent.is_superuser = agent.is_staff = True
            agent.save()
        agent.groups.add(*Group.objects.filter(name__in=groups))
    # Every demo agent can log in, with their e-mail or matricule: one hash for them all
    # (hashing 70 passwords one by one takes half a minute).
    Agent.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).update(
        password=make_password(DEMO_PASSWORD)
    )
