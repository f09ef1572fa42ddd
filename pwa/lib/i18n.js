// Words of the rep's app, French first. The language comes from
// navigator.language unless the user picked one: kept in localStorage for this
// device, and as the user's locale on the server, which follows it to every
// device it signs in on (views/shell.js, followUserLanguage).
import { signal } from '../vendor/signals-core.mjs';

const fr = {
  pipeline: 'Mes affaires', 'pl.account': 'Compte', 'pl.asOf': 'Prévision calculée le {at}', 'pl.none': 'Prévision reçue à la prochaine synchro.',
  'pl.open': 'Ouvrir une affaire', 'pl.pickAccount': 'Choisissez un compte.', 'pl.amount': 'Montant estimé (€)',
  'pl.close': 'Clôture prévue', 'pl.category': 'Catégorie', 'pl.cat.pipeline': 'Pipeline', 'pl.cat.best_case': 'Meilleur cas',
  'pl.cat.commit': 'Engagé', 'pl.fig.won': 'Gagné', 'pl.fig.weighted': 'Pondéré', 'pl.fig.commit': 'Engagé',
  'pl.fig.best_case': 'Meilleur cas', 'pl.stage.lead': 'Piste', 'pl.stage.requested': 'Devis demandé',
  'pl.stage.in_progress': 'En chiffrage', 'pl.stage.quoted': 'Chiffré',
  app: 'Tournée', login: 'Connexion', email: 'E-mail', password: 'Mot de passe',
  signIn: 'Se connecter', badLogin: 'E-mail ou mot de passe incorrect.',
  tooMany: 'Trop de tentatives, réessayez dans un moment.',
  offlineLogin: 'Pas de réseau : la connexion demande le réseau une première fois.',
  tour: 'Tournée', accounts: 'Comptes', agenda: 'Agenda', quotes: 'Mes devis', sync: 'Synchro',
  pending: 'en attente', refused: 'refus', syncNow: 'Synchroniser', syncing: 'Synchronisation…',
  lastSync: 'Dernière synchro', never: 'jamais', online: 'En ligne', offline: 'Hors ligne',
  reconnect: 'Session expirée : reconnectez-vous. Vos modifications sont gardées.',
  reconnectBtn: 'Se reconnecter', logout: 'Se déconnecter',
  logoutWarn: '{n} modification(s) pas encore envoyée(s). Elles seront perdues si vous vous déconnectez. Continuer ?',
  otherUser: 'Des modifications d’un autre utilisateur attendent sur cette tablette : reconnectez-vous avec {email}.',
  noTour: 'Pas de tournée en mémoire pour ce jour. Connectez-vous au réseau pour la charger.',
  dueAccounts: 'Comptes à voir (hors ligne)', stops: 'arrêts', drive: 'route', min: 'min', km: 'km',
  appointment: 'Rendez-vous', due: 'À voir', overdue: 'En retard de {n} j', late: 'En retard', dueIn: 'À voir dans {n} j',
  navigate: 'Itinéraire', mapOffline: 'Plan schématique (hors ligne)', unplanned: 'Non planifiés',
  today: 'Aujourd’hui', phone: 'Téléphone', notes: 'Notes', tags: 'Étiquettes', addTag: 'Ajouter',
  segment: 'Segment', override: 'Forcer le segment', reason: 'Raison', none: 'Aucun',
  save: 'Enregistrer', saved: 'Enregistré sur la tablette', cancel: 'Annuler', contacts: 'Contacts',
  timeline: 'Historique', whySegment: 'Pourquoi {s} ?', explainOffline: 'Explication disponible en ligne seulement.',
  weight: 'Poids', potential: 'Potentiel', logVisit: 'Saisir une visite', requestQuote: 'Demander un devis',
  visit: 'Visite', checkIn: 'Arrivée', kind: 'Type', outcome: 'Résultat', maturity: 'Maturité du projet',
  nextAction: 'Prochaine action', dueDate: 'Échéance', geoOk: 'Position vérifiée (à {m} m)',
  geoFar: 'Position à {m} m du compte', geoNone: 'Position non disponible',
  'kind.onsite': 'Sur place', 'kind.phone': 'Téléphone', 'kind.video': 'Visio',
  'outcome.interested': 'Intéressé', 'outcome.follow-up': 'À relancer', 'outcome.quote-requested': 'Devis demandé',
  'outcome.order': 'Commande', 'outcome.not-interested': 'Pas intéressé', 'outcome.absent': 'Absent',
  'maturity.1': 'Besoin non identifié', 'maturity.2': 'Besoin conscient', 'maturity.3': 'Intérêt pour une solution',
  'maturity.4': 'Démarches externes', 'maturity.5': 'Lancement interne',
  visitSaved: 'Visite enregistrée.', quote: 'Demande de devis', productLine: 'Gamme de produits',
  items: 'Articles', label: 'Désignation', quantity: 'Quantité', unit: 'Unité', addItem: 'Ajouter un article',
  urgency: 'Urgence', 'urgency.normal': 'Normale', 'urgency.urgent': 'Urgente', photos: 'Photos',
  addPhoto: 'Prendre une photo', quoteSaved: 'Demande de devis enregistrée.',
  'status.submitted': 'Envoyée', 'status.routed': 'Transmise', 'status.in_progress': 'En cours',
  'status.quoted': 'Chiffrée', 'status.won': 'Gagnée', 'status.lost': 'Perdue', 'status.cancelled': 'Annulée',
  'status.undeliverable': 'Non distribuée', 'status.local': 'Sur la tablette', noQuotes: 'Aucune demande de devis.', moreQuotes: 'Voir {n} de plus',
  week: 'Semaine', noAppointments: 'Rien de prévu.', task: 'Tâche',
  pendingChanges: 'Modifications en attente', rejected: 'Refusées par le serveur', conflicts: 'Conflits',
  restore: 'Rétablir ma valeur', restored: 'Valeur rétablie.', dismiss: 'Retirer', yours: 'Votre valeur',
  theirs: 'Valeur gardée', noConflicts: 'Aucun conflit.', conflictsOnline: 'Liste des conflits disponible en ligne.',
  errNetwork: 'Serveur injoignable : nouvel essai automatique.', errServer: 'Erreur du serveur : nouvel essai automatique.',
  errQuota: 'Mémoire de la tablette pleine : libérez de la place (photos, autres applications).',
  errBlocked: 'Une autre version de Tournée est ouverte dans un autre onglet : fermez les autres onglets puis rechargez.',
  errDb: 'Stockage local indisponible : {d}', reload: 'Recharger',
  update: 'Mise à jour disponible', updateNow: 'Mettre à jour', updateWait: 'Synchronisez d’abord vos modifications.',
  search: 'Rechercher un compte', backToAccount: 'Retour au compte', required: 'Obligatoire', language: 'English',
  // Tour: what the plan says, and what the rep did (tour.js, tour-stop.js).
  done: 'Fait', skipped: 'Non visité', skip: 'Pas visité…', unskip: 'Annuler', skipWhy: 'Pourquoi pas de visite ?',
  skipLocal: 'Noté sur cette tablette seulement.', lunch: 'Pause déjeuner', leave: 'Départ', back: 'Retour',
  stale: 'Des rendez-vous de ce jour ont changé : la tournée sera recalculée au retour du réseau.',
  dayOff: 'Jour non travaillé.', dayOffShowing: '{off} — voici votre tournée de {day}', absent: 'Absence', tourFailed: 'Tournée indisponible : {d}', plannedAt: 'Planifiée le {d}', provisional: 'Tournée provisoire, en cours d’optimisation',
  visits: 'visites', 'skip.closed': 'Fermé', 'skip.absent': 'Contact absent', 'skip.no-time': 'Plus le temps',
  'skip.moved': 'Reporté', 'skip.other': 'Autre raison',
  'unplanned.no time left in the working day': 'plus de temps dans la journée',
  'unplanned.outside opening hours': 'hors des horaires d’ouverture', 'unplanned.closed that day': 'fermé ce jour-là',
  'unplanned.lower priority than the stops kept': 'moins prioritaire que les arrêts retenus',
  'unplanned.the booked appointments cannot all be reached in time': 'les rendez-vous ne peuvent pas tous être tenus',
  'warn.absence': 'Un rendez-vous est pris pendant votre absence : déplacez-le avec le client.',
  'absence.clash': 'Rendez-vous pendant votre absence : à déplacer.', 'absence.move': 'Déplacer',
  photoBy: '{name}, {d}', photosOffline: 'Les photos prises par d’autres s’affichent une fois en ligne.',
  mergeOffer: 'Un collègue a créé le même client sur sa tablette. Gardez une seule fiche : rien n’est perdu, les valeurs différentes vont dans les conflits.',
  mergeKeepMine: 'Garder ma fiche', mergeKeepTheirs: 'Garder la sienne', mergeDifferent: 'Sociétés différentes',
  mergeDone: 'Fiches fusionnées ({n} valeur(s) différente(s) dans les conflits).', mergeDismissed: 'Suggestion écartée.',
  'warn.reach': 'Un rendez-vous ne peut pas être atteint à l’heure.',
  'warn.back at home base after the end of the working day': 'Retour après la fin de la journée de travail.',
  'warn.no room for the lunch break between the appointments': 'Pas de place pour la pause déjeuner entre les rendez-vous.',
  // Enum values of the API, in words.
  'role.decision_maker': 'Décideur', 'role.billing': 'Facturation', 'role.technical': 'Technique',
  'role.purchasing': 'Achats', 'role.user': 'Utilisateur', 'role.other': 'Autre',
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Ancien client',
  'account.competitor': 'Concurrent', 'account.partner': 'Partenaire', 'account.other': 'Autre',
  'appointment.booked': 'Prévu', 'appointment.done': 'Fait', 'appointment.cancelled': 'Annulé',
  'task.open': 'À faire', 'task.done': 'Faite', 'task.cancelled': 'Annulée',
  'op.create': 'Création', 'op.update': 'Modification', 'op.delete': 'Suppression',
  'entity.account': 'Compte', 'entity.contact': 'Contact', 'entity.visit': 'Visite', 'entity.task': 'Tâche',
  'entity.appointment': 'Rendez-vous', 'entity.absence': 'Absence',
  'absence.declare': 'Déclarer une absence', 'absence.from': 'Du', 'absence.to': 'Au', 'absence.reason': 'Motif',
  'absence.leave': 'Congés', 'absence.training': 'Formation', 'absence.sick': 'Arrêt maladie', 'absence.other': 'Autre absence', 'entity.quote_request': 'Demande de devis', 'entity.attachment': 'Photo',
  // Custom fields, new prospects, contacts (custom-fields.js, account-new.js, contact-edit.js; the
  // desk's editor of the fields has its words in desk/words.js, which the tablet never loads).
  customFields: 'Informations complémentaires',
  yes: 'Oui', no: 'Non', unitEach: 'u', newProspect: 'Nouveau prospect', name: 'Raison sociale', address: 'Adresse',
  postcode: 'Code postal', city: 'Ville', siret: 'SIRET', status: 'Statut', contact: 'Contact',
  contactName: 'Nom du contact', storefront: 'Photo de la devanture', useMyPosition: 'Je suis sur place (position GPS)',
  positionTaken: 'Position prise ({m} m près)', create: 'Créer', prospectSaved: 'Prospect créé sur la tablette.',
  duplicateWarn: 'Ce compte existe peut-être déjà :', duplicateBy: 'même {what}', 'dup.name': 'nom et code postal',
  'dup.siret': 'SIRET', 'dup.phone': 'téléphone', createAnyway: 'Créer quand même', openExisting: 'Ouvrir',
  addContact: 'Ajouter un contact', editContact: 'Modifier le contact', roles: 'Rôles', leftCompany: 'A quitté l’entreprise',
  leftOn: 'Parti le {d}', contactSaved: 'Contact enregistré sur la tablette.',
  mergeSuggestion: 'Ce compte existait déjà (créé sur une autre tablette) : les deux fiches n’en font qu’une. Vos valeurs différentes sont gardées dans les conflits, à rétablir si besoin.',
  seeConflicts: 'Voir les conflits', photoTooBig: 'Photo trop lourde (max {n} Mo).',
  invalidValue: 'Valeur invalide',
  // Pending changes in words (sync.js): "Visite chez Fromagerie Allard — notes, maturité".
  at: '{what} chez {name}',
  'field.name': 'nom', 'field.status': 'statut', 'field.address': 'adresse', 'field.postcode': 'code postal',
  'field.city': 'ville', 'field.phone': 'téléphone', 'field.email': 'e-mail', 'field.tags': 'étiquettes',
  'field.notes': 'notes', 'field.segment_override': 'segment forcé', 'field.lat': 'position', 'field.lon': 'position',
  'field.custom': 'champs de l’entreprise', 'field.roles': 'rôles', 'field.kind': 'type', 'field.outcome': 'résultat',
  'field.maturity': 'maturité', 'field.next_action': 'prochaine action', 'field.started_at': 'début',
  'field.ended_at': 'fin', 'field.product_line': 'gamme', 'field.items': 'articles', 'field.urgency': 'urgence',
  'field.contact_id': 'contact', 'field.attachment_ids': 'photos', 'field.title': 'titre', 'field.due_at': 'échéance',
  'field.start': 'début', 'field.end': 'fin', 'field.purpose': 'objet', 'field.account_id': 'compte',
  'field.appointment_id': 'rendez-vous', 'field.visit_id': 'visite', 'field.rep_id': 'commercial',
  'field.opening_hours': 'horaires', 'field.verified': 'position vérifiée', 'field.geo_precision': 'précision de la position',
  // Counts and lengths, through Intl.PluralRules and Intl.NumberFormat (fmt* below).
  'items.one': '{n} article', 'items.other': '{n} articles', 'days.short': '{n} j', 'hours.short': '{n} h',
  confirmCancelQuote: 'Annuler cette demande de devis ? Le service technique en sera informé.',
  forgot: 'Mot de passe oublié ?', forgotTitle: 'Mot de passe oublié', sendLink: 'Recevoir un lien',
  linkSent: 'Si cette adresse a un compte, un lien valable 1 heure vient d’y être envoyé.',
  choosePassword: 'Choisir mon mot de passe', newPassword: 'Nouveau mot de passe', confirmPassword: 'Confirmer',
  passwordRules: 'Au moins 12 caractères, ou une phrase d’au moins 4 mots. Ni votre nom ni votre adresse e-mail, ni rien qui s’en approche, ni un mot de passe courant (« azerty123 »…).',
  passwordsDiffer: 'Les deux saisies diffèrent.', passwordSet: 'Mot de passe enregistré : connectez-vous.',
  badLink: 'Ce lien a déjà servi, a expiré ou est inconnu : demandez-en un nouveau.', backToLogin: 'Retour à la connexion',
  // Tour: a visit the server refused, the working day before and after (tour.js, tour-stop.js).
  visitRefused: 'Visite refusée — à corriger', seeWhy: 'Voir pourquoi', prevDay: 'Jour précédent', nextDay: 'Jour suivant',
};

