"""Demo practice library: fifteen practices of hybrid collaboration, as a city writes them."""


def paragraph(text):
    return ("paragraph", f"<p>{text}</p>")


def steps(*items):
    return (
        "steps",
        {
            "title": "Pas à pas",
            "steps": [{"title": title, "text": f"<p>{text}</p>"} for title, text in items],
        },
    )


def do_dont(dos, donts):
    return ("do_dont", {"dos": dos, "donts": donts})


def tip(text):
    return ("tip", {"text": f"<p>{text}</p>"})


def example(title, text, where):
    return ("example", {"title": title, "text": f"<p>{text}</p>", "where": where})


def quote(text, author):
    return ("quote", {"quote": text, "author": author})


# slug, title, category, summary, tools, body, related practices
PRACTICES = [
    (
        "reunion-hybride",
        "Animer une réunion hybride équitable",
        "reunions",
        "Quand une partie de l'équipe est en salle et l'autre à distance, chacun doit pouvoir "
        "entendre, voir et prendre la parole de la même façon.",
        ["Visio Ville"],
        [
            paragraph(
                "Une réunion hybride réussie ne favorise ni les présents ni les distants. "
                "Elle se prépare : matériel, rôles et règles de parole."
            ),
            steps(
                ("Tester la salle", "Micro de table, caméra et écran partagé, 10 minutes avant."),
                ("Nommer un binôme de la salle", "Il relaie le chat et les mains levées."),
                ("Donner la parole aux distants d'abord", "Au tour de table, commencez par eux."),
                ("Partager les documents à l'écran", "Pas de document papier distribué en salle."),
            ),
            do_dont(
                [
                    "Chacun se connecte avec son ordinateur, micro coupé, même en salle",
                    "Annoncer les décisions à voix haute et les écrire dans le compte rendu",
                ],
                [
                    "Discuter en aparté dans la salle",
                    "Montrer un tableau papier que la caméra ne voit pas",
                ],
            ),
            tip("Dans une salle sans micro de table, réservez la salle 204 : elle est équipée."),
            quote(
                "Depuis qu'on commence le tour de table par les collègues à distance, tout le "
                "monde parle.",
                "Une cheffe d'équipe de la voirie",
            ),
        ],
        ["ordre-du-jour-partage", "compte-rendu-en-direct"],
    ),
    (
        "ordre-du-jour-partage",
        "Partager l'ordre du jour avant la réunion",
        "reunions",
        "Un ordre du jour partagé la veille, avec l'objectif de chaque point : on vient "
        "préparé, et on sait si sa présence est utile.",
        ["Éditeur en ligne du Cloud Ville"],
        [
            steps(
                ("Écrire l'objectif de la réunion", "Informer, décider ou produire ?"),
                ("Lister les points avec leur durée", "Et la personne qui porte chaque point."),
                ("Partager le lien la veille", "Chacun peut ajouter un point jusqu'au soir."),
            ),
            do_dont(
                ["Indiquer pour chaque point s'il attend une décision"],
                ["Envoyer l'ordre du jour en pièce jointe : il se démultiplie en versions"],
            ),
            tip("Utilisez le même document pour l'ordre du jour et le compte rendu."),
        ],
        ["reunion-hybride", "compte-rendu-en-direct"],
    ),
    (
        "compte-rendu-en-direct",
        "Écrire le compte rendu en direct",
        "reunions",
        "Le compte rendu s'écrit pendant la réunion, à l'écran, dans le document de l'ordre "
        "du jour : il est validé avant la fin.",
        ["Éditeur en ligne du Cloud Ville", "Visio Ville"],
        [
            steps(
                ("Désigner la personne qui écrit", "Elle change à chaque réunion."),
                ("Écrire décisions et actions", "Qui fait quoi, pour quand, pas les débats."),
                ("Relire les actions en fin de réunion", "Cinq minutes suffisent."),
            ),
            example(
                "Moins de mails de relance",
                "Le service des sports n'envoie plus de compte rendu par mail : le lien du "
                "document suffit, et les actions sont relues en fin de séance.",
                "Service des sports",
            ),
        ],
        ["ordre-du-jour-partage"],
    ),
    (
        "point-equipe-court",
        "Un point d'équipe court, chaque semaine",
        "organisation",
        "Quinze minutes le lundi matin, en visio pour tous : chacun dit ce qu'il fait cette "
        "semaine et ce qui le bloque.",
        ["Visio Ville"],
        [
            steps(
                ("Fixer le créneau pour l'année", "Même heure, même lien de visio."),
                ("Un tour rapide", "Une minute par personne : ma semaine, mon point bloquant."),
                ("Traiter les blocages après", "Avec les seules personnes concernées."),
            ),
            do_dont(
                ["Commencer à l'heure, même si tout le monde n'est pas là"],
                ["Transformer le point en réunion de service"],
            ),
        ],
        ["meteo-equipe", "reunion-hybride"],
    ),
    (
        "meteo-equipe",
        "La météo d'équipe",
        "bien-etre",
        "En début de réunion, chacun donne sa météo du jour en un mot : un rituel simple "
        "qui garde le lien quand on se voit moins.",
        [],
        [
            paragraph(
                "La météo d'équipe ne demande aucun outil : elle marche en salle comme en "
                "visio. Personne n'est obligé de se justifier."
            ),
            do_dont(
                ["Accepter toutes les réponses sans commentaire"],
                ["En faire une évaluation de l'humeur des agents"],
            ),
        ],
        ["point-equipe-court", "droit-deconnexion"],
    ),
    (
        "co-edition-documents",
        "Écrire à plusieurs dans le même document",
        "co-edition",
        "Un seul document en ligne, partagé par lien, au lieu de versions qui circulent "
        "par mail : chacun écrit, commente et voit les modifications.",
        ["Éditeur en ligne du Cloud Ville", "Cloud Ville"],
        [
            steps(
                ("Créer le document dans le dossier d'équipe", "Pas dans un espace personnel."),
                ("Partager le lien", "Avec les droits d'écriture ou de commentaire."),
                ("Commenter plutôt que réécrire", "L'auteur du passage accepte ou non."),
                ("Figer la version finale", "Exportez-la en PDF pour la diffuser."),
            ),
            do_dont(
                ["Nommer le document selon la règle de l'équipe"],
                ["Télécharger le document pour le modifier hors ligne"],
            ),
            tip("Le suivi des modifications reste disponible dans l'historique du document."),
        ],
        ["documents-en-lien", "nommage-fichiers"],
    ),
    (
        "documents-en-lien",
        "Zéro pièce jointe : les documents en lien",
        "co-edition",
        "Envoyer un lien vers le document plutôt qu'une pièce jointe : une seule version, "
        "toujours à jour, et des boîtes mail allégées.",
        ["Cloud Ville", "Messagerie électronique"],
        [
            steps(
                ("Déposer le document sur le Cloud Ville", "Dans le dossier de l'équipe."),
                ("Copier le lien de partage", "Choisissez lecture seule ou écriture."),
                ("Coller le lien dans le message", "Avec une phrase qui dit quoi en faire."),
            ),
            do_dont(
                ["Protéger par mot de passe les liens envoyés à l'extérieur"],
                ["Partager un lien public vers des données sensibles"],
            ),
        ],
        ["co-edition-documents"],
    ),
    (
        "nommage-fichiers",
        "Des règles communes pour nommer les fichiers",
        "co-edition",
        "Une règle de nommage partagée par l'équipe : on retrouve un document sans "
        "l'ouvrir, et on sait lequel est le bon.",
        ["Cloud Ville"],
        [
            paragraph(
                "La règle de la Ville : <b>AAAA-MM-JJ_objet_version</b>, sans accents ni "
                "espaces, par exemple 2026-03-14_plan-voirie-centre_v2."
            ),
            do_dont(
                ["Mettre la date en premier pour trier les fichiers"],
                ["Écrire « final », « final2 », « vraiment-final »"],
            ),
        ],
        ["co-edition-documents"],
    ),
    (
        "agenda-partage",
        "Tenir un agenda partagé dans l'équipe",
        "organisation",
        "Chacun tient son agenda à jour et le partage à l'équipe : on sait qui est sur site, "
        "en télétravail ou en congé sans envoyer de mail.",
        ["Agenda partagé"],
        [
            steps(
                ("Partager son agenda avec l'équipe", "Détails visibles, ou disponibilités."),
                ("Indiquer son lieu de travail", "Un événement « Sur site » ou « Télétravail »."),
                ("Bloquer ses temps de travail concentré", "Ils comptent comme des rendez-vous."),
            ),
            do_dont(
                ["Accepter ou refuser chaque invitation"],
                ["Poser une réunion sur un créneau marqué « concentration »"],
            ),
        ],
        ["point-equipe-court"],
    ),
    (
        "messagerie-sobre",
        "Une messagerie sobre",
        "communication",
        "Un objet explicite, un seul sujet par message et les bons destinataires : moins "
        "de mails, mieux lus.",
        ["Messagerie électronique"],
        [
            steps(
                ("Écrire un objet qui dit l'attente", "« Pour décision avant jeudi : … »."),
                ("Limiter la copie", "En copie : ceux qui doivent savoir, pas agir."),
                ("Ne répondre à tous qu'à bon escient", "Le plus souvent, l'expéditeur suffit."),
            ),
            tip("Programmez l'envoi des messages écrits le soir au lendemain matin."),
        ],
        ["droit-deconnexion", "salons-messagerie-instantanee"],
    ),
    (
        "salons-messagerie-instantanee",
        "Des salons de messagerie instantanée par projet",
        "communication",
        "Les échanges courts d'un projet se font dans un salon dédié, pas en messages "
        "directs ni en fils de mails.",
        ["Messagerie instantanée Ville"],
        [
            steps(
                ("Créer un salon par projet", "Nom du projet et date de fin dans le titre."),
                ("Épingler les liens utiles", "Documents, tableau de projet, visio."),
                ("Archiver le salon à la fin", "L'historique reste consultable."),
            ),
            do_dont(
                ["Utiliser les fils de discussion pour chaque sujet"],
                ["Prendre une décision importante dans le salon sans la noter ailleurs"],
            ),
        ],
        ["messagerie-sobre"],
    ),
    (
        "decision-asynchrone",
        "Décider sans réunion",
        "gestion-projet",
        "Une proposition écrite, un délai pour réagir, et la décision est prise : pour les "
        "décisions simples, pas besoin de réunir tout le monde.",
        ["Éditeur en ligne du Cloud Ville", "Messagerie instantanée Ville"],
        [
            steps(
                ("Écrire la proposition", "Le contexte, la proposition, ce qui change."),
                ("Donner un délai", "Trois jours ouvrés en général."),
                ("Recueillir les objections", "Une objection argumentée, pas une préférence."),
                ("Annoncer la décision", "Et l'inscrire dans le registre des décisions."),
            ),
            example(
                "Le planning d'été décidé en trois jours",
                "La bibliothèque a validé son planning d'ouverture estivale sans réunion : "
                "deux objections ont été intégrées, la décision a été annoncée le vendredi.",
                "Service des bibliothèques",
            ),
        ],
        ["ordre-du-jour-partage"],
    ),
    (
        "tableau-projet",
        "Suivre les tâches d'un projet sur un tableau",
        "gestion-projet",
        "Un tableau à trois colonnes (à faire, en cours, fait) rend visible qui fait quoi, "
        "sans réunion de suivi.",
        ["Tableau de projet"],
        [
            steps(
                ("Une carte par tâche", "Avec une personne et une échéance."),
                ("Déplacer sa carte soi-même", "Le tableau est à jour sans relance."),
                ("Revoir le tableau au point d'équipe", "Cinq minutes, en partage d'écran."),
            ),
        ],
        ["point-equipe-court", "decision-asynchrone"],
    ),
    (
        "droit-deconnexion",
        "Respecter le droit à la déconnexion",
        "bien-etre",
        "Pas de sollicitation en dehors des horaires de travail : on peut écrire, mais "
        "personne n'est tenu de lire ni de répondre.",
        ["Messagerie électronique", "Messagerie instantanée Ville"],
        [
            do_dont(
                [
                    "Programmer l'envoi de ses messages aux heures de travail",
                    "Couper les notifications en dehors de ses horaires",
                ],
                ["Attendre une réponse le soir ou le week-end"],
            ),
            quote(
                "Le droit à la déconnexion protège la santé de tous, managers compris.",
                "Direction des ressources humaines",
            ),
        ],
        ["messagerie-sobre", "meteo-equipe"],
    ),
    (
        "binome-accueil",
        "Un binôme pour accueillir chaque nouvel agent",
        "bien-etre",
        "Chaque nouvel arrivant a un binôme dans l'équipe pendant ses trois premiers mois : "
        "quelqu'un à qui poser les questions qu'on n'ose pas poser.",
        [],
        [
            steps(
                ("Choisir le binôme avant l'arrivée", "Un volontaire, pas le manager."),
                ("Déjeuner ensemble la première semaine", "Sur site, de préférence."),
                ("Faire le point à un mois et à trois mois", "Un quart d'heure suffit."),
            ),
        ],
        ["point-equipe-court"],
    ),
]
