// The company's custom fields, account statuses and product lines, for both apps (kept offline on the tablet).
import { signal } from '../vendor/signals-core.mjs';
import { api } from './api.js';
import { lang, fmtNumber } from './lang.js';
import { word, productLines } from './words.js';

export const customFields = signal([]);
export const accountStatuses = signal([]);

/** Show these lists; without `lines` the current ones stay. */
export function showFields({ fields, statuses, lines }) {
  customFields.value = fields || [];
  accountStatuses.value = statuses || [];
  if (lines) productLines.value = lines;
}

/** The server's lists, shown and returned for the tablet to keep. */
export async function fetchFields() {
  const [fields, statuses, lines] = await Promise.all([api('/api/custom-fields'), api('/api/account-statuses'),
    api('/api/product-lines')]);
  const lists = { fields, statuses: statuses.items, lines: lines.items };
  showFields(lists);
  return lists;
}

/** The desk (no sync): the company's product lines. */
export async function refreshProductLines() {
  try { productLines.value = (await api('/api/product-lines')).items; } catch { /* the built-in list stays */ }
}

/** A status in words: the company's label, else the built-in word, else the key. */
export function statusLabel(key) {
  const status = accountStatuses.value.find((s) => s.key === key);
  return status ? (status.label?.[lang.value] || status.label?.fr || key) : word('account', key);
}

export const fieldsOf = (entity) => customFields.value.filter((f) => f.entity === entity);
export const fieldLabel = (f) => f.label?.[lang.value] || f.label?.fr || f.key;
/** A choice option in words: its label in the current language, else the stored value. */
export const optionLabel = (f, o) => f.option_labels?.[o]?.[lang.value] || o;

/** An input's text as the field's value (null when empty); throws on a value the type refuses. */
export function parseInput(field, raw) {
  if (raw == null) return null;
  if (field.type === 'choices') return raw.length ? raw : null;
  if (field.type === 'boolean') return raw === '' ? null : raw === 'true';
  const text = String(raw ?? '').trim();
  if (!text) return null;
  if (field.type === 'number') {
    // as inputValue writes it; a French "3.5" is read too
    const plain = lang.value === 'en' ? text.replace(/[\s,]/g, '') : text.replace(/\s/g, '').replace(',', '.');
    const n = Number(plain);
    if (!Number.isFinite(n)) throw new Error(field.key);
    return n;
  }
  return text;
}

export function inputValue(field, value) {
  if (field.type === 'choices') return Array.isArray(value) ? value : [];
  if (field.type === 'boolean') return value == null ? '' : String(value);
  if (field.type === 'number' && typeof value === 'number') return fmtNumber(value, 10);
  return value == null ? '' : String(value);
}

/** `{key: value|null}` of the inputs differing from the stored values (PROTOCOL M7). */
export function changedKeys(fields, form, stored) {
  const changes = {};
  for (const f of fields) {
    const value = parseInput(f, form[f.key]);
    const before = (stored || {})[f.key] ?? null;
    if (JSON.stringify(value) !== JSON.stringify(before)) changes[f.key] = value;
  }
  return changes;
}
