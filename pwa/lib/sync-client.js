// API.md → Sync on the tablet: upload photos, push the outbox, pull until has_more is false.
// 1. a mutation leaves the outbox only once its result came back;
// 2. network, 5xx, 429: keep all, back off (a refused push still pulls);
// 3. a refused token refresh keeps the outbox and asks to sign in again;
// 4. first sync and 410: one snapshot, then pull on from its cursor;
// 5. one tab syncs at a time (Web Locks), telling the others;
// 6. a refused visit's account gets the server's visit dates back (no pull would bring them).
import { signal } from '../vendor/signals-core.mjs';
import { fetchFields, showFields } from './fields.js';
import { api, ApiError, AuthLost, authState } from './api.js';
import * as db from './db.js';
import { onWrite } from './outbox.js';
import { uuidv7 } from './changes.js';

export const pending = signal(0);
export const rejectedCount = signal(0);
export const syncing = signal(false);
export const lastSync = signal(null);
/** null or {kind: 'network'|'server'|'auth'|'other', detail}. */
export const syncError = signal(null);

const BACKOFF_S = [2, 5, 15, 30, 60, 120, 300];
const channel = 'BroadcastChannel' in globalThis ? new BroadcastChannel('tournee-sync') : null;
let batchSize = 500;
let failures = 0;
let timer = null;

async function clientId() {
  let id = await db.getMeta('client_id');
  if (!id) { id = uuidv7(); await db.setMeta('client_id', id); }
  return id;
}

async function uploadPhotos() {
  for (const mutation of await db.outboxAll()) {
    for (const localId of mutation.changes?.attachment_ids || []) {
      const photo = await db.getAttachment(localId);
      if (!photo || photo.server_id) continue;
      const form = new FormData();
      form.append('file', photo.blob, `${localId}.jpg`);
      form.append('client_ref', localId);
      try {
        const { id } = await api('/api/attachments', { method: 'POST', form });
        await db.attachmentUploaded(localId, id);
      } catch (e) {
        // A photo refused for good must not hold back the rest.
        if (!(e instanceof ApiError) || e.transient) throw e;
        await db.attachmentRefused(localId, { status: e.status, ...e.problem });
      }
    }
  }
}

/** One mutation per record per request: the next edit goes with the version returned. */
function nextBatch(outbox) {
  const records = new Set();
  const batch = [];
  for (const m of outbox) {
    const key = `${m.entity}:${m.id}`;
    if (records.has(key)) continue;
    records.add(key);
    batch.push(m);
    if (batch.length >= batchSize) break;
  }
  return batch;
}

async function push() {
  const client_id = await clientId();
  for (;;) {
    const batch = nextBatch(await db.outboxAll());
    if (!batch.length) return;
    const mutations = batch.map(({ mutation_id, entity, op, id, base_version, changes, client_time }) =>
      ({ mutation_id, entity, op, id, ...(op === 'create' ? {} : { base_version }), changes, client_time }));
    let response;
    try {
      // sent_at: so the server can correct client_time to its clock (PROTOCOL M2)
      response = await api('/api/sync/push', { method: 'POST', body: { client_id, sent_at: new Date().toISOString(), mutations } });
    } catch (e) {
      if (e instanceof ApiError && e.status === 413 && batchSize > 1) { batchSize = Math.ceil(batchSize / 2); continue; }
      throw e;
    }
    const sent = new Map(batch.map((m) => [m.mutation_id, m]));
    await db.acknowledge(response.results || [], sent);
    await restoreDates(response.results || [], sent);
    if (!(response.results || []).length) return; // no progress: do not spin
  }
}

// 6 (unreadable: db.acknowledge already put back the dates the account had before)
async function restoreDates(results, sent) {
  const ids = new Set(results.map((r) => r.status === 'rejected' && sent.get(r.mutation_id))
    .filter((m) => m?.entity === 'visit' && m.op === 'create').map((m) => m.changes?.account_id).filter(Boolean));
  for (const id of ids) await api(`/api/accounts/${id}`).then(db.putServerDates, () => {});
}

