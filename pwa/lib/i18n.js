// Words of the rep's app, French first. The language comes from
// navigator.language unless the user picked one (kept in localStorage: a
// preference of this device, not data to sync).
import { signal } from '../vendor/signals-core.mjs';

const fr = {
  app: 'Tournée', login: 'Connexion', email: 'E-mail', password: 'Mot de passe',
  signIn: 'Se connecter', badLogin: 'E-mail ou mot de passe incorrect.',
  tooMany: 'Trop de tentatives, réessayez dans un moment.',
  offlineLogin: 'Pas de réseau : la connexion demande le réseau une première fois.',
  tour: 'Tournée', accounts: 'Comptes', agenda: 'Agenda', quotes: 'Mes devis', sync: 'Synchro',
  pending: 'en attente', syncNow: 'Synchroniser', syncing: 'Synchronisation…',
  lastSync: 'Dernière synchro', never: 'jamais', online: 'En ligne', offline: 'Hors ligne',
  reconnect: 'Session expirée : reconnectez-vous. Vos modifications sont gardées.',
  reconnectBtn: 'Se reconnecter', logout: 'Se déconnecter',
  logoutWarn: '{n} modification(s) pas encore envoyée(s). Elles seront perdues si vous vous déconnectez. Continuer ?',
  otherUser: 'Des modifications d’un autre utilisateur attendent sur cette tablette : reconnectez-vous avec {email}.',
  noTour: 'Pas de tournée en mémoire pour ce jour. Connectez-vous au réseau pour la charger.',
  dueAccounts: 'Comptes à voir (hors ligne)', stops: 'arrêts', drive: 'route', min: 'min', km: 'km',
  appointment: 'Rendez-vous', due: 'À voir', overdue: 'En retard de {n} j', dueIn: 'À voir dans {n} j',
  navigate: 'Itinéraire', mapOffline: 'Plan schématique (hors ligne)', unplanned: 'Non planifiés',
  today: 'Aujourd’hui', phone: 'Téléphone', notes: 'Notes', tags: 'Étiquettes', addTag: 'Ajouter',
  segment: 'Segment', override: 'Forcer le segment', reason: 'Raison', none: 'aucun',
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
  'status.undeliverable': 'Non distribuée', 'status.local': 'Sur la tablette', noQuotes: 'Aucune demande de devis.',
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
  dayOff: 'Jour non travaillé.', dayOffShowing: '{off} — voici votre tournée de {day}', absent: 'Absence', tourFailed: 'Tournée indisponible : {d}', plannedAt: 'Planifiée le {d}',
  visits: 'visites', 'skip.closed': 'Fermé', 'skip.absent': 'Contact absent', 'skip.no-time': 'Plus le temps',
  'skip.moved': 'Reporté', 'skip.other': 'Autre raison',
  'unplanned.no time left in the working day': 'plus de temps dans la journée',
  'unplanned.outside opening hours': 'hors des horaires d’ouverture', 'unplanned.closed that day': 'fermé ce jour-là',
  'unplanned.lower priority than the stops kept': 'moins prioritaire que les arrêts retenus',
  'unplanned.the booked appointments cannot all be reached in time': 'les rendez-vous ne peuvent pas tous être tenus',
  'warn.reach': 'Un rendez-vous ne peut pas être atteint à l’heure.',
  'warn.back at home base after the end of the working day': 'Retour après la fin de la journée de travail.',
  'warn.no room for the lunch break between the appointments': 'Pas de place pour la pause déjeuner entre les rendez-vous.',
  // Enum values of the API, in words.
  'role.decision_maker': 'Décideur', 'role.billing': 'Facturation', 'role.technical': 'Technique',
  'role.purchasing': 'Achats', 'role.user': 'Utilisateur', 'role.other': 'Autre',
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Ancien client',
  'account.competitor': 'Concurrent', 'account.partner': 'Partenaire',
  'appointment.booked': 'Prévu', 'appointment.done': 'Fait', 'appointment.cancelled': 'Annulé',
  'task.open': 'À faire', 'task.done': 'Faite', 'task.cancelled': 'Annulée',
  'op.create': 'Création', 'op.update': 'Modification', 'op.delete': 'Suppression',
  'entity.account': 'Compte', 'entity.contact': 'Contact', 'entity.visit': 'Visite', 'entity.task': 'Tâche',
  'entity.appointment': 'Rendez-vous', 'entity.absence': 'Absence',
  'absence.declare': 'Déclarer une absence', 'absence.from': 'Du', 'absence.to': 'Au', 'absence.reason': 'Motif',
  'absence.leave': 'Congés', 'absence.training': 'Formation', 'absence.sick': 'Arrêt maladie', 'absence.other': 'Autre absence', 'entity.quote_request': 'Demande de devis', 'entity.attachment': 'Photo',
  forgot: 'Mot de passe oublié ?', forgotTitle: 'Mot de passe oublié', sendLink: 'Recevoir un lien',
  linkSent: 'Si cette adresse a un compte, un lien valable 1 heure vient d’y être envoyé.',
  choosePassword: 'Choisir mon mot de passe', newPassword: 'Nouveau mot de passe', confirmPassword: 'Confirmer',
  passwordRules: 'Au moins 12 caractères, ou une phrase d’au moins 4 mots. Pas votre adresse e-mail, ni un mot de passe courant (« azerty123 »…).',
  passwordsDiffer: 'Les deux saisies diffèrent.', passwordSet: 'Mot de passe enregistré : connectez-vous.',
  badLink: 'Ce lien a déjà servi, a expiré ou est inconnu : demandez-en un nouveau.', backToLogin: 'Retour à la connexion',
};

