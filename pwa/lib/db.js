// The local store, the only module touching IndexedDB: server records with pending mutations
// on top; a local write and its mutation share one transaction.
import { Dexie, liveQuery } from '../vendor/dexie.mjs';
import { signal } from '../vendor/signals-core.mjs';
import { rebase } from './changes.js';

export const ENTITIES = ['account', 'contact', 'visit', 'task', 'appointment', 'quote_request', 'tour_plan'];

/** null or {kind: 'blocked'|'quota'|'open', detail}: the shell says it, never a blank app. */
export const storageProblem = signal(null);

const db = new Dexie('tournee');
db.version(1).stores({
  account: 'id, name, city, next_due_at',
  contact: 'id, account_id',
  visit: 'id, account_id, started_at',
  task: 'id, account_id',
  appointment: 'id, account_id, start',
  quote_request: 'id, account_id, created_at',
  tour_plan: 'id, date',
  other: '[entity+id], entity',
  outbox: '++seq, &mutation_id, [entity+record_id]',
  rejected: '++seq, mutation_id',
  attachments: 'id, owner_id',
  meta: 'key',
});

// Others' photos of the rep's accounts, kept offline under THUMBS_MAX_BYTES.
db.version(2).stores({ thumbs: 'id, account_id, used_at' });

// A newer release in another tab: step aside, don't block it.
db.on('versionchange', () => { db.close(); storageProblem.value = { kind: 'blocked' }; return false; });
db.on('blocked', () => { storageProblem.value = { kind: 'blocked' }; });

const table = (entity) => (ENTITIES.includes(entity) ? db.table(entity) : db.other);
const key = (entity, id) => (ENTITIES.includes(entity) ? id : [entity, id]);

export class StorageFull extends Error { name = 'StorageFull'; }
const isQuota = (e) => e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError';
async function guarded(work) {
  try { return await work(); } catch (e) {
    if (isQuota(e)) { storageProblem.value = { kind: 'quota' }; throw new StorageFull(e.message); }
    throw e;
  }
}

export async function openDb() {
  try { await db.open(); } catch (e) {
    storageProblem.value = { kind: e.name === 'VersionError' ? 'blocked' : 'open', detail: e.message };
    throw e;
  }
  navigator.storage?.persist?.().catch(() => {});
}

/** live(() => getRecord('account', id)).subscribe(cb), across tabs too. */
export const live = (querier) => liveQuery(querier);

export const getMeta = async (k) => (await db.meta.get(k))?.value;
export const setMeta = (k, value) => guarded(() => db.meta.put({ key: k, value }));
/** {tokens, user} an earlier release kept here (removed), or null. */
export async function takeOldSession() {
  const [tokens, user] = [await getMeta('tokens'), await getMeta('user')];
  if (tokens || user) await db.meta.bulkDelete(['tokens', 'user']);
  return tokens && user ? { tokens, user } : null;
}

export const getRecord = (entity, id) => table(entity).get(key(entity, id));
export const allOf = (entity) => (ENTITIES.includes(entity) ? db.table(entity).toArray() : db.other.where('entity').equals(entity).toArray());
export const byAccount = (entity, accountId) => table(entity).where('account_id').equals(accountId).toArray();
export const accountsByIds = (ids) => db.account.bulkGet(ids);
export const accountCount = () => db.account.count();
export const appointmentsBetween = (from, to) => db.appointment.where('start').between(from, to, true, false).toArray();
/** The first `limit` accounts due on `day` (YYYY-MM-DD) when no plan is stored, ranked as
 * server/tours/due.py does (without its horizon, a setting the tablet lacks). */
