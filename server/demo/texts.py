"""French words of the demo: company names per sector, tags, visit notes, tasks, quote items."""
from __future__ import annotations

SECTOR_SHARES = {
    "aéronautique": 15, "industrie": 25, "agriculture": 14, "transport": 15,
    "agroalimentaire": 11, "btp": 10, "négoce": 6, "collectivité": 4,
}

# "{name}" is a family name, "{city}" the commune; True = takes a legal form (SARL, SAS…).
COMPANY_PATTERNS = {
    "aéronautique": [("{name} Aviation", True), ("Aéro Services {city}", True), ("{name} Aéronautique", True),
                     ("Hélicoptères {name}", True), ("Aéro-Club de {city}", False), ("Atelier aéronautique {name}", True)],
    "industrie": [("{name} Industries", True), ("Mécanique {name}", True), ("Usinage {name}", True),
                  ("Fonderie {name}", True), ("Chaudronnerie {name}", True), ("Plasturgie de {city}", True)],
    "agriculture": [("GAEC {name}", False), ("EARL {name}", False), ("SCEA du Domaine {name}", False),
                    ("CUMA de {city}", False), ("Domaine {name}", False), ("Coopérative agricole de {city}", False)],
    "transport": [("Transports {name}", True), ("{name} Logistique", True), ("Autocars {name}", True),
                  ("Ambulances {name}", True), ("Messageries de {city}", True)],
    "agroalimentaire": [("Fromagerie {name}", True), ("Moutarderie {name}", True), ("Biscuiterie {name}", True),
                        ("Conserverie de {city}", True), ("Laiterie {name}", True)],
    "btp": [("{name} BTP", True), ("Terrassement {name}", True), ("Carrières de {city}", True),
            ("Travaux publics {name}", True)],
    "négoce": [("Négoce {name}", True), ("{name} Distribution", True), ("Comptoir agricole de {city}", True)],
    "collectivité": [("Mairie de {city}", False), ("Centre technique municipal de {city}", False),
                     ("Syndicat des eaux de {city}", False)],
}
LEGAL_FORMS = (("SARL", 38), ("SAS", 34), ("SA", 10), ("EURL", 9), ("SASU", 9))

TAGS = ("fidèle", "grand compte", "salon 2025", "à relancer", "multi-sites", "contrat cadre",
        "export", "sensible au prix", "nouveau dirigeant", "parc ancien")

ACCOUNT_NOTES = (
    "Accès par l'entrée fournisseurs, badge à l'accueil.",
    "Préférer les rendez-vous le matin.",
    "Le site dépend du siège pour les achats au-delà de 10 k€.",
    "Parking visiteurs derrière le bâtiment B.",
    "Ancien client de la concurrence, à reconquérir.",
    "Parc de machines renouvelé en partie l'an dernier.",
)

CONTACT_ROLES = (("decision_maker", 0), ("billing", 30), ("technical", 40), ("purchasing", 30))

VISIT_NOTES = {
    "interested": ("Bon accueil. Intéressé par notre offre de maintenance préventive, à recontacter.",
                   "Projet de renouvellement d'équipement évoqué pour l'an prochain.",
                   "Présentation des nouveautés faite, retour positif du responsable technique."),
    "follow-up": ("Point d'étape sur le parc machines, rien d'urgent.",
                  "Attend le retour de sa direction avant d'aller plus loin.",
                  "Visite de courtoisie, relation bonne, pas de besoin immédiat."),
    "quote-requested": ("Besoin identifié sur place, demande de devis saisie pendant la visite.",
                        "Panne récurrente constatée : devis demandé au service technique."),
    "order": ("Commande confirmée sur place.", "Bon de commande signé, livraison à planifier."),
    "not-interested": ("Pas de besoin à court terme, contrat en cours avec un concurrent.",
                       "Budget gelé cette année."),
    "absent": ("Interlocuteur absent malgré le rendez-vous, documentation laissée à l'accueil.",
               "Site fermé, rappeler pour reprogrammer."),
}
PHONE_NOTES = ("Appel de suivi, tout va bien.", "Appel pour caler la prochaine visite.",
               "Relance téléphonique sur le dernier devis.")
OUTCOME_WEIGHTS = (("interested", 25), ("follow-up", 38), ("order", 10), ("not-interested", 10), ("absent", 12))

NEXT_ACTIONS = ("Envoyer la fiche produit", "Rappeler dans 15 jours", "Préparer une offre",
                "Planifier une démonstration", "Relancer le devis", "Envoyer les conditions tarifaires")
TASK_KINDS = {"Envoyer la fiche produit": "email", "Rappeler dans 15 jours": "call", "Préparer une offre": "todo",
              "Planifier une démonstration": "visit", "Relancer le devis": "call",
              "Envoyer les conditions tarifaires": "email"}

APPOINTMENT_PURPOSES = ("Présentation de l'offre maintenance", "Point annuel", "Suivi du dernier devis",
                        "Visite du parc machines", "Présentation des nouveautés", "Renouvellement du contrat")

# product line → items (label, unit, min price, max price)
QUOTE_ITEMS = {
    "moteurs": (("Révision générale moteur", "u", 8000, 25000), ("Échange standard turbocompresseur", "u", 2500, 6000),
                ("Remise en état culasse", "u", 1500, 4000), ("Diagnostic moteur", "h", 90, 110)),
    "maintenance": (("Contrat de maintenance préventive", "an", 3000, 15000),
                    ("Visite de contrôle réglementaire", "u", 400, 1200), ("Intervention sur site", "h", 80, 95)),
    "pièces": (("Kit filtres", "lot", 120, 400), ("Joints et flexibles hydrauliques", "lot", 200, 900),
               ("Roulements", "u", 40, 300)),
    "hydraulique": (("Remise en état vérin", "u", 600, 2500), ("Pompe hydraulique", "u", 1500, 5000)),
    "formation": (("Formation maintenance de premier niveau", "jour", 900, 1400),),
}
PRODUCT_LINE_WEIGHTS = (("moteurs", 30), ("maintenance", 30), ("pièces", 20), ("hydraulique", 12), ("formation", 8))
QUOTE_NOTES = ("Client pressé, machine à l'arrêt.", "Prévoir une variante avec pièces d'occasion.",
               "Budget validé par la direction.", None, None)
