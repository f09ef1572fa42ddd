// Local writes named after what the rep does: record and mutation in one transaction, then a
// push soon; the UI never waits for the network.
import { commit, getRecord } from './db.js';
import { afterVisit, applyChanges, uuidv7 } from './changes.js';

const listeners = new Set();
export const onWrite = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
const wrote = () => listeners.forEach((fn) => fn());

const mutation = (entity, op, id, changes, baseVersion) => ({
  mutation_id: uuidv7(), entity, op, id, changes, client_time: new Date().toISOString(),
  ...(op === 'create' ? {} : { base_version: baseVersion ?? 0 }),
});

/** `fields`: the API.md fields sent; `local`: fields kept on the tablet. */
async function create(entity, fields, { id = uuidv7(), local = {}, attachments = [], moved = null, kept = {} } = {}) {
  const record = { id, version: 0, ...fields, ...local, _local: true };
  await commit(entity, record, { ...mutation(entity, 'create', id, fields), ...kept }, attachments, moved);
  wrote();
  return record;
}

/** `undo`: keep the fields' values before the change beside the mutation (never sent), so a
 * refusal puts them back (db.acknowledge): no pull would, the server's copy did not change. */
export async function update(entity, id, changes, { undo = false } = {}) {
  const current = await getRecord(entity, id);
  if (!current) throw new Error(`${entity} ${id} is not on this tablet`);
  const record = applyChanges(current, changes);
  const was = undo ? { was: Object.fromEntries(Object.keys(changes).map((k) => [k, current[k] ?? null])) } : {};
  await commit(entity, record, { ...mutation(entity, 'update', id, changes, current.version), ...was });
  wrote();
  return record;
}


export const editAccount = (id, changes) => update('account', id, changes);
export const editTags = (id, add = [], remove = []) => update('account', id, { tags: { add, remove } });

/** Log a visit (append-only). The server computes `verified` from `lat`/`lon`; ours stays local
 * (_verified) until API.md lists it. */
export async function logVisit({ account_id, appointment_id = null, started_at, kind, outcome, notes, maturity, next_action, next_due, geo, rep_id, photos = [] }) {
  const id = uuidv7();
  const attachments = photos.map((blob) => ({
    id: uuidv7(), owner_id: id, blob, type: blob.type, size: blob.size, created_at: new Date().toISOString(),
  }));
  const fields = {
    account_id, appointment_id, started_at, ended_at: new Date().toISOString(), kind, outcome,
    notes: notes || null, maturity: maturity ? Number(maturity) : null, next_action: next_action || null,
    ...(geo ? { lat: geo.lat, lon: geo.lon } : {}),
    ...(attachments.length ? { attachment_ids: attachments.map((a) => a.id) } : {}),
  };
  const local = { rep_id, ...(geo ? { _verified: geo.verified } : {}) };
  // The account's visit dates move at once, not at the next sync.
  const before = await getRecord('account', account_id);
  const account = afterVisit(before, fields);
  // The dates before, beside the mutation (never sent): a refusal puts them back (db.acknowledge)
  // even when the server's copy cannot be read at that moment.
  const kept = account ? { moved_was: { last_visit_at: before.last_visit_at ?? null, next_due_at: before.next_due_at ?? null } } : {};
  const visit = await create('visit', fields, { id, local, attachments, kept, moved: account && { entity: 'account', record: account } });
  if (next_action && next_due) {
    // PRODUCT.md: automatic follow-ups.
    await create('task', {
      account_id, visit_id: visit.id, title: next_action, kind: 'todo',
      due_at: new Date(`${next_due}T09:00:00`).toISOString(), status: 'open', notes: null,
    }, { local: { rep_id } });
  }
  return visit;
}

/** A quote request with its photos (kept until uploaded). */
export async function requestQuote({ account_id, contact_id = null, visit_id = null, product_line, items, urgency, notes, photos = [] }) {
  const id = uuidv7();
  const attachments = photos.map((blob) => ({
    id: uuidv7(), owner_id: id, blob, type: blob.type, size: blob.size, created_at: new Date().toISOString(),
  }));
  const fields = {
    account_id, contact_id, visit_id, product_line, urgency, notes: notes || null,
    items: items.filter((i) => i.label.trim()).map((i) => ({ label: i.label.trim(), quantity: Number(i.quantity) || 1, unit: i.unit.trim() || 'u' })),
    attachment_ids: attachments.map((a) => a.id),
  };
  // "On this tablet" until a pull brings the server's status.
  const local = { status: 'submitted', created_at: new Date().toISOString() };
  return create('quote_request', fields, { id, local, attachments });
}

/** Days off, both included: an `absence` (API.md → Working days). */
export const declareAbsence = ({ first_day, last_day, reason = 'leave', note = null }) =>
  create('absence', { first_day, last_day, reason, note: note || null });

export const createContact = (fields) => create('contact', { roles: [], custom: {}, ...fields });
/** Only the fields given; `custom` with its changed keys only (PROTOCOL M7). */
export const editContact = (id, changes) => update('contact', id, changes);

/** A prospect met on the road, with its first contact and a storefront photo. */
export async function createProspect({ account, contact = null, photos = [] }) {
  const id = uuidv7();
  const attachments = photos.map((blob) => ({
    id: uuidv7(), owner_id: id, blob, type: blob.type, size: blob.size, created_at: new Date().toISOString(),
  }));
  const fields = { status: 'prospect', tags: [], custom: {}, ...account,
    ...(attachments.length ? { attachment_ids: attachments.map((a) => a.id) } : {}) };
  const record = await create('account', fields, { id, attachments, local: { segment: 'C' } });
  if (contact) await createContact({ ...contact, account_id: id });
  return record;
}

export const cancelQuote = (id) => update('quote_request', id, { status: 'cancelled' });
export const completeTask = (id) => update('task', id, { status: 'done' });

/** Move an own appointment (`start`, `end`: ISO date-times) or cancel it (`status: 'cancelled'`);
 * a refusal (day off, overlap) brings the agenda back to where it was. */
export const changeAppointment = (id, changes) => update('appointment', id, changes, { undo: true });

/** An opportunity opened on site, before any quote. */
export const openOpportunity = ({ account_id, amount, expected_close, category, maturity, title = null }) =>
  create('opportunity', { account_id, amount, expected_close, category, maturity, title },
    { local: { entity: 'opportunity', created_at: new Date().toISOString() } });