const NEVER_VISITED_DAYS = 63; // as server/tours/due.py
// Booked, not yet visited (server/tours/due.py): due again a cadence after the appointment. The
// tablet has no cadence: the account's own one (next due − last visit; the server may have moved
// it to a worked day), or the default cadence's for an account never visited.
const CADENCE_DAYS = { A: 365 / 12, B: 365 / 4, C: 365 / 2 };
function afterBooking(a, at) {
  const next = a.next_due_at ? new Date(a.next_due_at) : null;
  if (!at) return next;
  const gap = next && a.last_visit_at ? next - new Date(a.last_visit_at) : (CADENCE_DAYS[a.segment] || CADENCE_DAYS.C) * 864e5;
  const after = new Date(at.getTime() + gap);
  return next && next > after ? next : after;
}
export async function dueAccounts(day, limit = 40) {
  const start = new Date(`${day}T00:00:00`);
  const end = new Date(start).setDate(start.getDate() + 1);
  const home = await getMeta('home');
  const rivals = ((await getMeta('account_statuses')) || [{ key: 'competitor', kind: 'competitor' }]).filter((s) => s.kind === 'competitor').map((s) => s.key);
  const cos = Math.cos((home?.lat * Math.PI) / 180);
  const booked = new Map(); // account → start of its latest kept appointment before the day
  for (const p of await db.appointment.toArray()) {
    const at = new Date(p.start);
    if (p.status !== 'cancelled' && at < start && !(booked.get(p.account_id) >= at)) booked.set(p.account_id, at);
  }
  const due = [];
  for (const a of await db.account.toArray()) {
    const base = { A: 30, B: 20 }[a.segment] || 10;
    const placed = a.lat != null && a.lon != null;
    const next = afterBooking(a, booked.get(a.id));
    if (rivals.includes(a.status) || !(next ? next < end : !a.last_visit_at)) continue;
    const late = next ? Math.max(0, Math.floor((start - next) / 864e5)) : NEVER_VISITED_DAYS;
    const far = !home ? 0 : placed ? (a.lat - home.lat) ** 2 + ((a.lon - home.lon) * cos) ** 2 : Infinity;
    due.push({ a, rank: base + Math.min(9, Math.floor(late / 7)), late, far });
  }
  // Names by code point, as the server; Infinity − Infinity is NaN: a tie.
  due.sort((x, y) => y.rank - x.rank || y.late - x.late || x.far - y.far || (x.a.name < y.a.name ? -1 : +(x.a.name > y.a.name)));
  return due.slice(0, limit).map((d) => d.a);
}
// Folded as server/common/search.py `fold`: "coeur" finds Cœur.
const LIGATURES = { œ: 'oe', æ: 'ae', ø: 'o', đ: 'd', ł: 'l' };
const fold = (text) => String(text ?? '').toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '')
  .replace(/[œæøđł]/g, (c) => LIGATURES[c]);
/** Accounts whose name, city or postcode hold every word of `q`. */
export async function searchAccounts(q, limit = 50) {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (!words.length) return db.account.orderBy('name').limit(limit).toArray();
  return db.account.filter((a) => { const text = fold(`${a.name} ${a.city} ${a.postcode}`); return words.every((w) => text.includes(w)); })
    .limit(limit).toArray();
}
export const putTourPlans = (plans) => guarded(() => db.tour_plan.bulkPut(plans));
/** The rep's plan for a day: of the copy fetched from /api/tours and the one pulled, the later planning. */
export async function tourPlanFor(repId, day) {
  const plans = await db.tour_plan.where('date').equals(day).filter((p) => p.rep_id === repId && p.plan).toArray();
  return newestPlan(plans);
}
/** Map day → plan, `from` to `to` (YYYY-MM-DD) inclusive. */
export async function tourPlansBetween(repId, from, to) {
  const plans = await db.tour_plan.where('date').between(from, to, true, true).filter((p) => p.rep_id === repId && p.plan).toArray();
  const byDay = new Map();
  for (const p of plans) byDay.set(p.date, [...(byDay.get(p.date) || []), p]);
  return new Map([...byDay].map(([d, list]) => [d, newestPlan(list)]));
}
// On a tie: a pulled `stale` flag (the fetched copy predates it), then the fetched copy.
const planRank = (p) => `${p.plan.planned_at || ''}|${p.plan.stale ? 1 : 0}|${p.fetched_at ? 1 : 0}`;
const newestPlan = (plans) => plans.sort((a, b) => (planRank(a) < planRank(b) ? 1 : -1))[0] || null;
export const visitsBetween = (from, to) => db.visit.where('started_at').between(from, to, true, false).toArray();

// A stop skipped with a reason stays in meta, never pushed: the API has no endpoint for it.
const skipsKey = (repId, day) => `skips:${repId}:${day}`;
export const stopSkips = async (repId, day) => (await getMeta(skipsKey(repId, day))) || {};
export async function skipStop(repId, day, accountId, reason) {
  const skips = { ...(await stopSkips(repId, day)) };
  if (reason == null) delete skips[accountId]; else skips[accountId] = { reason, at: new Date().toISOString() };
  return setMeta(skipsKey(repId, day), skips);
}

// `moved`: another record the change moves as the server will (a visit's account), shown at once.
export function commit(entity, record, mutation, attachments = [], moved = null) {
  const tables = [table(entity), db.outbox, db.attachments, ...(moved ? [table(moved.entity)] : [])];
  return guarded(() => db.transaction('rw', tables, async () => {
    if (record) await table(entity).put(ENTITIES.includes(entity) ? record : { ...record, entity });
    else await table(entity).delete(key(entity, mutation.id));
    if (moved) await table(moved.entity).put(moved.record);
    if (attachments.length) await db.attachments.bulkPut(attachments);
    await db.outbox.add({ ...mutation, record_id: mutation.id });
  }));
}

