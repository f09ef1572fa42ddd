// The local store: the ONLY module that touches IndexedDB (STYLE.md habit 11).
// Records are kept per entity as the server last sent them with the pending
// mutations applied on top; every local write and its outbox mutation are put
// in one transaction, so a record never changes without a mutation to push.
import { Dexie, liveQuery } from '../vendor/dexie.mjs';
import { signal } from '../vendor/signals-core.mjs';
import { rebase } from './changes.js';

export const ENTITIES = ['account', 'contact', 'visit', 'task', 'appointment', 'quote_request', 'tour_plan'];

/** null, or {kind: 'blocked'|'quota'|'open', detail}: shown by the shell in words, never a blank app. */
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

// Thumbnails of the photos others took of the rep's accounts (views/account-photos.js),
// kept for offline within THUMBS_MAX_BYTES, the least recently seen dropped first.
db.version(2).stores({ thumbs: 'id, account_id, used_at' });

// A newer release opened the database in another tab: step aside instead of blocking it.
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
  // Ask the browser not to evict our data under storage pressure (best effort).
  navigator.storage?.persist?.().catch(() => {});
}

/** Observe a query (also across tabs): live(() => getRecord('account', id)).subscribe(cb). */
export const live = (querier) => liveQuery(querier);

// ---- meta: cursor, client_id, last_sync ----
export const getMeta = async (k) => (await db.meta.get(k))?.value;
export const setMeta = (k, value) => guarded(() => db.meta.put({ key: k, value }));
/** The session an earlier release kept here, handed to lib/session.js and removed: {tokens, user} or null. */
export async function takeOldSession() {
  const [tokens, user] = [await getMeta('tokens'), await getMeta('user')];
  if (tokens || user) await db.meta.bulkDelete(['tokens', 'user']);
  return tokens && user ? { tokens, user } : null;
}

// ---- reads ----
export const getRecord = (entity, id) => table(entity).get(key(entity, id));
export const allOf = (entity) => (ENTITIES.includes(entity) ? db.table(entity).toArray() : db.other.where('entity').equals(entity).toArray());
export const byAccount = (entity, accountId) => table(entity).where('account_id').equals(accountId).toArray();
export const accountsByIds = (ids) => db.account.bulkGet(ids);
export const accountCount = () => db.account.count();
export const appointmentsBetween = (from, to) => db.appointment.where('start').between(from, to, true, false).toArray();
/**
 * The accounts due on `day` (YYYY-MM-DD) when no plan is stored, by server/tours/due.py's rule
 * and order, the first `limit`: due before the day's end, or never visited; no competitor.
 * Segment (A 30, B 20, else 10) + weeks overdue (≤ 9; never visited: overdue 63 days), days
 * overdue, nearest to the rep's home (meta `home`, from GET /api/me; unlocated last), name.
 * Not the server's horizon (7 days ahead): a setting the tablet does not know.
 */
