// The tablet's frame around every screen: pending count, sync button, navigation, banners, toasts.
import { html, route, user, online, busy, toasts, go, toast } from '../lib/ui.js';
import { t, count, lang, setLang } from '../lib/i18n.js';
import { storageProblem, outboxCount, openDb, setMeta } from '../lib/db.js';
import { authState } from '../lib/api.js';
import { pending, rejectedCount, syncing, sync, syncError, lastSync } from '../lib/sync-client.js';
import { updateReady, applyUpdate } from '../lib/update.js';
import { Icon } from '../lib/icons.js';
import { signal, effect } from '../vendor/signals-core.mjs';
import { me } from '../lib/user-lang.js';
import { isDesk } from './desk/roles.js';
import { Login } from './login.js';
import { ForgotPassword, ChoosePassword } from './password.js';

const NAV = ['tour', 'accounts', 'agenda', 'quotes', 'pipeline', 'sync'];

/** Offline, say so and what waits, rather than a button that seems to do nothing. */
async function syncNow() {
  const offline = () => toast(pending.value ? count('syncOffline', pending.value) : t('syncOffline.zero'), 'info');
  if (!online.value) { offline(); return; }
  await sync();
  if (syncError.value?.kind === 'network') offline();
}

const screens = signal(null);
let loading = null;
export const loadScreens = () => (loading ??= import('./screens.js').then(
  (m) => { screens.value = m.screen; },
  (error) => { loading = null; throw error; })); // the next render tries again

// The rep's home (the offline due list's order) and days off (the tour offline), kept.
effect(() => {
  if (!me.value || !user.value || isDesk(user.value)) return;
  setMeta('home', me.value.home).catch(() => {});
  if (me.value.calendar) setMeta('calendar', me.value.calendar).catch(() => {});
});

/** Before the first render: the store opened (a problem in the banner) and the screens fetched,
 * so the tour appears at once. */
export async function prepare() {
  await openDb().catch(() => {});
  await loadScreens().catch(() => {});
}

function screen(r) {
  const [name, id] = r.parts;
  if (name === 'forgot') return html`<${ForgotPassword} />`;
  if (name === 'password') return html`<${ChoosePassword} token=${id} />`;
  if (!user.value || name === 'login') return html`<${Login} />`;
  if (!screens.value) {
    loadScreens().catch(() => {});
    return html`<p class="boot">Tournée…</p>`;
  }
  return screens.value(r);
}

function Banners() {
  const problem = storageProblem.value;
  return html`
    ${problem && html`<div class="banner error" role="alert">
      ${problem.kind === 'quota' ? t('errQuota') : problem.kind === 'blocked' ? t('errBlocked') : t('errDb', { d: problem.detail })}
      ${problem.kind !== 'quota' && html`<button onClick=${() => location.reload()}>${t('reload')}</button>`}
    </div>`}
    ${user.value && authState.value === 'lost' && html`<div class="banner warn" role="alert">
      ${t('reconnect')} <button data-testid="reconnect" onClick=${() => go('/login')}>${t('reconnectBtn')}</button>
    </div>`}
    ${updateReady.value && !busy.value && html`<div class="banner info" role="status" data-testid="update-available">
      ${t('update')}
      <button data-testid="update-apply" onClick=${async () => {
        // The outbox itself: the pending signal lags.
        if (await outboxCount()) await sync();
        if (await outboxCount()) toast(t('updateWait'), 'error'); else applyUpdate();
      }}>${t('updateNow')}</button>
    </div>`}`;
}

export function Shell() {
  const current = route.value.parts[0] || 'tour';
  const error = syncError.value;
  return html`
    <header class="topbar">
      <a class="brand" href="#/tour">Tournée</a>
      <span class=${`net ${online.value ? 'on' : 'off'}`}>${online.value ? t('online') : t('offline')}</span>
      <a class=${`pending ${pending.value ? 'has' : ''}`} href="#/sync" title=${t('pendingChanges')}
        ><span data-testid="sync-pending">${pending.value}</span> <small>${t('pending')}</small>${rejectedCount.value > 0
          && html` <span class="refused" data-testid="sync-rejected">${rejectedCount.value} <small>${t('refused')}</small></span>`}</a>
      <button class="sync-now" data-testid="sync-now" disabled=${syncing.value} aria-busy=${syncing.value ? 'true' : 'false'}
        data-last-sync=${lastSync.value || ''} title=${error ? t(`err${error.kind === 'server' ? 'Server' : 'Network'}`) : ''}
        onClick=${syncNow}>${syncing.value ? t('syncing') : t('syncNow')}</button>
      <button class="lang" onClick=${() => setLang(lang.value === 'fr' ? 'en' : 'fr')}>${t('language')}</button>
    </header>
    ${user.value && html`<nav class="rail">
      ${NAV.map((name) => html`<a href=${`#/${name}`} class=${current === name ? 'active' : ''}>
        <${Icon} name=${name} size=${28} />${t(name)}</a>`)}
    </nav>`}
    <${Banners} />
    <main class=${user.value ? 'with-rail' : ''}>${screen(route.value)}</main>
    <div class="toasts" aria-live="polite">${toasts.value.map((x) => html`<div class=${`toast ${x.kind}`}>${x.text}</div>`)}</div>`;
}
