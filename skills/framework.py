"""The PIX competence framework: 5 areas, 16 competences, levels earned with pix.

Names are written exactly as PIX writes them in its exports (typographic apostrophes,
"multimedia" without an accent); they are data, not interface text.
"""

AREAS = [
    (
        "1",
        "Information et données",
        [
            ("1.1", "Mener une recherche et une veille d’information"),
            ("1.2", "Gérer des données"),
            ("1.3", "Traiter des données"),
        ],
    ),
    (
        "2",
        "Communication et collaboration",
        [
            ("2.1", "Interagir"),
            ("2.2", "Partager et publier"),
            ("2.3", "Collaborer"),
            ("2.4", "S’insérer dans le monde numérique"),
        ],
    ),
    (
        "3",
        "Création de contenu",
        [
            ("3.1", "Développer des documents textuels"),
            ("3.2", "Développer des documents multimedia"),
            ("3.3", "Adapter les documents à leur finalité"),
            ("3.4", "Programmer"),
        ],
    ),
    (
        "4",
        "Protection et sécurité",
        [
            ("4.1", "Sécuriser l’environnement numérique"),
            ("4.2", "Protéger les données personnelles et la vie privée"),
            ("4.3", "Protéger la santé, le bien-être et l’environnement"),
        ],
    ),
    (
        "5",
        "Environnement numérique",
        [
            ("5.1", "Résoudre des problèmes techniques"),
            ("5.2", "Construire un environnement numérique"),
        ],
    ),
]
COMPETENCES = [competence for _code, _name, competences in AREAS for competence in competences]

PIX_PER_LEVEL = 8
# The framework is designed for 8 levels; PIX has opened 7 so far (56 pix per competence).
MAX_LEVEL = 8
MAX_PIX_PER_COMPETENCE = MAX_LEVEL * PIX_PER_LEVEL
CERTIFIABLE_LEVEL = 1
CERTIFIABLE_COMPETENCES = 5


def ensure_framework(area_model, competence_model):
    """Create or refresh the areas and competences; works with historical models too."""
    for area_code, area_name, competences in AREAS:
        area, _created = area_model.objects.update_or_create(
            code=area_code, defaults={"name": area_name}
        )
        for code, name in competences:
            competence_model.objects.update_or_create(
                code=code, defaults={"name": name, "area": area}
            )
