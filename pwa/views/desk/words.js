// Words of the desk screens (telemarketer, back office, manager), French first.
// Same language switch as the tablet app (lib/i18n.js's `lang`); unknown keys fall
// back to the tablet app's dictionary, so shared words stay in one place.
import { lang, t } from '../../lib/i18n.js';
import * as setup from './words-setup.js';
import * as records from './words-records.js';

const fr = {
  forecast: 'Prévisions', 'fc.won': 'Gagné', 'fc.weighted': 'Pondéré', 'fc.commit': 'Engagé', 'fc.best_case': 'Meilleur cas',
  'fc.adjustment': 'Ajustements', 'fc.open': 'Ouvertes', 'fc.groupBy': 'Par', 'fc.by.month': 'Mois', 'fc.by.rep': 'Commercial',
  'fc.by.segment': 'Segment', 'fc.by.product_line': 'Gamme', 'fc.backtest': 'Prévision du 1er du mois et CA gagné',
  'fc.actual': 'Gagné', 'fc.forecast': 'Prévision', 'fc.stageBaseline': 'Probabilités fixes par étape',
  'fc.mape': 'Erreur moyenne (MAPE) {m} — probabilités fixes {s}, mois précédent {l} ; biais {b}',
  'fc.model': 'Modèle de probabilité', 'fc.kind.calibrated': 'Appris sur {n} affaires conclues',
  'fc.kind.stage': 'Historique trop court ({n} affaires) : probabilités fixes par étape', 'fc.band': 'Tranche',
  'fc.examples': 'Exemples', 'fc.predicted': 'Prévu', 'fc.observed': 'Observé', 'fc.pipeline': 'Affaires ouvertes par étape et catégorie',
  'fc.guessed': 'montant estimé : ni devis chiffré ni estimation du commercial, le montant moyen gagné de la gamme',
  'fc.deals': 'Affaires', 'fc.stage': 'Étape', 'fc.category': 'Catégorie', 'fc.close': 'Clôture prévue',
  'fc.probability': 'Probabilité', 'fc.stage.lead': 'Piste', 'fc.stage.requested': 'Devis demandé',
  'fc.stage.in_progress': 'En chiffrage', 'fc.stage.quoted': 'Chiffré', 'fc.cat.pipeline': 'Pipeline',
  'fc.cat.best_case': 'Meilleur cas', 'fc.cat.commit': 'Engagé', 'fc.adjust': 'Ajuster',
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
  visitsDone: 'Visites faites', planned: 'Prévues', plannedWhy: 'Comment «\u00a0Prévues\u00a0» est compté',
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
  'delivery.pending': 'en attente d’envoi', 'delivery.delivered': 'transmise', 'delivery.undeliverable': 'non distribuée',
  'channel.webhook': 'webhook', 'channel.email': 'e-mail', 'channel.inbox': 'boîte de réception',
};
const en = {
  forecast: 'Forecast', 'fc.won': 'Won', 'fc.weighted': 'Weighted', 'fc.commit': 'Commit', 'fc.best_case': 'Best case',
  'fc.adjustment': 'Adjustments', 'fc.open': 'Open', 'fc.groupBy': 'By', 'fc.by.month': 'Month', 'fc.by.rep': 'Rep',
  'fc.by.segment': 'Segment', 'fc.by.product_line': 'Product line', 'fc.backtest': 'Forecast on the 1st of the month and revenue won',
  'fc.actual': 'Won', 'fc.forecast': 'Forecast', 'fc.stageBaseline': 'Fixed stage probabilities',
  'fc.mape': 'Mean error (MAPE) {m} — fixed stage probabilities {s}, last month {l}; bias {b}',
  'fc.model': 'Probability model', 'fc.kind.calibrated': 'Learned from {n} closed deals',
  'fc.kind.stage': 'History too short ({n} deals): fixed stage probabilities', 'fc.band': 'Band',
  'fc.examples': 'Examples', 'fc.predicted': 'Predicted', 'fc.observed': 'Observed', 'fc.pipeline': 'Open deals by stage and category',
  'fc.guessed': 'estimated amount: neither a quoted amount nor the rep’s estimate, the mean won amount of its product line',
  'fc.deals': 'Deals', 'fc.stage': 'Stage', 'fc.category': 'Category', 'fc.close': 'Expected close',
  'fc.probability': 'Probability', 'fc.stage.lead': 'Lead', 'fc.stage.requested': 'Quote requested',
  'fc.stage.in_progress': 'Being quoted', 'fc.stage.quoted': 'Quoted', 'fc.cat.pipeline': 'Pipeline',
  'fc.cat.best_case': 'Best case', 'fc.cat.commit': 'Commit', 'fc.adjust': 'Adjust',
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
  exportCsv: 'Export (CSV)', refresh: 'Refresh', visitsDone: 'Visits done', planned: 'Planned', plannedWhy: 'How “Planned” is counted',
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
  'delivery.pending': 'waiting to be sent', 'delivery.delivered': 'delivered', 'delivery.undeliverable': 'undeliverable',
  'channel.webhook': 'webhook', 'channel.email': 'e-mail', 'channel.inbox': 'inbox',
};
Object.assign(fr, setup.fr, records.fr);
Object.assign(en, setup.en, records.en);
export const dictionaries = { fr, en }; // exported for the language check of the browser tests

/** w('late', {n: 3}) → "retard 3 j"; falls back to the tablet app's words. */
export function w(key, vars) {
  const text = dictionaries[lang.value][key] ?? fr[key];
  if (text === undefined) return t(key, vars);
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
}

// Through Intl (lib/i18n.js): cents when there are cents, the locale's own percent sign.
export { fmtMoney as money, fmtPercent as pct } from '../../lib/i18n.js';
