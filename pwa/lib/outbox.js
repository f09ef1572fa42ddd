// Local writes, named after what the rep does. Each one changes the local
// record and appends its mutation (API.md Sync → push) in one transaction,
// then asks the sync client for a push soon. The UI never waits for the network.
import { commit, getRecord } from './db.js';
import { afterVisit, applyChanges, uuidv7 } from './changes.js';

const listeners = new Set();
/** The sync client subscribes here to push shortly after a write. */
export const onWrite = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
const wrote = () => listeners.forEach((fn) => fn());

const mutation = (entity, op, id, changes, baseVersion) => ({
  mutation_id: uuidv7(), entity, op, id, changes, client_time: new Date().toISOString(),
  ...(op === 'create' ? {} : { base_version: baseVersion ?? 0 }),
});

/** Create a record offline; `fields` are exactly the API.md fields sent, `local` fields stay on the tablet. */
async function create(entity, fields, { id = uuidv7(), local = {}, attachments = [], moved = null } = {}) {
  const record = { id, version: 0, ...fields, ...local, _local: true };
  await commit(entity, record, mutation(entity, 'create', id, fields), attachments, moved);
  wrote();
  return record;
}

/** Change some fields of a record; base_version is the version this tablet last saw. */
export async function update(entity, id, changes) {
  const current = await getRecord(entity, id);
  if (!current) throw new Error(`${entity} ${id} is not on this tablet`);
  const record = applyChanges(current, changes);
  await commit(entity, record, mutation(entity, 'update', id, changes, current.version));
  wrote();
  return record;
}

// ---- what a rep does ----

/** Account fields a rep may edit: name, address, phone, email, notes, segment_override, custom keys; tags go through editTags. */
export const editAccount = (id, changes) => update('account', id, changes);
export const editTags = (id, add = [], remove = []) => update('account', id, { tags: { add, remove } });

/**
 * Log a visit. Visits are append-only on the server.
 * The check-in position goes as `lat`/`lon` (server/visits/entity.py accepts them from a
 * rep and computes `verified` itself). TODO(API.md): Records does not list visit
 * lat/lon/verified yet; the tablet's own `verified` stays local (_verified) until it does.
 */
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
  // The account screen's last visit and due date move at once, not at the next sync.
  const account = afterVisit(await getRecord('account', account_id), fields);
  const visit = await create('visit', fields, { id, local, attachments, moved: account && { entity: 'account', record: account } });
  if (next_action && next_due) {
    // The follow-up after a meeting (PRODUCT.md: automatic follow-ups) becomes a task.
    await create('task', {
      account_id, visit_id: visit.id, title: next_action, kind: 'todo',
      due_at: new Date(`${next_due}T09:00:00`).toISOString(), status: 'open', notes: null,
    }, { local: { rep_id } });
  }
  return visit;
}

/** A quote request with its photos (blobs kept in IndexedDB until uploaded). */
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
  // Shown as "on this tablet" until the server's status comes back with a pull.
  const local = { status: 'submitted', created_at: new Date().toISOString() };
  return create('quote_request', fields, { id, local, attachments });
}

/**
 * Days the rep will not work (leave, training, sickness), both included: an `absence`
 * (API.md → Working days). Synced like the rest; the server then drops those days from the
 * tours and from the slots telemarketers are offered.
 */
export const declareAbsence = ({ first_day, last_day, reason = 'leave', note = null }) =>
  create('absence', { first_day, last_day, reason, note: note || null });

/** A contact met on site: name, roles (decision_maker, billing, technical…), phone, e-mail, custom values. */
export const createContact = (fields) => create('contact', { roles: [], custom: {}, ...fields });
/** Contact changes: only the fields given; `custom` names only its changed keys (PROTOCOL M7). */
export const editContact = (id, changes) => update('contact', id, changes);

/**
 * A prospect met on the road, owned by the rep (the server sets owner_id), with its first
 * contact and a storefront photo (kept in IndexedDB until uploaded, like quote photos).
 */
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

/** An opportunity opened on site, before any quote (server/forecast/entity.py). */
// Kept in the store's shared table of other entities, keyed by [entity, id].
export const openOpportunity = ({ account_id, amount, expected_close, category, maturity, title = null }) =>
  create('opportunity', { account_id, amount, expected_close, category, maturity, title },
    { local: { entity: 'opportunity', created_at: new Date().toISOString() } });
