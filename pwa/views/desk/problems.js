// A refusal of the server (RFC 9457 problem+json, server/errors.py) as one line for a toast. The
// server names a nested field by its path (items.3.label.fr, criteria.0.weight); the reader gets
// the line, counted from 1, and the field in the words of the screen it typed in.
import { colon } from '../../lib/lang.js';
import { customFields, fieldLabel } from '../../lib/fields.js';
import { w } from './words.js';

// The server's field names in the desk's words (the headings of its forms and tables); null: a
// wrapper the reader never sees (a list, the changes of a mutation, marshmallow's dict value).
const NAMES = {
  _schema: null, items: null, mutations: null, changes: null, targets: null, value: null,
  key: 'fieldKey', label: 'label', 'label.fr': 'fieldLabelFr', 'label.en': 'fieldLabelEn', fr: 'fieldLabelFr',
  en: 'fieldLabelEn', entity: 'fieldEntity', type: 'fieldType', options: 'fieldOptions', option_labels: 'optionLabels',
  required: 'required', kind: 'lifecycle', aliases: 'lineAliases',
  criteria: 'criteria', weight: 'weight', potential: 'potential', thresholds: 'thresholds', cadence: 'cadence',
  visits_per_year: 'visitsPerYear', calls_per_year: 'callsPerYear', visit_minutes: 'visitMinutes', time_split: 'timeSplit',
  name: 'name', email: 'email', role: 'roleLabel', team_id: 'team', locale: 'language', time_zone: 'timeZone',
  home: 'homeBase', address: 'address', postcode: 'postcode', city: 'city', working_hours: 'workingHours', lunch: 'lunch',
  mon: 'day.mon', tue: 'day.tue', wed: 'day.wed', thu: 'day.thu', fri: 'day.fri', sat: 'day.sat', sun: 'day.sun',
  manager_id: 'teamManager', holidays: 'teamHolidays',
  rep_id: 'rep', account_id: 'account', contact_id: 'contact', start: 'chosenSlot', end: 'duration', purpose: 'purpose',
  period_start: 'periodStart', period_end: 'periodEnd', visits: 'visits', calls: 'calls_', revenue: 'revenueTarget',
  notes: 'notes', month: 'fc.by.month', amount: 'amount', reason: 'reason',
  priority: 'priority', product_line: 'productLine', postcode_prefix: 'postcode', urgency: 'urgency', channel: 'channel',
  webhook_url: 'webhookUrl', member_ids: 'members', technical_team_ids: 'technicalTeams', is_default: 'defaultTeam',
};

/** 'items.3.label.fr' → "Ligne 4 · Libellé (français)"; 'custom.siret' → the custom field's label.
 * `names` overrides NAMES for one screen; a name the desk has no word for stays as it is. */
export function fieldPlace(path, names = {}) {
  const word = (name) => (name in names ? names[name] : NAMES[name]);
  const parts = path.split('.');
  const place = [];
  let line = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i], pair = `${part}.${parts[i + 1]}`;
    if (/^\d+$/.test(part)) {
      // The row of the list the reader filled; a position inside a cell (an alias) is the cell's.
      if (!line) place.push(`${w('line')} ${Number(part) + 1}`);
      line = true;
    } else if (part === 'custom' && parts[i + 1]) {
      const key = parts[++i];
      const field = customFields.value.find((f) => f.key === key);
      place.push(field ? fieldLabel(field) : key);
    } else if (word(pair) !== undefined) {
      if (word(pair)) place.push(w(word(pair)));
      i++;
    } else if (word(part) !== undefined) {
      if (word(part)) place.push(w(word(part)));
    } else place.push(part);
  }
  return place.join(' · ');
}

/** The problem's detail, then each refused field where the reader finds it, for a toast. */
export function problemText(e, names) {
  const fields = Object.entries(e?.problem?.errors || {}).map(([path, messages]) => {
    const place = fieldPlace(path, names);
    const text = [].concat(messages).join(', ');
    return place ? `${place}${colon()}${text}` : text;
  });
  return [e?.message, ...fields].filter(Boolean).join(' — ');
}

/** `e` with its `items.N…` paths renumbered to the screen's rows: `rows[N]` is the position on
 * screen of the N-th item sent (an editor leaves its blank rows out, so the server's item 3
 * may be the reader's fifth row). */
export function onScreenRows(e, rows) {
  const errors = e?.problem?.errors;
  if (!errors) return e;
  const renamed = Object.fromEntries(Object.entries(errors).map(([path, messages]) => [
    path.replace(/^items\.(\d+)(?=\.|$)/, (whole, n) => (n in rows ? `items.${rows[n]}` : whole)), messages]));
  return { message: e.message, problem: { ...e.problem, errors: renamed } };
}
