// The frame around every screen: the always-visible count of changes waiting
// to sync, the sync button, navigation, banners (storage, session, update) and toasts.
import { html, route, user, online, busy, toasts, go, toast } from '../lib/ui.js';
import { t, lang, setLang } from '../lib/i18n.js';
import { storageProblem, outboxCount } from '../lib/db.js';
import { authState } from '../lib/api.js';
import { pending, syncing, sync, syncError, lastSync } from '../lib/sync-client.js';
import { updateReady, applyUpdate } from '../lib/update.js';
import { Icon } from '../lib/icons.js';
import { Login } from './login.js';
import { ForgotPassword, ChoosePassword } from './password.js';
import { Tour } from './tour.js';
import { Accounts } from './accounts.js';
import { Account } from './account.js';
import { AccountNew } from './account-new.js';
import { ContactEdit } from './contact-edit.js';
import { VisitForm } from './visit.js';
import { QuoteForm } from './quote.js';
import { Quotes } from './quotes.js';
import { Pipeline } from './pipeline.js';
import { Agenda } from './agenda.js';
import { SyncScreen } from './sync.js';

const NAV = ['tour', 'accounts', 'agenda', 'quotes', 'pipeline', 'sync'];

function screen({ parts, query }) {
  const [name, id, sub] = parts;
  if (name === 'forgot') return html`<${ForgotPassword} />`;
  if (name === 'password') return html`<${ChoosePassword} token=${id} />`;
  if (!user.value || name === 'login') return html`<${Login} />`;
  if (name === 'tour') return html`<${Tour} day=${id} />`;
  if (name === 'accounts') return html`<${Accounts} />`;
  if (name === 'account' && sub === 'visit') return html`<${VisitForm} accountId=${id} appointmentId=${query.get('appointment')} />`;
  if (name === 'account' && id === 'new') return html`<${AccountNew} />`;
  if (name === 'account' && sub === 'contact') return html`<${ContactEdit} accountId=${id} contactId=${parts[3] || 'new'} />`;
  if (name === 'account' && sub === 'quote') return html`<${QuoteForm} accountId=${id} visitId=${query.get('visit')} />`;
  if (name === 'account') return html`<${Account} id=${id} />`;
  if (name === 'quotes') return html`<${Quotes} />`;
  if (name === 'pipeline') return html`<${Pipeline} />`;
  if (name === 'agenda') return html`<${Agenda} day=${id} />`;
  if (name === 'sync') return html`<${SyncScreen} />`;
  return html`<${Tour} />`;
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
        // Read the outbox itself: the pending signal follows it a moment later.
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
        ><span data-testid="sync-pending">${pending.value}</span> <small>${t('pending')}</small></a>
      <button class="sync-now" data-testid="sync-now" disabled=${syncing.value} aria-busy=${syncing.value ? 'true' : 'false'}
        data-last-sync=${lastSync.value || ''} title=${error ? t(`err${error.kind === 'server' ? 'Server' : 'Network'}`) : ''}
        onClick=${() => sync()}>${syncing.value ? t('syncing') : t('syncNow')}</button>
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
