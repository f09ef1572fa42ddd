// Sync in words: what waits, the last sync, what was refused and why, restorable conflicts, sign-out.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, online, toast, user, go } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, word, count, fmtDateTime, colon } from '../lib/i18n.js';
import { api, logout } from '../lib/api.js';
import { outboxAll, rejectedAll, dismissRejected, clearAll, getRecord, accountsByIds } from '../lib/db.js';
import { pending, lastSync, syncError, syncing, sync } from '../lib/sync-client.js';

/** Changes named by their account: never ids or field names. */
async function inWords(list) {
  const accountOf = await Promise.all(list.map(async (m) => (m.entity === 'account' ? m.record_id
    : m.changes?.account_id || (await getRecord(m.entity, m.record_id))?.account_id)));
  const names = new Map((await accountsByIds([...new Set(accountOf.filter(Boolean))]))
    .filter(Boolean).map((a) => [a.id, a.name]));
  return list.map((m, i) => ({ ...m, accountName: names.get(accountOf[i]) }));
}

// Not typed by the rep: not listed as changed.
const UNSAID = new Set(['account_id', 'appointment_id', 'visit_id', 'contact_id', 'rep_id', 'started_at', 'ended_at',
  'lat', 'lon', 'verified', 'geo_precision', 'attachment_ids']);

/** "Visite chez Fromagerie Allard — notes, maturité": what, where, and the fields in words. */
function describe(m) {
  const what = m.entity === 'account' ? `${word('entity', 'account')} ${m.accountName || ''}`.trim()
    : m.accountName ? t('at', { what: word('entity', m.entity), name: m.accountName }) : word('entity', m.entity);
  const fields = [...new Set(Object.keys(m.changes || {}).filter((f) => !UNSAID.has(f)).map((f) => word('field', f)))];
  return `${m.op === 'delete' ? `${word('op', 'delete')} · ` : ''}${what}${fields.length ? ` — ${fields.join(', ')}` : ''}`;
}

const show = (v) => (v == null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const errorText = (e) => (e.kind === 'auth' ? t('reconnect') : e.kind === 'network' ? t('errNetwork') : e.kind === 'server' ? t('errServer') : e.detail);

function Conflicts() {
  const [list, setList] = useState(null);
  const load = () => api('/api/sync/conflicts').then((l) => setList(Array.isArray(l) ? l : l.items || [])).catch(() => setList(false));
  useEffect(() => { if (online.value) load(); }, [online.value, lastSync.value]);
  async function restore(c) {
    try {
      await api(`/api/sync/conflicts/${c.id}/resolve`, { method: 'POST', body: { keep: 'lost' } });
      toast(t('restored'));
      await load();
      sync(); // bring the restored value back to the tablet
    } catch (e) { toast(e.message, 'error'); }
  }
  const open = (list || []).filter((c) => !c.resolved);
  return html`<section class="card"><h2>${t('conflicts')}</h2>
    ${list === false || (!online.value && list === null) ? html`<p class="muted">${t('conflictsOnline')}</p>` : null}
    ${list && !open.length && html`<p class="muted">${t('noConflicts')}</p>`}
    <ul class="conflicts">${open.map((c) => html`<li data-testid="conflict-item" data-conflict-id=${c.id}>
      <div><strong>${word('entity', c.entity)} · ${word('field', c.field)}</strong> <small>${fmtDateTime(c.at)}</small><br />
        ${t('yours')}${colon()}<mark>${show(c.lost_value)}</mark> · ${t('theirs')}${colon()}${show(c.kept_value)}</div>
      <button data-testid="conflict-restore" onClick=${() => restore(c)}>${t('restore')}</button></li>`)}</ul></section>`;
}

export function SyncScreen() {
  const queue = useLive(() => outboxAll().then(inWords), [], []);
  const rejected = useLive(() => rejectedAll().then(inWords), [], []);
  const error = syncError.value;
  async function signOut() {
    if (pending.value && !confirm(count('logoutWarn', pending.value))) return;
    await logout();
    await clearAll();
    user.value = null;
    go('/login');
  }
  return html`
    <section class="sync-screen">
      <div class="card">
        <h1>${t('sync')}</h1>
        <p class="big"><b>${pending.value}</b> ${t('pending')} · ${online.value ? t('online') : t('offline')}</p>
        <p>${t('lastSync')}${colon()}${lastSync.value ? fmtDateTime(lastSync.value) : t('never')}</p>
        ${error && html`<p class="error" role="alert">${errorText(error)}</p>`}
        <button class="primary" disabled=${syncing.value} onClick=${() => sync()}>${syncing.value ? t('syncing') : t('syncNow')}</button>
      </div>
      ${queue.length > 0 && html`<section class="card"><h2>${t('pendingChanges')}</h2>
        <ul class="queue">${queue.map((m) => html`<li data-testid="pending-item">${describe(m)} <small>${fmtDateTime(m.client_time)}</small></li>`)}</ul></section>`}
      ${rejected.length > 0 && html`<section class="card"><h2>${t('rejected')}</h2>
        <ul class="rejected">${rejected.map((r) => html`<li data-testid="rejected-item">
          <div><strong>${describe(r)}</strong><br />
            <span class="error">${r.error?.detail || r.error?.title || r.error?.type || '?'}</span>
            ${r.error?.errors && html`<small> ${Object.entries(r.error.errors).map(([f, m]) => `${word('field', f.split('.').pop())}${colon()}${[].concat(m).join(' ')}`).join(' · ')}</small>`}</div>
          <button onClick=${() => dismissRejected(r.seq)}>${t('dismiss')}</button></li>`)}</ul></section>`}
      <${Conflicts} />
      <div class="card"><button class="danger" data-testid="logout" onClick=${signOut}>${t('logout')} (${user.value?.email})</button></div>
    </section>`;
}
