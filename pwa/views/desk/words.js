// Words of the desk screens (telemarketer, back office, manager), French first.
// Same language switch as the tablet app (lib/i18n.js's `lang`); unknown keys fall
// back to the tablet app's dictionary, so shared words stay in one place.
import { lang, t } from '../../lib/i18n.js';
import * as setup from './words-setup.js';

const fr = {
  calls: 'À appeler', book: 'Prendre RDV', board: 'Devis', dashboard: 'Tableau de bord', plans: 'Plans d’action',
  model: 'Modèle commercial', signOut: 'Se déconnecter', 'role.telemarketer': 'Téléprospection',
  'role.backoffice': 'Service technique', 'role.manager': 'Direction commerciale', 'role.admin': 'Administration',
  callList: 'Comptes à appeler', callHint: 'Visite due selon la cadence, aucun RDV pris. A d’abord, les plus en retard en tête.',
  late: 'retard {n} j', dueIn: 'dans {n} j', neverVisited: 'jamais visité', lastContact: 'Dernier contact', owner: 'Commercial',
  allSegments: 'Tous segments', more: 'Voir plus', searchAccount: 'Compte, ville ou code postal', noResult: 'Aucun compte.',
  repWeek: 'Semaine de {name}', weekOf: 'à partir du lundi {d}', slots: 'Meilleurs créneaux', addedDrive: '+{n} min de route', noSlots: 'Aucun créneau libre.',
  manualSlot: 'Autre créneau', date: 'Date', time: 'Heure', duration: 'Durée (min)', contact: 'Contact', purpose: 'Objet',
  confirmBooking: 'Réserver', booked: 'Rendez-vous réservé.', overlap: 'Créneau déjà pris ou hors des heures de travail.',
  chooseAccount: 'Cherchez un compte pour voir la semaine du commercial et ses créneaux.', chosenSlot: 'Créneau choisi',
  'col.new': 'À prendre', 'col.in_progress': 'En cours', 'col.quoted': 'Chiffrés', 'col.closed': 'Conclus',
  'col.undeliverable': 'Non distribués', target: 'Objectif {n} h', targetTurnaround: 'Délai cible', age: '{n} h', amount: 'Montant (€)', note: 'Note',
  take: 'Prendre en charge', quoteIt: 'Chiffrer', markWon: 'Gagné', markLost: 'Perdu', retry: 'Renvoyer',
  deliveryLog: 'Journal d’envoi', attempts: 'Tentatives : {n}', lastError: 'Dernière erreur', history: 'Historique',
  rep: 'Commercial', account: 'Compte', items: 'Articles', photos: 'Photos', close: 'Fermer', done: 'Fait.',
  from: 'Du', to: 'Au', team: 'Équipe', allReps: 'Toute l’équipe', exportCsv: 'Exporter (CSV)', refresh: 'Actualiser',
  visitsDone: 'Visites faites', planned: 'Prévues',
  plannedHelp: 'Jours couverts par un plan d’action : {plan} (objectif du plan au prorata). Autres jours : {cadence}, dont {worked} travaillés (cadence du segment sur les jours travaillés).', coverage: 'Couverture', timeShare: 'Part du temps',
  timeTarget: 'Cible', conversion: 'Transformation', turnaround: 'Délai devis (médiane / p90)', averageBasket: 'Panier moyen',
  revenue: 'CA gagné', opportunities: 'Opportunités', attainment: 'Objectifs atteints', requested: 'Demandés',
  quoted: 'Chiffrés', won: 'Gagnés', lost: 'Perdus', byRep: 'Par commercial', calls_: 'Appels', accounts: 'Comptes',
  newPlan: 'Nouveau plan', periodStart: 'Début', periodEnd: 'Fin', visits: 'Visites', callsTarget: 'Appels',
  revenueTarget: 'CA (€)', notes: 'Notes', save: 'Enregistrer', delete: 'Supprimer', progress: 'Avancement',
  expected: 'attendu à date {n}', noPlans: 'Aucun plan d’action.', criteria: 'Critères', weight: 'Poids',
  thresholds: 'Seuils (0–100)', cadence: 'Cadence par segment', visitsPerYear: 'Visites / an', callsPerYear: 'Appels / an',
  visitMinutes: 'Durée visite (min)', timeSplit: 'Répartition du temps', dryRun: 'Simuler', apply: 'Appliquer',
  dryRunResult: '{n} compte(s) changeraient de segment', applied: 'Modèle v{v} appliqué : {n} compte(s) ont changé.',
  dataCoverage: 'Données présentes', overrides: 'Segments forcés par les commerciaux', accept: 'Accepter', revert: 'Annuler',
  reason: 'Raison', version: 'Version {v}', sumSplit: 'La répartition doit faire 100 %.', noChanges: 'Aucun changement.',
  axis_weight: 'Poids', axis_potential: 'Potentiel', loading: 'Chargement…', error: 'Erreur : {d}', outcome: 'Résultat',
};
const en = {
  calls: 'To call', book: 'Book', board: 'Quotes', dashboard: 'Dashboard', plans: 'Action plans',
  model: 'Commercial model', signOut: 'Sign out', 'role.telemarketer': 'Telemarketing', 'role.backoffice': 'Technical service',
  'role.manager': 'Sales management', 'role.admin': 'Administration', callList: 'Accounts to call',
  callHint: 'Visit due by the cadence, nothing booked. A first, most overdue on top.', late: '{n} d late',
  dueIn: 'in {n} d', neverVisited: 'never visited', lastContact: 'Last contact', owner: 'Rep', allSegments: 'All segments',
  more: 'Show more', searchAccount: 'Account, town or postcode', noResult: 'No account.', repWeek: 'Week of {name}', weekOf: 'from Monday {d}',
  slots: 'Best slots', addedDrive: '+{n} min driving', noSlots: 'No free slot.', manualSlot: 'Other slot', date: 'Date',
  time: 'Time', duration: 'Duration (min)', contact: 'Contact', purpose: 'Purpose', confirmBooking: 'Book',
  booked: 'Appointment booked.', overlap: 'Slot taken or outside working hours.',
  chooseAccount: 'Search an account to see the rep’s week and free slots.', chosenSlot: 'Chosen slot',
  'col.new': 'To take', 'col.in_progress': 'In progress', 'col.quoted': 'Quoted', 'col.closed': 'Closed',
  'col.undeliverable': 'Undeliverable', target: 'Target {n} h', targetTurnaround: 'Target turnaround', age: '{n} h', amount: 'Amount (€)', note: 'Note',
  take: 'Take', quoteIt: 'Quote', markWon: 'Won', markLost: 'Lost', retry: 'Retry', deliveryLog: 'Delivery log',
  attempts: 'Attempts: {n}', lastError: 'Last error', history: 'History', rep: 'Rep', account: 'Account', items: 'Items',
  photos: 'Photos', close: 'Close', done: 'Done.', from: 'From', to: 'To', team: 'Team', allReps: 'Whole team',
  exportCsv: 'Export (CSV)', refresh: 'Refresh', visitsDone: 'Visits done', planned: 'Planned',
  plannedHelp: 'Days covered by an action plan: {plan} (the plan’s target, prorated). Other days: {cadence}, {worked} of them worked (the segment’s cadence over working days).', coverage: 'Coverage',
  timeShare: 'Time share', timeTarget: 'Target', conversion: 'Conversion', turnaround: 'Quote turnaround (median / p90)',
  averageBasket: 'Average basket', revenue: 'Revenue won', opportunities: 'Opportunities', attainment: 'Objectives reached',
  requested: 'Requested', quoted: 'Quoted', won: 'Won', lost: 'Lost', byRep: 'By rep', calls_: 'Calls', accounts: 'Accounts',
  newPlan: 'New plan', periodStart: 'Start', periodEnd: 'End', visits: 'Visits', callsTarget: 'Calls',
  revenueTarget: 'Revenue (€)', notes: 'Notes', save: 'Save', delete: 'Delete', progress: 'Progress',
  expected: 'expected by now {n}', noPlans: 'No action plan.', criteria: 'Criteria', weight: 'Weight',
  thresholds: 'Thresholds (0–100)', cadence: 'Cadence per segment', visitsPerYear: 'Visits / year',
  callsPerYear: 'Calls / year', visitMinutes: 'Visit length (min)', timeSplit: 'Time split', dryRun: 'Dry run',
  apply: 'Apply', dryRunResult: '{n} account(s) would change segment', applied: 'Model v{v} applied: {n} account(s) changed.',
  dataCoverage: 'Data present', overrides: 'Segments overridden by reps', accept: 'Accept', revert: 'Revert',
  reason: 'Reason', version: 'Version {v}', sumSplit: 'The split must add up to 100 %.', noChanges: 'No change.',
  axis_weight: 'Weight', axis_potential: 'Potential', loading: 'Loading…', error: 'Error: {d}', outcome: 'Outcome',
};
Object.assign(fr, setup.fr);
Object.assign(en, setup.en);
const dictionaries = { fr, en };

/** w('late', {n: 3}) → "retard 3 j"; falls back to the tablet app's words. */
export function w(key, vars) {
  const text = dictionaries[lang.value][key] ?? fr[key];
  if (text === undefined) return t(key, vars);
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
}

export const money = (n) => (n == null ? '–' : `${Math.round(n).toLocaleString(lang.value === 'en' ? 'en-GB' : 'fr-FR')} €`);
export const pct = (x) => (x == null ? '–' : `${Math.round(x * 100)} %`);
