// The words both apps show (one word for one thing), French first, and product lines; the
// tablet's (lib/i18n.js) and the desk's (views/desk/words.js) catalogues add theirs.
import { signal } from '../vendor/signals-core.mjs';
import { lang, locale, fmtNumber } from './lang.js';

const fr = {
  // The sign-in pages.
  login: 'Connexion', email: 'E-mail', password: 'Mot de passe', signIn: 'Se connecter',
  badLogin: 'E-mail ou mot de passe incorrect.', tooMany: 'Trop de tentatives, réessayez dans un moment.',
  offlineLogin: 'Pas de réseau : la connexion demande le réseau une première fois.',
  otherUser: 'Des modifications d’un autre utilisateur attendent sur cette tablette : reconnectez-vous avec {email}.',
  forgot: 'Mot de passe oublié ?', forgotTitle: 'Mot de passe oublié', sendLink: 'Recevoir un lien',
  linkSent: 'Si cette adresse a un compte, un lien valable 1 heure vient d’y être envoyé.',
  askAdmin: 'Ce serveur ne peut pas envoyer d’e-mail : demandez un lien de nouveau mot de passe à votre administrateur.',
  choosePassword: 'Choisir mon mot de passe', newPassword: 'Nouveau mot de passe', confirmPassword: 'Confirmer',
  passwordRules: 'Au moins 12 caractères, ou une phrase d’au moins 4 mots. Ni votre nom ni votre adresse e-mail, ni rien qui s’en approche, ni un mot de passe courant (« azerty123 »…).',
  passwordsDiffer: 'Les deux saisies diffèrent.', passwordSet: 'Mot de passe enregistré : connectez-vous.',
  badLink: 'Ce lien a déjà servi, a expiré ou est inconnu : demandez-en un nouveau.',
  backToLogin: 'Retour à la connexion', online: 'En ligne', offline: 'Hors ligne', language: 'English',
  logout: 'Se déconnecter',
  // Accounts, contacts and forms.
  accounts: 'Comptes', address: 'Adresse', postcode: 'Code postal', city: 'Ville', contact: 'Contact',
  contacts: 'Contacts', leftOn: 'Parti le {d}', customFields: 'Informations complémentaires', yes: 'Oui', no: 'Non',
  required: 'Obligatoire', notes: 'Notes', segment: 'Segment', reason: 'Raison', weight: 'Poids',
  potential: 'Potentiel', dueDate: 'Échéance', lunch: 'Pause déjeuner', save: 'Enregistrer', cancel: 'Annuler',
  duplicateBy: 'même {what}', 'dup.name': 'nom et code postal', 'dup.siret': 'SIRET', 'dup.phone': 'téléphone',
  mergeDifferent: 'Sociétés différentes', mergeDismissed: 'Suggestion écartée.',
  // Quote requests, visits, the pipeline.
  quote: 'Demande de devis', productLine: 'Gamme de produits', label: 'Désignation', quantity: 'Quantité',
  unit: 'Unité', urgency: 'Urgence', 'urgency.normal': 'Normale', 'urgency.urgent': 'Urgente',
  'status.submitted': 'Envoyée', 'status.routed': 'Transmise', 'status.in_progress': 'En cours',
  'status.quoted': 'Chiffrée', 'status.won': 'Gagnée', 'status.lost': 'Perdue', 'status.cancelled': 'Annulée',
  'status.undeliverable': 'Non distribuée', 'status.local': 'Sur la tablette', 'kind.onsite': 'Sur place',
  'kind.phone': 'Téléphone', 'kind.video': 'Visio', 'outcome.interested': 'Intéressé',
  'outcome.follow-up': 'À relancer', 'outcome.quote-requested': 'Devis demandé', 'outcome.order': 'Commande',
  'outcome.not-interested': 'Pas intéressé', 'outcome.absent': 'Absent', 'pl.category': 'Catégorie',
  'pl.close': 'Clôture prévue', 'pl.cat.pipeline': 'Pipeline', 'pl.cat.best_case': 'Meilleur cas',
  'pl.cat.commit': 'Engagé', 'pl.fig.won': 'Gagné', 'pl.fig.weighted': 'Pondéré', 'pl.fig.commit': 'Engagé',
  'pl.fig.best_case': 'Meilleur cas', 'pl.stage.lead': 'Piste', 'pl.stage.requested': 'Devis demandé',
  'pl.stage.in_progress': 'En chiffrage', 'pl.stage.quoted': 'Chiffré',
  // Enum values of the API, in words.
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Ancien client',
  'account.competitor': 'Concurrent', 'account.partner': 'Partenaire', 'account.other': 'Autre',
  'entity.account': 'Compte', 'entity.contact': 'Contact', 'entity.visit': 'Visite', 'entity.task': 'Tâche',
  'entity.appointment': 'Rendez-vous', 'entity.absence': 'Absence', 'entity.quote_request': 'Demande de devis',
  'entity.attachment': 'Photo',
  // The titles of the tasks the server makes (task.title_key; server/segmentation/followups.py).
  'taskTitle.recurring_visit': 'Visite récurrente',
  // Counts and lengths (count, fmtHours).
  'items.one': '{n} article', 'items.other': '{n} articles', 'days.short': '{n} j', 'hours.short': '{n} h',
  'minutes.short': '{n} min',
};
const en = {
  login: 'Sign in', email: 'E-mail', password: 'Password', signIn: 'Sign in', badLogin: 'Wrong e-mail or password.',
  tooMany: 'Too many attempts, try again later.',
  offlineLogin: 'No network: signing in needs the network the first time.',
  otherUser: 'Changes of another user are waiting on this tablet: sign in as {email}.',
  forgot: 'Forgot your password?', forgotTitle: 'Forgotten password', sendLink: 'Send me a link',
  linkSent: 'If this address has an account, a link valid 1 hour has just been sent to it.',
  askAdmin: 'This server cannot send e-mail: ask your administrator for a new-password link.',
  choosePassword: 'Choose my password', newPassword: 'New password', confirmPassword: 'Confirm',
  passwordRules: 'At least 12 characters, or a passphrase of at least 4 words. Not your name or e-mail address, nor close to them, nor a common password ("qwerty123"…).',
  passwordsDiffer: 'The two entries differ.', passwordSet: 'Password saved: sign in.',
  badLink: 'This link was already used, has expired or is unknown: ask for a new one.', backToLogin: 'Back to sign-in',
  online: 'Online', offline: 'Offline', language: 'Français', logout: 'Sign out',
  accounts: 'Accounts', address: 'Address', postcode: 'Postcode', city: 'Town', contact: 'Contact',
  contacts: 'Contacts', leftOn: 'Left on {d}', customFields: 'More information', yes: 'Yes', no: 'No',
  required: 'Required', notes: 'Notes', segment: 'Segment', reason: 'Reason', weight: 'Weight', potential: 'Potential',
  dueDate: 'Due date', lunch: 'Lunch break', save: 'Save', cancel: 'Cancel', duplicateBy: 'same {what}',
  'dup.name': 'name and postcode', 'dup.siret': 'SIRET', 'dup.phone': 'phone', mergeDifferent: 'Different companies',
  mergeDismissed: 'Suggestion dismissed.',
  quote: 'Quote request', productLine: 'Product line', label: 'Label', quantity: 'Quantity', unit: 'Unit',
  urgency: 'Urgency', 'urgency.normal': 'Normal', 'urgency.urgent': 'Urgent', 'status.submitted': 'Submitted',
  'status.routed': 'Routed', 'status.in_progress': 'In progress', 'status.quoted': 'Quoted', 'status.won': 'Won',
  'status.lost': 'Lost', 'status.cancelled': 'Cancelled', 'status.undeliverable': 'Undeliverable',
  'status.local': 'On this tablet', 'kind.onsite': 'On site', 'kind.phone': 'Phone', 'kind.video': 'Video',
  'outcome.interested': 'Interested', 'outcome.follow-up': 'Follow up', 'outcome.quote-requested': 'Quote requested',
  'outcome.order': 'Order', 'outcome.not-interested': 'Not interested', 'outcome.absent': 'Absent',
  'pl.category': 'Category', 'pl.close': 'Expected close', 'pl.cat.pipeline': 'Pipeline',
  'pl.cat.best_case': 'Best case', 'pl.cat.commit': 'Commit', 'pl.fig.won': 'Won', 'pl.fig.weighted': 'Weighted',
  'pl.fig.commit': 'Commit', 'pl.fig.best_case': 'Best case', 'pl.stage.lead': 'Lead',
  'pl.stage.requested': 'Quote requested', 'pl.stage.in_progress': 'Being quoted', 'pl.stage.quoted': 'Quoted',
  'account.client': 'Client', 'account.prospect': 'Prospect', 'account.former_client': 'Former client',
  'account.competitor': 'Competitor', 'account.partner': 'Partner', 'account.other': 'Other',
  'entity.account': 'Account', 'entity.contact': 'Contact', 'entity.visit': 'Visit', 'entity.task': 'Task',
  'entity.appointment': 'Appointment', 'entity.absence': 'Absence', 'entity.quote_request': 'Quote request',
  'entity.attachment': 'Photo',
  'taskTitle.recurring_visit': 'Recurring visit',
  'items.one': '{n} item', 'items.other': '{n} items', 'days.short': '{n} d', 'hours.short': '{n} h',
  'minutes.short': '{n} min',
};
export const dictionaries = { fr, en };