const en = {
  pipeline: 'My deals', 'pl.account': 'Account', 'pl.asOf': 'Forecast computed {at}', 'pl.none': 'Forecast comes with the next sync.',
  'pl.open': 'Open a deal', 'pl.pickAccount': 'Pick an account.', 'pl.amount': 'Estimated amount (€)',
  'pl.close': 'Expected close', 'pl.category': 'Category', 'pl.cat.pipeline': 'Pipeline', 'pl.cat.best_case': 'Best case',
  'pl.cat.commit': 'Commit', 'pl.fig.won': 'Won', 'pl.fig.weighted': 'Weighted', 'pl.fig.commit': 'Commit',
  'pl.fig.best_case': 'Best case', 'pl.stage.lead': 'Lead', 'pl.stage.requested': 'Quote requested',
  'pl.stage.in_progress': 'Being quoted', 'pl.stage.quoted': 'Quoted',
  forgot: 'Forgot your password?', forgotTitle: 'Forgotten password', sendLink: 'Send me a link',
  linkSent: 'If this address has an account, a link valid 1 hour has just been sent to it.',
  choosePassword: 'Choose my password', newPassword: 'New password', confirmPassword: 'Confirm',
  passwordRules: 'At least 12 characters, or a passphrase of at least 4 words. Not your name or e-mail address, nor close to them, nor a common password ("qwerty123"…).',
  passwordsDiffer: 'The two entries differ.', passwordSet: 'Password saved: sign in.',
  badLink: 'This link was already used, has expired or is unknown: ask for a new one.', backToLogin: 'Back to sign-in',
  app: 'Tournée', login: 'Sign in', email: 'E-mail', password: 'Password', signIn: 'Sign in',
  badLogin: 'Wrong e-mail or password.', tooMany: 'Too many attempts, try again later.',
  offlineLogin: 'No network: signing in needs the network the first time.',
  tour: 'Tour', accounts: 'Accounts', agenda: 'Agenda', quotes: 'My quotes', sync: 'Sync',
  pending: 'waiting', refused: 'rejected', syncNow: 'Sync now', syncing: 'Syncing…', lastSync: 'Last sync', never: 'never',
  online: 'Online', offline: 'Offline', reconnect: 'Session expired: sign in again. Your changes are kept.',
  reconnectBtn: 'Sign in again', logout: 'Sign out',
  logoutWarn: '{n} change(s) not sent yet. They will be lost if you sign out. Continue?',
  otherUser: 'Changes of another user are waiting on this tablet: sign in as {email}.',
  noTour: 'No tour stored for this day. Go online to load it.', dueAccounts: 'Accounts due (offline)',
  stops: 'stops', drive: 'driving', min: 'min', km: 'km', appointment: 'Appointment', due: 'Due',
  overdue: 'Overdue by {n} d', late: 'Overdue', dueIn: 'Due in {n} d', navigate: 'Directions',
  mapOffline: 'Schematic map (offline)', unplanned: 'Unplanned', today: 'Today', phone: 'Phone',
  notes: 'Notes', tags: 'Tags', addTag: 'Add', segment: 'Segment', override: 'Override segment',
  reason: 'Reason', none: 'None', save: 'Save', saved: 'Saved on this tablet', cancel: 'Cancel',
  contacts: 'Contacts', timeline: 'Timeline', whySegment: 'Why {s}?', explainOffline: 'Explanation available online only.',
  weight: 'Weight', potential: 'Potential', logVisit: 'Log a visit', requestQuote: 'Request a quote',
  visit: 'Visit', checkIn: 'Check-in', kind: 'Kind', outcome: 'Outcome', maturity: 'Project maturity',
  nextAction: 'Next action', dueDate: 'Due date', geoOk: 'Location verified ({m} m away)',
  geoFar: 'Location {m} m from the account', geoNone: 'Location unavailable',
  'kind.onsite': 'On site', 'kind.phone': 'Phone', 'kind.video': 'Video',
  'outcome.interested': 'Interested', 'outcome.follow-up': 'Follow up', 'outcome.quote-requested': 'Quote requested',
  'outcome.order': 'Order', 'outcome.not-interested': 'Not interested', 'outcome.absent': 'Absent',
  'maturity.1': 'Need not identified', 'maturity.2': 'Need aware', 'maturity.3': 'Interest in a solution',
  'maturity.4': 'External steps', 'maturity.5': 'Internal launch',
  visitSaved: 'Visit saved.', quote: 'Quote request', productLine: 'Product line', items: 'Items',
  label: 'Label', quantity: 'Quantity', unit: 'Unit', addItem: 'Add an item', urgency: 'Urgency',
  'urgency.normal': 'Normal', 'urgency.urgent': 'Urgent', photos: 'Photos', addPhoto: 'Take a photo',
  quoteSaved: 'Quote request saved.', 'status.submitted': 'Submitted', 'status.routed': 'Routed',
  'status.in_progress': 'In progress', 'status.quoted': 'Quoted', 'status.won': 'Won', 'status.lost': 'Lost',
  'status.cancelled': 'Cancelled', 'status.undeliverable': 'Undeliverable', 'status.local': 'On this tablet',
  noQuotes: 'No quote requests.', moreQuotes: 'Show {n} more', week: 'Week', noAppointments: 'Nothing planned.', task: 'Task',
  pendingChanges: 'Changes waiting', rejected: 'Rejected by the server', conflicts: 'Conflicts',
  restore: 'Restore my value', restored: 'Value restored.', dismiss: 'Dismiss', yours: 'Your value',
  theirs: 'Value kept', noConflicts: 'No conflicts.', conflictsOnline: 'Conflict list available online.',
  errNetwork: 'Server unreachable: retrying automatically.', errServer: 'Server error: retrying automatically.',
  errQuota: 'Tablet storage is full: free some space (photos, other apps).',
  errBlocked: 'Another version of Tournée is open in another tab: close the other tabs, then reload.',
  errDb: 'Local storage unavailable: {d}', reload: 'Reload', update: 'Update available',
  updateNow: 'Update now', updateWait: 'Sync your changes first.', search: 'Search an account', backToAccount: 'Back to the account',
  required: 'Required', language: 'Français',
  done: 'Done', skipped: 'Not visited', skip: 'Not visited…', unskip: 'Undo', skipWhy: 'Why no visit?',
  skipLocal: 'Noted on this tablet only.', lunch: 'Lunch break', leave: 'Leave', back: 'Back',
  stale: 'Appointments of this day changed: the tour will be planned again once online.',
  dayOff: 'Day off.', dayOffShowing: '{off} — here is your tour for {day}', absent: 'Absence', tourFailed: 'Tour unavailable: {d}', plannedAt: 'Planned on {d}', provisional: 'Provisional tour, being optimised',
  visits: 'visits', 'skip.closed': 'Closed', 'skip.absent': 'Contact away', 'skip.no-time': 'No time left',
  'skip.moved': 'Postponed', 'skip.other': 'Other reason',
  'unplanned.no time left in the working day': 'no time left in the working day',
  'unplanned.outside opening hours': 'outside opening hours', 'unplanned.closed that day': 'closed that day',
  'unplanned.lower priority than the stops kept': 'lower priority than the stops kept',
  'unplanned.the booked appointments cannot all be reached in time': 'the appointments cannot all be kept',
  'warn.absence': 'An appointment is booked during your absence: move it with the customer.',
  'absence.clash': 'Appointment during your absence: to be moved.', 'absence.move': 'Move',
  photoBy: '{name}, {d}', photosOffline: 'Photos taken by others show once online.',
  mergeOffer: 'A colleague created the same customer on their tablet. Keep one record: nothing is lost, values that differ go to the conflicts.',
  mergeKeepMine: 'Keep my record', mergeKeepTheirs: 'Keep theirs', mergeDifferent: 'Different companies',
  mergeDone: 'Records merged ({n} differing value(s) in the conflicts).', mergeDismissed: 'Suggestion dismissed.',
  'warn.reach': 'An appointment cannot be reached in time.',
  'warn.back at home base after the end of the working day': 'Back after the end of the working day.',
  'warn.no room for the lunch break between the appointments': 'No room for the lunch break between the appointments.',
  'role.decision_maker': 'Decision maker', 'role.billing': 'Billing', 'role.technical': 'Technical',
  'role.purchasing': 'Purchasing', 'role.user': 'User', 'role.other': 'Other',
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Former client',
  'account.competitor': 'Competitor', 'account.partner': 'Partner', 'account.other': 'Other',
  'appointment.booked': 'Booked', 'appointment.done': 'Done', 'appointment.cancelled': 'Cancelled',
  'task.open': 'To do', 'task.done': 'Done', 'task.cancelled': 'Cancelled',
  'op.create': 'New', 'op.update': 'Change', 'op.delete': 'Deletion',
  'entity.account': 'Account', 'entity.contact': 'Contact', 'entity.visit': 'Visit', 'entity.task': 'Task',
  'entity.appointment': 'Appointment', 'entity.absence': 'Absence',
  'absence.declare': 'Declare an absence', 'absence.from': 'From', 'absence.to': 'To', 'absence.reason': 'Reason',
  'absence.leave': 'Leave', 'absence.training': 'Training', 'absence.sick': 'Sick leave', 'absence.other': 'Other absence', 'entity.quote_request': 'Quote request', 'entity.attachment': 'Photo',
  customFields: 'More information',
  yes: 'Yes', no: 'No', unitEach: 'pc', newProspect: 'New prospect', name: 'Company name', address: 'Address',
  postcode: 'Postcode', city: 'Town', siret: 'SIRET', status: 'Status', contact: 'Contact',
  contactName: 'Contact name', storefront: 'Storefront photo', useMyPosition: 'I am on site (GPS position)',
  positionTaken: 'Position taken (within {m} m)', create: 'Create', prospectSaved: 'Prospect created on this tablet.',
  duplicateWarn: 'This account may already exist:', duplicateBy: 'same {what}', 'dup.name': 'name and postcode',
  'dup.siret': 'SIRET', 'dup.phone': 'phone', createAnyway: 'Create anyway', openExisting: 'Open',
  addContact: 'Add a contact', editContact: 'Edit the contact', roles: 'Roles', leftCompany: 'Left the company',
  leftOn: 'Left on {d}', contactSaved: 'Contact saved on this tablet.',
  mergeSuggestion: 'This account already existed (created on another tablet): both records are now one. Your different values are kept in the conflicts, to restore if needed.',
  seeConflicts: 'See the conflicts', photoTooBig: 'Photo too large (max {n} MB).',
  invalidValue: 'Invalid value',
  at: '{what} at {name}',
  'field.name': 'name', 'field.status': 'status', 'field.address': 'address', 'field.postcode': 'postcode',
  'field.city': 'town', 'field.phone': 'phone', 'field.email': 'e-mail', 'field.tags': 'tags',
  'field.notes': 'notes', 'field.segment_override': 'segment override', 'field.lat': 'position', 'field.lon': 'position',
  'field.custom': 'company fields', 'field.roles': 'roles', 'field.kind': 'kind', 'field.outcome': 'outcome',
  'field.maturity': 'maturity', 'field.next_action': 'next action', 'field.started_at': 'start',
  'field.ended_at': 'end', 'field.product_line': 'product line', 'field.items': 'items', 'field.urgency': 'urgency',
  'field.contact_id': 'contact', 'field.attachment_ids': 'photos', 'field.title': 'title', 'field.due_at': 'due date',
  'field.start': 'start', 'field.end': 'end', 'field.purpose': 'purpose', 'field.account_id': 'account',
  'field.appointment_id': 'appointment', 'field.visit_id': 'visit', 'field.rep_id': 'rep',
  'field.opening_hours': 'opening hours', 'field.verified': 'verified position', 'field.geo_precision': 'position precision',
  'items.one': '{n} item', 'items.other': '{n} items', 'days.short': '{n} d', 'hours.short': '{n} h',
  confirmCancelQuote: 'Cancel this quote request? The technical service will be told.',
  // Tour: a visit the server refused, the working day before and after (tour.js, tour-stop.js).
  visitRefused: 'Visit refused — needs fixing', seeWhy: 'See why', prevDay: 'Previous day', nextDay: 'Next day',
};