const NEVER_VISITED_DAYS = 63; // server/tours/due.py NEVER_VISITED_DAYS: a first visit ranks with the most overdue
export async function dueAccounts(day, limit = 40) {
  const start = new Date(`${day}T00:00:00`);
  const end = new Date(start).setDate(start.getDate() + 1);
  const home = await getMeta('home');
  const rivals = ((await getMeta('account_statuses')) || [{ key: 'competitor', kind: 'competitor' }]).filter((s) => s.kind === 'competitor').map((s) => s.key);
  const cos = Math.cos((home?.lat * Math.PI) / 180);
  const due = [];
  for (const a of await db.account.toArray()) {
    const base = { A: 30, B: 20 }[a.segment] || 10;
    const placed = a.lat != null && a.lon != null;
    const next = a.next_due_at && new Date(a.next_due_at);
    if (rivals.includes(a.status) || !(next ? next < end : !a.last_visit_at)) continue;
    const late = next ? Math.max(0, Math.floor((start - next) / 864e5)) : NEVER_VISITED_DAYS;
    const far = !home ? 0 : placed ? (a.lat - home.lat) ** 2 + ((a.lon - home.lon) * cos) ** 2 : Infinity;
    due.push({ a, rank: base + Math.min(9, Math.floor(late / 7)), late, far });
  }
  // Names by code point as the server sorts them; Infinity − Infinity is NaN: a tie.
  due.sort((x, y) => y.rank - x.rank || y.late - x.late || x.far - y.far || (x.a.name < y.a.name ? -1 : +(x.a.name > y.a.name)));
  return due.slice(0, limit).map((d) => d.a);
}
// Text as the server's search folds it (server/common/search.py `fold`): accents and case
// dropped, ligatures spelt out, so "herve", "chenove" or "coeur" find Hervé, Chenôve, Cœur.
const LIGATURES = { œ: 'oe', æ: 'ae', ø: 'o', đ: 'd', ł: 'l' };
const fold = (text) => String(text ?? '').toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '')
  .replace(/[œæøđł]/g, (c) => LIGATURES[c]);
/** Accounts whose name, city or postcode hold every word of `q` (folded, as the server matches). */
export async function searchAccounts(q, limit = 50) {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (!words.length) return db.account.orderBy('name').limit(limit).toArray();
  return db.account.filter((a) => { const text = fold(`${a.name} ${a.city} ${a.postcode}`); return words.every((w) => text.includes(w)); })
    .limit(limit).toArray();
}
export const putTourPlans = (plans) => guarded(() => db.tour_plan.bulkPut(plans));
/**
 * The rep's plan for a day. Two copies may be stored: the one fetched from /api/tours (id
 * `tour:<rep>:<day>`, with the server's done/skipped marks of that moment) and the kept plan
 * that came with a pull (server id; `stale` set when an appointment of the day moved). The
 * later planning wins.
 */
export async function tourPlanFor(repId, day) {
  const plans = await db.tour_plan.where('date').equals(day).filter((p) => p.rep_id === repId && p.plan).toArray();
  return newestPlan(plans);
}
/** The plans stored for a rep from `from` to `to` (YYYY-MM-DD, inclusive), one per day. */
export async function tourPlansBetween(repId, from, to) {
  const plans = await db.tour_plan.where('date').between(from, to, true, true).filter((p) => p.rep_id === repId && p.plan).toArray();
  const byDay = new Map();
  for (const p of plans) byDay.set(p.date, [...(byDay.get(p.date) || []), p]);
  return new Map([...byDay].map(([d, list]) => [d, newestPlan(list)]));
}
// Latest planning first; on a tie a pulled `stale` flag (the fetched copy predates it), then the fetched copy.
const planRank = (p) => `${p.plan.planned_at || ''}|${p.plan.stale ? 1 : 0}|${p.fetched_at ? 1 : 0}`;
const newestPlan = (plans) => plans.sort((a, b) => (planRank(a) < planRank(b) ? 1 : -1))[0] || null;
export const visitsBetween = (from, to) => db.visit.where('started_at').between(from, to, true, false).toArray();

// ---- stops the rep skipped, with a reason ----
// API.md has no endpoint for a skipped stop (the server only marks a stop `skipped` once its
// time is over without a visit), so the rep's own "skipped, because…" stays on this tablet,
// in meta, and is never pushed. Replace with a mutation once the API offers one.
const skipsKey = (repId, day) => `skips:${repId}:${day}`;
export const stopSkips = async (repId, day) => (await getMeta(skipsKey(repId, day))) || {};
export async function skipStop(repId, day, accountId, reason) {
  const skips = { ...(await stopSkips(repId, day)) };
  if (reason == null) delete skips[accountId]; else skips[accountId] = { reason, at: new Date().toISOString() };
  return setMeta(skipsKey(repId, day), skips);
}