/** Lookups of a catalogue `{fr, en}` (or a function giving the languages loaded so far):
 * t('overdue', {n: 3}) → "En retard de 3 j" (else French, else the key);
 * word('role', 'decision_maker') → "Décideur" (unknown enum values as they are);
 * count('items', 1) → "1 article" (`.one`/`.other` by Intl.PluralRules). */
export function wordsOf(catalogue) {
  const t = (key, vars) => {
    const all = typeof catalogue === 'function' ? catalogue() : catalogue;
    const words = all[lang.value] ?? all.fr ?? all.en ?? dictionaries[lang.value];
    const text = words[key] ?? all.fr?.[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
  };
  const word = (kind, value) => {
    if (value == null || value === '') return '';
    const key = `${kind}.${value}`;
    const text = t(key);
    return text === key ? String(value) : text;
  };
  const count = (key, n, vars) => t(`${key}.${new Intl.PluralRules(locale()).select(n) === 'one' ? 'one' : 'other'}`, { ...vars, n: fmtNumber(n, 0) });
  return { t, word, count };
}
export const { t, word, count } = wordsOf(dictionaries);

/** A task's title: the words of its `title_key` (a task the server made) in the user's language,
 * else `title` as typed (also for a key this app does not know yet). */
export function taskTitle(task) {
  const text = task.title_key ? word('taskTitle', task.title_key) : '';
  return text && text !== task.title_key ? text : task.title;
}

/** Hours in words: 76 → "3 j 4 h"; 5.5 → "5 h 30"; 0.2 → "12 min". */
export function fmtHours(hours) {
  if (hours == null) return '–';
  const total = Math.round(hours * 60);
  const days = Math.floor(total / 1440), h = Math.floor((total % 1440) / 60), m = total % 60;
  if (days) return h ? `${t('days.short', { n: fmtNumber(days, 0) })} ${t('hours.short', { n: h })}` : t('days.short', { n: fmtNumber(days, 0) });
  if (!h) return t('minutes.short', { n: fmtNumber(m, 0) });
  if (m && h < 10) return `${h} h ${String(m).padStart(2, '0')}`;
  return t('hours.short', { n: h });
}

// Product lines (keys as the server routes them); older spellings show the label they fold to.
// The server's built-in list until lib/fields.js sets the company's: words on a first start offline.
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
/** The line a text names (key, label or alias; case and accents aside), or undefined. */
export function lineFor(value) {
  if (linesIndexed !== productLines.value) {
    linesIndexed = productLines.value;
    lineOf = new Map(linesIndexed.flatMap((line) => [line.key, ...Object.values(line.label || {}), ...(line.aliases || [])]
      .map((name) => [fold(name), line])));
  }
  return value == null || value === '' ? undefined : lineOf.get(fold(value));
}
/** productLine('pièces') → "Pièces détachées". */
export function productLine(value) {
  if (value == null || value === '') return '';
  const line = lineFor(value);
  return line ? (line.label[lang.value] || line.label.fr) : String(value);
}