const en = {
  forgot: 'Forgot your password?', forgotTitle: 'Forgotten password', sendLink: 'Send me a link',
  linkSent: 'If this address has an account, a link valid 1 hour has just been sent to it.',
  choosePassword: 'Choose my password', newPassword: 'New password', confirmPassword: 'Confirm',
  passwordRules: 'At least 12 characters, or a passphrase of at least 4 words. Not your e-mail address, nor a common password ("qwerty123"…).',
  passwordsDiffer: 'The two entries differ.', passwordSet: 'Password saved: sign in.',
  badLink: 'This link was already used, has expired or is unknown: ask for a new one.', backToLogin: 'Back to sign-in',
  app: 'Tournée', login: 'Sign in', email: 'E-mail', password: 'Password', signIn: 'Sign in',
  badLogin: 'Wrong e-mail or password.', tooMany: 'Too many attempts, try again later.',
  offlineLogin: 'No network: signing in needs the network the first time.',
  tour: 'Tour', accounts: 'Accounts', agenda: 'Agenda', quotes: 'My quotes', sync: 'Sync',
  pending: 'waiting', syncNow: 'Sync now', syncing: 'Syncing…', lastSync: 'Last sync', never: 'never',
  online: 'Online', offline: 'Offline', reconnect: 'Session expired: sign in again. Your changes are kept.',
  reconnectBtn: 'Sign in again', logout: 'Sign out',
  logoutWarn: '{n} change(s) not sent yet. They will be lost if you sign out. Continue?',
  otherUser: 'Changes of another user are waiting on this tablet: sign in as {email}.',
  noTour: 'No tour stored for this day. Go online to load it.', dueAccounts: 'Accounts due (offline)',
  stops: 'stops', drive: 'driving', min: 'min', km: 'km', appointment: 'Appointment', due: 'Due',
  overdue: 'Overdue by {n} d', dueIn: 'Due in {n} d', navigate: 'Directions',
  mapOffline: 'Schematic map (offline)', unplanned: 'Unplanned', today: 'Today', phone: 'Phone',
  notes: 'Notes', tags: 'Tags', addTag: 'Add', segment: 'Segment', override: 'Override segment',
  reason: 'Reason', none: 'none', save: 'Save', saved: 'Saved on this tablet', cancel: 'Cancel',
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
  noQuotes: 'No quote requests.', week: 'Week', noAppointments: 'Nothing planned.', task: 'Task',
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
  dayOff: 'Day off.', dayOffShowing: '{off} — here is your tour for {day}', absent: 'Absence', tourFailed: 'Tour unavailable: {d}', plannedAt: 'Planned on {d}',
  visits: 'visits', 'skip.closed': 'Closed', 'skip.absent': 'Contact away', 'skip.no-time': 'No time left',
  'skip.moved': 'Postponed', 'skip.other': 'Other reason',
  'unplanned.no time left in the working day': 'no time left in the working day',
  'unplanned.outside opening hours': 'outside opening hours', 'unplanned.closed that day': 'closed that day',
  'unplanned.lower priority than the stops kept': 'lower priority than the stops kept',
  'unplanned.the booked appointments cannot all be reached in time': 'the appointments cannot all be kept',
  'warn.reach': 'An appointment cannot be reached in time.',
  'warn.back at home base after the end of the working day': 'Back after the end of the working day.',
  'warn.no room for the lunch break between the appointments': 'No room for the lunch break between the appointments.',
  'role.decision_maker': 'Decision maker', 'role.billing': 'Billing', 'role.technical': 'Technical',
  'role.purchasing': 'Purchasing', 'role.user': 'User', 'role.other': 'Other',
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Former client',
  'account.competitor': 'Competitor', 'account.partner': 'Partner',
  'appointment.booked': 'Booked', 'appointment.done': 'Done', 'appointment.cancelled': 'Cancelled',
  'task.open': 'To do', 'task.done': 'Done', 'task.cancelled': 'Cancelled',
  'op.create': 'New', 'op.update': 'Change', 'op.delete': 'Deletion',
  'entity.account': 'Account', 'entity.contact': 'Contact', 'entity.visit': 'Visit', 'entity.task': 'Task',
  'entity.appointment': 'Appointment', 'entity.absence': 'Absence',
  'absence.declare': 'Declare an absence', 'absence.from': 'From', 'absence.to': 'To', 'absence.reason': 'Reason',
  'absence.leave': 'Leave', 'absence.training': 'Training', 'absence.sick': 'Sick leave', 'absence.other': 'Other absence', 'entity.quote_request': 'Quote request', 'entity.attachment': 'Photo',
};

const dictionaries = { fr, en };
const stored = globalThis.localStorage?.getItem('tournee-lang');
const guess = (globalThis.navigator?.language || 'fr').slice(0, 2);
export const lang = signal(stored || (guess === 'en' ? 'en' : 'fr'));

export function setLang(code) {
  lang.value = code;
  localStorage.setItem('tournee-lang', code);
  document.documentElement.lang = code;
}

/** t('overdue', {n: 3}) → "En retard de 3 j". Reading lang.value subscribes the component. */
export function t(key, vars) {
  const text = dictionaries[lang.value][key] ?? fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
}

/** An API enum value in words: word('role', 'decision_maker') → "Décideur"; unknown values show as they are. */
export function word(kind, value) {
  if (value == null || value === '') return '';
  const key = `${kind}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

export const locale = () => (lang.value === 'en' ? 'en-GB' : 'fr-FR');
export const fmtTime = (iso) => iso ? new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' }) : '';
export const fmtDate = (iso, opts = { weekday: 'short', day: 'numeric', month: 'short' }) =>
  iso ? new Date(iso.length === 10 ? iso + 'T12:00:00' : iso).toLocaleDateString(locale(), opts) : '';
export const fmtDateTime = (iso) => iso ? `${fmtDate(iso)} ${fmtTime(iso)}` : '';