export const outboxCount = () => db.outbox.count();
export const outboxAll = () => db.outbox.orderBy('seq').toArray();
export const rejectedAll = () => db.rejected.orderBy('seq').reverse().toArray();
export const pendingFor = (entity, id) => db.outbox.where('[entity+record_id]').equals([entity, id]).sortBy('seq');
/** Visits of `accountId` whose create is still in the outbox, latest first (the visit form reopens them). */
export async function pendingVisits(accountId) {
  const creates = await db.outbox.filter((m) => m.entity === 'visit' && m.op === 'create' && m.changes?.account_id === accountId).toArray();
  return (await db.visit.bulkGet(creates.reverse().map((m) => m.record_id))).filter(Boolean);
}

/** Acknowledged mutations leave the outbox; rejected ones go to the visible list. */
export function acknowledge(results, sentById) {
  const tables = [db.outbox, db.rejected, db.attachments, ...ENTITIES.map((e) => db.table(e))];
  return db.transaction('rw', tables, async () => {
    for (const result of results) {
      const sent = sentById.get(result.mutation_id);
      if (!sent) continue;
      await db.outbox.delete(sent.seq);
      if (result.linked_from && result.id !== sent.id) await relink(sent.entity, sent.id, result.id);
      if (result.status === 'rejected') {
        await db.rejected.add({ mutation_id: sent.mutation_id, entity: sent.entity, op: sent.op, record_id: sent.id,
          changes: sent.changes, error: result.error || null, at: new Date().toISOString() });
        // A refused change kept its former values (outbox.update's `undo`): shown again.
        const current = sent.was && await table(sent.entity).get(key(sent.entity, sent.id));
        if (current) await table(sent.entity).put({ ...current, ...sent.was });
        // A refused visit gives its account the dates it had, unless a later visit moved them.
        const account = sent.moved_was && await db.account.get(sent.changes.account_id);
        if (account && account.last_visit_at === sent.changes.started_at) await db.account.put({ ...account, ...sent.moved_was });
      }
      for (const id of sent.local_attachment_ids || []) await db.attachments.delete(id);
      // Later edits of the record build on its new version.
      if (result.version != null && result.status !== 'rejected') {
        await db.outbox.where('[entity+record_id]').equals([sent.entity, sent.id]).modify({ base_version: result.version });
      }
    }
  });
}

/** Linked to an existing record (sync/PROTOCOL.md P10): copy, children and mutations move to
 * the server's id; `_linked_from` lets the account screen say so. */
async function relink(entity, from, to, { keepCopy = true } = {}) {
  const local = await table(entity).get(key(entity, from));
  if (local) await table(entity).delete(key(entity, from));
  if (local && keepCopy) {
    const existing = await table(entity).get(key(entity, to));
    await table(entity).put({ ...local, ...(existing || {}), id: to, _linked_from: from });
  }
  for (const child of ENTITIES.filter((e) => e !== entity)) {
    if (entity === 'account' && child !== 'tour_plan') {
      await db.table(child).where('account_id').equals(from).modify({ account_id: to });
    }
  }
  await db.outbox.toCollection().modify((m) => {
    if (m.entity === entity && m.record_id === from) { m.id = to; m.record_id = to; }
    if (entity === 'account' && m.changes?.account_id === from) m.changes.account_id = to;
  });
}

/** The server's visit dates of an account (GET /api/accounts/{id}) onto the local copy. */
export const putServerDates = ({ id, last_visit_at, next_due_at }) => guarded(() =>
  db.account.update(id, { last_visit_at, next_due_at }));

export const dismissRejected = (seq) => db.transaction('rw', db.rejected, ...ENTITIES.map((e) => db.table(e)), async () => {
  const entry = await db.rejected.get(seq);
  // A refused create never comes back in a pull.
  if (entry?.op === 'create' && ENTITIES.includes(entry.entity)) await db.table(entry.entity).delete(entry.record_id);
  await db.rejected.delete(seq);
});

export const getAttachment = (id) => db.attachments.get(id);
export const attachmentByServerId = (serverId) => db.attachments.filter((a) => a.server_id === serverId).first();
/** After an upload: the server id, in the photo and the mutations referencing it. */
export function attachmentUploaded(localId, serverId) {
  return db.transaction('rw', db.attachments, db.outbox, async () => {
    await db.attachments.update(localId, { server_id: serverId });
    await db.outbox.toCollection().modify((m) => {
      const ids = m.changes?.attachment_ids;
      if (ids?.includes(localId)) {
        m.changes.attachment_ids = ids.map((x) => (x === localId ? serverId : x));
        m.local_attachment_ids = [...(m.local_attachment_ids || []), localId];
      }
    });
  });
}

