// Find any account of the portfolio, offline: a local search by name, city or postcode.
import { useState } from '../vendor/preact-hooks.mjs';
import { html, Badge } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, fmtDate } from '../lib/i18n.js';
import { searchAccounts } from '../lib/db.js';

export function Accounts() {
  const [q, setQ] = useState('');
  const accounts = useLive(() => searchAccounts(q), [q], []);
  return html`
    <section class="card">
      <div class="row">
        <input class="search grow" type="search" data-testid="account-search" aria-label=${t('search')} placeholder=${t('search')} value=${q} onInput=${(e) => setQ(e.target.value)} />
        <a class="button primary" data-testid="new-prospect" href="#/account/new">${t('newProspect')}</a>
      </div>
      <ul class="account-list">${accounts.map((a) => html`<li data-testid="account-item">
        <a href=${`#/account/${a.id}`}><${Badge} segment=${a.segment} />
          <strong>${a.name}</strong><span>${a.postcode} ${a.city}</span>
          <small>${a.next_due_at ? `${t('due')} ${fmtDate(a.next_due_at)}` : ''}</small></a></li>`)}
      </ul>
    </section>`;
}