/** The whole scope in one download (PROTOCOL S1–S5); its cursor, or '0' with no snapshot. */
async function firstDownload(seen) {
  let page;
  try {
    page = await api('/api/sync/snapshot');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return '0'; // an older server
    throw e;
  }
  await db.applyPull(page.changes || [], seen);
  await db.setMeta('cursor', String(page.cursor));
  return String(page.cursor);
}

async function pull() {
  let cursor = (await db.getMeta('cursor')) ?? '0';
  let seen = null; // set during a full re-pull after 410
  if (cursor === '0') cursor = await firstDownload(null);
  for (;;) {
    let page;
    try {
      page = await api(`/api/sync/pull?since=${encodeURIComponent(cursor)}&limit=500`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 410 && !seen) { seen = new Set(); cursor = await firstDownload(seen); continue; }
      throw e;
    }
    await db.applyPull(page.changes || [], seen);
    cursor = String(page.cursor ?? cursor);
    await db.setMeta('cursor', cursor);
    if (!page.has_more) break;
  }
  if (seen) await db.dropUnseen(seen);
}

function describe(e) {
  if (e instanceof AuthLost) return { kind: 'auth' };
  if (e instanceof ApiError && e.status === 0) return { kind: 'network', detail: e.message };
  if (e instanceof ApiError && e.transient) return { kind: 'server', detail: e.message };
  return { kind: 'other', detail: e.message };
}

async function cycle() {
  syncing.value = true;
  try {
    let refused = null;
    try {
      await uploadPhotos();
      await push();
    } catch (e) {
      // Pushes refused for now (429, 503): still pull, then back off.
      if (!(e instanceof ApiError && e.transient && e.status !== 0)) throw e;
      refused = e;
    }
    await pull();
    await refreshFields(); // custom fields and statuses, for the forms offline
    if (refused) throw refused;
    const at = new Date().toISOString();
    await db.setMeta('last_sync', at);
    lastSync.value = at;
    syncError.value = null;
    failures = 0;
    channel?.postMessage({ type: 'synced', at });
  } catch (e) {
    syncError.value = describe(e);
    if (e instanceof ApiError && e.transient) {
      const delay = e.retryAfter ?? BACKOFF_S[Math.min(failures++, BACKOFF_S.length - 1)];
      schedule(delay * 1000);
    } else if (!(e instanceof AuthLost || e instanceof ApiError)) {
      console.error('sync failed', e);
    }
  } finally {
    syncing.value = false;
  }
}

/** Sync now. wait=false: skip when another tab holds the lock. */
export function sync({ wait = true } = {}) {
  if (!navigator.onLine && !wait) return Promise.resolve();
  if (!navigator.locks) return cycle();
  return navigator.locks.request('tournee-sync', { ifAvailable: !wait }, (lock) => (lock ? cycle() : null));
}

// Custom fields, statuses and product lines, kept for the forms offline.
async function loadFields() {
  const lines = await db.getMeta('product_lines');
  showFields({ fields: await db.getMeta('custom_fields'), statuses: await db.getMeta('account_statuses'),
    lines: lines?.length ? lines : null });
}
async function refreshFields() {
  try {
    const { fields, statuses, lines } = await fetchFields();
    await db.setMeta('custom_fields', fields);
    await db.setMeta('account_statuses', statuses);
    await db.setMeta('product_lines', lines);
  } catch { /* offline, or signed out: keep what the tablet has */ }
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => { if (authState.value === 'ok') sync({ wait: false }); }, ms);
}

/** Sync now, on `online`, every 60 s, and 1.5 s after each local write. */
let started = false;
export async function startSync() {
  if (started) { schedule(0); return; }
  started = true;
  lastSync.value = (await db.getMeta('last_sync')) ?? null;
  await loadFields();
  db.live(() => db.outboxCount()).subscribe((n) => { pending.value = n; });
  db.live(() => db.rejectedAll()).subscribe((list) => { rejectedCount.value = list.length; });
  addEventListener('online', () => schedule(0));
  setInterval(() => { if (authState.value === 'ok') sync({ wait: false }); }, 60_000);
  onWrite(() => schedule(1500));
  if (channel) channel.onmessage = ({ data }) => { if (data.type === 'synced') { lastSync.value = data.at; syncError.value = null; } };
  schedule(0);
}