export const dictionaries = { fr, en }; // exported for the language check of the browser tests
const stored = globalThis.localStorage?.getItem('tournee-lang');
const guess = (globalThis.navigator?.language || 'fr').slice(0, 2);
export const lang = signal(stored || (guess === 'en' ? 'en' : 'fr'));

const savers = new Set();
/** Called with the new language when the user switches (the shell saves it as the user's locale). */
export const onLangChange = (fn) => { savers.add(fn); return () => savers.delete(fn); };

/** `save: false` when the language comes from the user's saved one: nothing new to save. */
export function setLang(code, { save = true } = {}) {
  lang.value = code;
  localStorage.setItem('tournee-lang', code);
  document.documentElement.lang = code;
  if (save) savers.forEach((fn) => fn(code));
}

/** t('overdue', {n: 3}) → "En retard de 3 j". Reading lang.value subscribes the component. */
export function t(key, vars) {
  const text = dictionaries[lang.value][key] ?? fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
}

/** "Nom : " in French (narrow no-break space before the colon), "Name: " in English. */
export const colon = () => (lang.value === 'fr' ? '\u202f: ' : ': ');

/** An API enum value in words: word('role', 'decision_maker') → "Décideur"; unknown values show as they are. */
export function word(kind, value) {
  if (value == null || value === '') return '';
  const key = `${kind}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

export const locale = () => (lang.value === 'en' ? 'en-GB' : 'fr-FR');
export const fmtTime = (iso) => iso ? new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' }) : '';
export const fmtDate = (iso, opts) =>
  iso ? (opts ? new Date(iso.length === 10 ? iso + 'T12:00:00' : iso).toLocaleDateString(locale(), opts) : fmtDay(iso, true)) : '';
export const fmtDateTime = (iso) => iso ? `${fmtDate(iso)} ${fmtTime(iso)}` : '';

// Numbers, amounts, durations and counts in the user's language, through Intl.*
// (STYLE habit 15): "1 234,50 €", "3 j 4 h", "0,85", "1 article" / "2 articles".
const nf = (opts) => new Intl.NumberFormat(locale(), opts);
/** 6.3 → "6,3" (fr) / "6.3" (en); at most `digits` decimals. */
export const fmtNumber = (n, digits = 1) => (n == null ? '–' : nf({ maximumFractionDigits: digits }).format(n));
/** 1234.5 → "1 234,50 €"; 1235 → "1 235 €": cents only when there are cents. */
export const fmtMoney = (n) => {
  if (n == null) return '–';
  const cents = Math.round(n * 100) % 100 !== 0;
  return nf({ style: 'currency', currency: 'EUR', minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(n);
};
/** 0.8502 → "85 %"; with digits = 1, 0.1406 → "14,1 %" (fr) / "14.1%" (en). */
export const fmtPercent = (x, digits = 0) => (x == null ? '–' : nf({ style: 'percent', maximumFractionDigits: digits }).format(x));
/** '2026-11' → "nov. 2026" (fr) / "Nov 2026" (en). */
export const fmtMonth = (ym) => (ym ? new Date(`${ym.slice(0, 7)}-15T12:00:00`).toLocaleDateString(locale(), { month: 'short', year: 'numeric' }) : '');
/** 76 (hours) → "3 j 4 h"; 5.5 → "5 h 30"; under a day in hours, beyond in days and hours. */
export function fmtHours(hours) {
  if (hours == null) return '–';
  const total = Math.round(hours * 60);
  const days = Math.floor(total / 1440), h = Math.floor((total % 1440) / 60), m = total % 60;
  if (days) return h ? `${t('days.short', { n: fmtNumber(days, 0) })} ${t('hours.short', { n: h })}` : t('days.short', { n: fmtNumber(days, 0) });
  if (h && m && h < 10) return `${h} h ${String(m).padStart(2, '0')}`;
  return t('hours.short', { n: m && !h ? fmtNumber(total / 60, 1) : h });
}
/** count('items', 1) → "1 article": the key's `.one`/`.other` form chosen by Intl.PluralRules. */
export function count(key, n) {
  const form = new Intl.PluralRules(locale()).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}`, { n: fmtNumber(n, 0) });
}
/** A date with its year only when it is not the current one: "12 mars" / "12 mars 2024". */
export function fmtDay(iso, withWeekday = false) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? iso + 'T12:00:00' : iso);
  const opts = { day: 'numeric', month: 'short', ...(withWeekday ? { weekday: 'short' } : {}) };
  if (d.getFullYear() !== new Date().getFullYear()) opts.year = 'numeric';
  return d.toLocaleDateString(locale(), opts);
}
/** 120000 → "120 k€" (fr) / "€120K" (en): chart axes. */
export const compactMoney = (n) => (n == null ? '–'
  : nf({ style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(n));

// Product lines: one managed list, keys as the server routes them (routing rules match
// `product_line`), labels per language; values typed before the list (or in another
// case, with or without accents) are shown with the label of the key they fold to.
// The company's product lines (GET /api/product-lines: key, labels, aliases — the other spellings
// stored quotes use), set by lib/fields.js from what the device last fetched. Until then, the
// server's built-in list (server/quotes/product_lines.py), so a first start offline shows words.
export const productLines = signal([
  { key: 'moteurs', label: { fr: 'Moteurs', en: 'Motors' }, aliases: ['moteur'] },
  { key: 'maintenance', label: { fr: 'Maintenance', en: 'Maintenance' }, aliases: [] },
  { key: 'pieces', label: { fr: 'Pièces détachées', en: 'Spare parts' }, aliases: ['pièces'] },
  { key: 'hydraulique', label: { fr: 'Hydraulique', en: 'Hydraulics' }, aliases: [] },
  { key: 'formation', label: { fr: 'Formation', en: 'Training' }, aliases: [] },
  { key: 'outillage', label: { fr: 'Outillage', en: 'Tools' }, aliases: [] },
  { key: 'contrat', label: { fr: 'Contrat de service', en: 'Service contract' }, aliases: [] },
]);
const fold = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
let linesIndexed = null;
let lineOf = new Map();
/** The line a stored text names (key, either label or an alias; case and accents aside), or undefined. */
export function lineFor(value) {
  if (linesIndexed !== productLines.value) {
    linesIndexed = productLines.value;
    lineOf = new Map(linesIndexed.flatMap((line) => [line.key, ...Object.values(line.label || {}), ...(line.aliases || [])]
      .map((name) => [fold(name), line])));
  }
  return value == null || value === '' ? undefined : lineOf.get(fold(value));
}
/** productLine('Maintenance') → "Maintenance"; productLine('pièces') → "Pièces détachées" / "Spare parts". */
export function productLine(value) {
  if (value == null || value === '') return '';
  const line = lineFor(value);
  return line ? (line.label[lang.value] || line.label.fr) : String(value);
}