/** A photo refused for good: listed as rejected, requests sent without it; it stays on the tablet. */
export function attachmentRefused(localId, error) {
  return db.transaction('rw', db.attachments, db.outbox, db.rejected, async () => {
    const photo = await db.attachments.get(localId);
    await db.rejected.add({ mutation_id: null, entity: 'attachment', op: 'upload', record_id: photo?.owner_id,
      changes: { photo: `${Math.round((photo?.size || 0) / 1024)} KB` }, error, at: new Date().toISOString() });
    await db.outbox.toCollection().modify((m) => {
      const ids = m.changes?.attachment_ids;
      if (ids?.includes(localId)) m.changes.attachment_ids = ids.filter((x) => x !== localId);
    });
    await db.attachments.update(localId, { refused: true });
  });
}

export const THUMBS_MAX_BYTES = 8e6;
export const thumbsOf = (accountId) => db.thumbs.where('account_id').equals(accountId).toArray();
/** Keep the fetched thumbnails, forget those no longer listed, stay under the cap. */
export function keepThumbs(accountId, listed, fetched) {
  return guarded(() => db.transaction('rw', db.thumbs, async () => {
    const ids = new Set(listed.map((p) => p.id));
    const stale = (await thumbsOf(accountId)).filter((x) => !ids.has(x.id)).map((x) => x.id);
    if (stale.length) await db.thumbs.bulkDelete(stale);
    const now = Date.now();
    if (fetched.length) await db.thumbs.bulkPut(fetched.map((x) => ({ ...x, account_id: accountId, used_at: now })));
    await db.thumbs.where('account_id').equals(accountId).modify({ used_at: now });
    let total = 0;
    for (const x of await db.thumbs.orderBy('used_at').reverse().toArray()) {
      total += x.size || 0;
      if (total > THUMBS_MAX_BYTES) await db.thumbs.delete(x.id);
    }
  }));
}

// Pulled changes, rebased on pending mutations; set-wise (bulk per table), so a first sign-in is fast.
export function applyPull(changes, seen) {
  const tables = [...ENTITIES.map((e) => db.table(e)), db.other, db.outbox];
  return guarded(() => db.transaction('rw', tables, async () => {
    const pending = new Map();
    for (const m of await db.outbox.orderBy('seq').toArray()) {
      const k = `${m.entity}:${m.record_id}`;
      pending.set(k, [...(pending.get(k) || []), m]);
    }
    const byTable = new Map();  // table → {keys, changes}
    const merged = [];
    for (const change of changes) {
      seen?.add(`${change.entity}:${change.id}`);
      const t = table(change.entity);
      if (!byTable.has(t)) byTable.set(t, { keys: [], changes: [] });
      byTable.get(t).keys.push(key(change.entity, change.id));
      byTable.get(t).changes.push(change);
    }
    for (const [t, batch] of byTable) {
      const locals = await t.bulkGet(batch.keys);
      const puts = [], deletes = [];
      batch.changes.forEach((change, i) => {
        if (change.op === 'delete') {
          if (change.merged_into) merged.push(change); else deletes.push(batch.keys[i]);
          return;
        }
        const data = ENTITIES.includes(change.entity) ? change.data : { ...change.data, entity: change.entity };
        const record = rebase(data, pending.get(`${change.entity}:${change.id}`) || [], locals[i]);
        if (record) puts.push(record); else deletes.push(batch.keys[i]);
      });
      if (deletes.length) await t.bulkDelete(deletes);
      if (puts.length) await t.bulkPut(puts);
    }
    // Merged (sync/PROTOCOL.md P11): what pointed to the old id moves to the survivor.
    for (const change of merged) await relink(change.entity, change.id, change.merged_into, { keepCopy: false });
  }));
}

/** After a full re-pull (410): drop what the server no longer sends, unless pending. */
export function dropUnseen(seen) {
  return db.transaction('rw', [...ENTITIES.map((e) => db.table(e)), db.outbox], async () => {
    for (const entity of ENTITIES.filter((e) => e !== 'tour_plan')) {
      const ids = (await db.table(entity).toCollection().primaryKeys()).filter((id) => !seen.has(`${entity}:${id}`));
      for (const id of ids) if (!(await pendingFor(entity, id)).length) await db.table(entity).delete(id);
    }
  });
}

/** Sign-out: forget every record and token of this user. */
export const clearAll = () => Promise.all(db.tables.map((t) => t.clear()));
