"""Demo charter, trainings and onboarding path."""

CHARTER_INTRO = (
    "<p>Cette charte a été écrite par des agents de tous les services. Elle dit comment nous "
    "voulons travailler ensemble, au bureau comme à distance. La signer, c'est s'engager à "
    "la faire vivre dans son équipe.</p>"
)
COMMITMENTS = [
    (
        "Je respecte le temps de chacun",
        "Je prépare mes réunions, je les commence et les termine à l'heure, et je me "
        "demande si une réunion est vraiment nécessaire.",
    ),
    (
        "J'inclus les collègues à distance",
        "En réunion hybride, les personnes à distance entendent, voient et parlent comme "
        "celles qui sont en salle.",
    ),
    (
        "Je partage plutôt que j'envoie",
        "Je partage un lien vers le document à jour plutôt qu'une pièce jointe.",
    ),
    (
        "J'utilise les outils de la Ville",
        "Je choisis l'outil recommandé pour chaque besoin, et je ne mets jamais de données de "
        "la Ville dans un outil interdit.",
    ),
    (
        "J'écris pour être lu",
        "Des messages courts, un objet clair, les bons destinataires.",
    ),
    (
        "Je respecte la déconnexion",
        "Je n'attends pas de réponse en dehors des horaires de travail de mes collègues.",
    ),
    (
        "Je rends les décisions visibles",
        "Ce qui est décidé est écrit et partagé, avec qui fait quoi et pour quand.",
    ),
    (
        "J'aide les autres à progresser",
        "Je partage mes astuces, j'accueille les nouveaux arrivants et je propose des "
        "pratiques à expérimenter.",
    ),
]

# title, summary, level, competences, hours, format, prerequisites, sessions
# A session: (days from today, hour, duration in hours, place, video, seats, enrolled, trainer)
TRAININGS = [
    (
        "Animer une réunion hybride",
        "Préparer la salle, répartir les rôles et faire participer chacun, en salle comme à "
        "distance.",
        "intermediate",
        ["2.1", "2.3"],
        "3",
        "hybrid",
        "Savoir rejoindre une visio.",
        [
            (-40, 9, 3, "Hôtel de ville, salle 204", "", 10, 10, "Mission modernisation"),
            (12, 9, 3, "Hôtel de ville, salle 204", "", 10, 10, "Mission modernisation"),
            (33, 14, 3, "Centre technique municipal, salle B", "", 12, 4, "Mission modernisation"),
        ],
    ),
    (
        "Co-éditer des documents dans le Cloud Ville",
        "Créer, partager et écrire à plusieurs un document en ligne, sans versions en double.",
        "beginner",
        ["2.2", "2.3", "3.1"],
        "3",
        "on_site",
        "",
        [
            (-20, 14, 3, "Salle de formation DSI", "", 8, 8, "Service support utilisateurs"),
            (9, 9, 3, "Salle de formation DSI", "", 8, 3, "Service support utilisateurs"),
        ],
    ),
    (
        "Bien démarrer avec la visio",
        "Rejoindre une réunion, régler son micro et sa caméra, partager son écran.",
        "beginner",
        ["2.1", "5.1"],
        "2",
        "remote",
        "",
        [
            (-10, 10, 2, "", "https://visio.ville-demo.fr/formation-visio", 15, 12, "DSI"),
            (6, 10, 2, "", "https://visio.ville-demo.fr/formation-visio", 15, 6, "DSI"),
            (27, 14, 2, "", "https://visio.ville-demo.fr/formation-visio", 15, 0, "DSI"),
        ],
    ),
    (
        "Protéger les données dans les outils collaboratifs",
        "Savoir quelles données mettre dans quel outil, partager sans exposer, repérer un "
        "hameçonnage.",
        "intermediate",
        ["4.1", "4.2"],
        "3",
        "on_site",
        "Utiliser la messagerie et le Cloud Ville.",
        [
            (-60, 9, 3, "Hôtel de ville, salle du conseil", "", 20, 16, "RSSI de la Ville"),
            (20, 9, 3, "Hôtel de ville, salle du conseil", "", 20, 5, "RSSI de la Ville"),
        ],
    ),
    (
        "Organiser son espace numérique",
        "Classer ses fichiers, nommer ses documents, retrouver l'information et alléger sa "
        "boîte mail.",
        "beginner",
        ["1.2", "5.2"],
        "3.5",
        "on_site",
        "",
        [(15, 13, 3.5, "Médiathèque centrale, salle 2", "", 10, 2, "Service formation")],
    ),
    (
        "Piloter un projet en mode collaboratif",
        "Cadrer un projet, suivre les tâches sur un tableau, décider sans réunion et tenir un "
        "registre des décisions.",
        "advanced",
        ["2.3", "1.3"],
        "7",
        "hybrid",
        "Avoir suivi « Co-éditer des documents dans le Cloud Ville ».",
        [
            (
                -30,
                9,
                7,
                "Hôtel de ville, salle 204",
                "https://visio.ville-demo.fr/projet",
                12,
                9,
                "Mission modernisation",
            ),
            (
                45,
                9,
                7,
                "Hôtel de ville, salle 204",
                "https://visio.ville-demo.fr/projet",
                12,
                1,
                "Mission modernisation",
            ),
        ],
    ),
]

ONBOARDING_INTRO = (
    "<p>Bienvenue ! Ces étapes vous font découvrir, à votre rythme, comment nous travaillons "
    "ensemble. Cochez-les au fur et à mesure : votre progression s'affiche sur la page "
    "d'accueil pendant vos trois premiers mois.</p>"
)
# title, description, link: "charter", "library", "guide", a training title, or ""
ONBOARDING_STEPS = [
    (
        "Lire et signer la charte de collaboration",
        "Huit engagements, cinq minutes de lecture.",
        "charter",
    ),
    (
        "Rencontrer votre binôme d'accueil",
        "Votre responsable vous le présente dès la première semaine.",
        "",
    ),
    (
        "Découvrir les pratiques de votre équipe",
        "Demandez à votre équipe lesquelles elle applique.",
        "library",
    ),
    (
        "Installer les outils recommandés",
        "Visio, Cloud Ville et messagerie instantanée sur votre poste.",
        "guide",
    ),
    (
        "Faire un test de visio avec un collègue",
        "Micro, caméra, partage d'écran : deux minutes.",
        "",
    ),
    (
        "Vous inscrire à « Bien démarrer avec la visio »",
        "Une formation de deux heures, à distance.",
        "Bien démarrer avec la visio",
    ),
]