// ---- writes: record + mutation in one transaction (DESIGN.md offline rule 2) ----
// `moved`: another record the change moves on this tablet as the server will, e.g. a visit's
// account (its last visit and due date), shown at once; the server's copy replaces it at the pull.
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

// ---- outbox ----
export const outboxCount = () => db.outbox.count();
export const outboxAll = () => db.outbox.orderBy('seq').toArray();
export const rejectedAll = () => db.rejected.orderBy('seq').reverse().toArray();
export const pendingFor = (entity, id) => db.outbox.where('[entity+record_id]').equals([entity, id]).sortBy('seq');
/** The visits of `accountId` logged on this tablet and not yet taken by the server (their create
 * still in the outbox), the latest saved first: the visit form shows them instead of a blank form. */
export async function pendingVisits(accountId) {
  const creates = await db.outbox.filter((m) => m.entity === 'visit' && m.op === 'create' && m.changes?.account_id === accountId).toArray();
  return (await db.visit.bulkGet(creates.reverse().map((m) => m.record_id))).filter(Boolean);
}

/** Results came back: acknowledged mutations leave the outbox, rejected ones go to the visible list. */
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
      }
      for (const id of sent.local_attachment_ids || []) await db.attachments.delete(id);
      // Later edits of the same record were made on top of this one: they now build on its new version.
      if (result.version != null && result.status !== 'rejected') {
        await db.outbox.where('[entity+record_id]').equals([sent.entity, sent.id]).modify({ base_version: result.version });
      }
    }
  });
}

/**
 * The server linked a record created here to one that already existed (sync/PROTOCOL.md P10):
 * the local copy, the records that point to it and the pending mutations move to the
 * server's id. `_linked_from` stays on the record so the account screen can say so.
 */
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

/** The server's `last_visit_at` and `next_due_at` of an account (GET /api/accounts/{id}) on the local copy. */
export const putServerDates = ({ id, last_visit_at, next_due_at }) => guarded(() =>
  db.account.update(id, { last_visit_at, next_due_at }));

export const dismissRejected = (seq) => db.transaction('rw', db.rejected, ...ENTITIES.map((e) => db.table(e)), async () => {
  const entry = await db.rejected.get(seq);
  // A create the server refused will never come back from a pull: drop the local copy too.
  if (entry?.op === 'create' && ENTITIES.includes(entry.entity)) await db.table(entry.entity).delete(entry.record_id);
  await db.rejected.delete(seq);
});

// ---- attachments (photos waiting to upload) ----
export const getAttachment = (id) => db.attachments.get(id);
/** A photo taken on this tablet, by the id the server gave it on upload. */
export const attachmentByServerId = (serverId) => db.attachments.filter((a) => a.server_id === serverId).first();
/** After an upload: remember the server id, and write it into the outbox mutations that reference the photo. */
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

/**
 * The server refused a photo for good (too big, wrong type, no upload endpoint): say so in the
 * rejected list and send the request without it. The photo itself stays on the tablet.
 */
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

// ---- thumbnails of the account's photos, from the server ----
export const THUMBS_MAX_BYTES = 8e6;
export const thumbsOf = (accountId) => db.thumbs.where('account_id').equals(accountId).toArray();
/** Keep the thumbnails fetched for an account, forget those it no longer lists, stay under the cap. */
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

// ---- pull: apply server changes, rebasing records that still have pending mutations ----
// Set-wise: one read of the outbox, one bulkGet and one bulkPut/bulkDelete per table and
// page, so a first sign-in writes thousands of records in a few IndexedDB requests.
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
    // Merged into another record by a person (sync/PROTOCOL.md P11): what pointed to the old id
    // (children, pending changes) moves to the survivor, which comes in the pull if in scope.
    for (const change of merged) await relink(change.entity, change.id, change.merged_into, { keepCopy: false });
  }));
}

/** After a full re-pull (410): drop what the server no longer sends, unless it still has pending mutations. */
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
