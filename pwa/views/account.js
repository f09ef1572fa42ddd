// One account: what the rep needs on the doorstep (contacts, history, why this
// segment) and the actions of the visit. Edits are local first (account-edit.js).
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, online, Badge } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, word, fmtDateTime, fmtDate, fmtNumber, productLine, colon, lang, taskTitle } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { getRecord, byAccount } from '../lib/db.js';
import { statusLabel, customFields, optionLabel } from '../lib/fields.js';
import { AccountEdit } from './account-edit.js';
import { AccountCustom } from './account-custom.js';
import { AccountPhotos } from './account-photos.js';
import { MergeOffer } from './account-merge.js';
import { navigateUrl, postalAddress, Approximate } from './tour-stop.js';
import { Icon } from '../lib/icons.js';

// a model label, {fr, en} or one text
const inLang = (l) => (l?.fr || l?.en ? l[lang.value] || l.fr || l.en : l);

/** A value a criterion read, in words: a choice by its option's label (the stored "btp" reads
 * "BTP" / "Construction"), a status by its label, yes/no, a number in the reader's format. */
function criterionValue(value, criterion) {
  if (value === true) return t('yes');
  if (value === false) return t('no');
  if (typeof value === 'number') return fmtNumber(value, 2);
  if (value == null || value === '') return '–';
  const name = criterion?.field || criterion?.key;
  if (criterion?.source === 'field') return name === 'status' ? statusLabel(value) : String(value);
  const field = customFields.value.find((f) => f.entity === 'account' && f.key === name);
  if (!field) return Array.isArray(value) ? value.join(', ') : String(value);
  return Array.isArray(value) ? value.map((o) => optionLabel(field, o)).join(', ') : optionLabel(field, value);
}

function Explanation({ account }) {
  const [data, setData] = useState(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || !online.value) return;
    // labels in both languages: the panel follows a switch, offline too
    Promise.all([api(`/api/accounts/${account.id}/segment-explanation`), api('/api/commercial-model').catch(() => ({ criteria: [] }))])
      .then(([d, m]) => setData({ ...d, labels: Object.fromEntries(m.criteria.map((c) => [c.key, c.label])),
        sources: Object.fromEntries(m.criteria.map((c) => [c.key, c])) }))
      .catch(() => setData(false));
  }, [open, account.id]);
  return html`
    <details class="card explain" onToggle=${(e) => setOpen(e.target.open)}>
      <summary>${t('whySegment', { s: account.segment || '–' })}</summary>
      ${!online.value && !data && html`<p class="muted">${t('explainOffline')}</p>`}
      ${data && html`
        <p>${t('weight')} ${fmtNumber(data.axes.weight.score, 0)} / ${data.axes.weight.threshold}${' · '}
           ${t('potential')} ${fmtNumber(data.axes.potential.score, 0)} / ${data.axes.potential.threshold}
           ${data.override && html` · ${t('override')}${colon()}${data.override.segment} (${data.override.reason})`}</p>
        <table class="criteria"><tbody>${data.criteria.map((c) => html`
          <tr><td>${inLang(data.labels[c.key]) || c.label}</td><td>${c.axis === 'weight' ? t('weight') : t('potential')}</td>
            <td>${criterionValue(c.value, data.sources[c.key])}</td><td>${fmtNumber(c.points)}/${fmtNumber(c.max_points)}</td><td>+${fmtNumber(c.contribution, 1)}</td></tr>`)}
        </tbody></table>`}
    </details>`;
}

function Timeline({ accountId }) {
  const visits = useLive(() => byAccount('visit', accountId), [accountId], []);
  const quotes = useLive(() => byAccount('quote_request', accountId), [accountId], []);
  const appts = useLive(() => byAccount('appointment', accountId), [accountId], []);
  const tasks = useLive(() => byAccount('task', accountId), [accountId], []);
  const items = [
    ...visits.map((v) => ({ at: v.started_at, icon: '•', text: `${t('visit')} · ${t(`outcome.${v.outcome}`)}${v.notes ? ` — ${v.notes}` : ''}` })),
    ...quotes.map((q) => ({ at: q.created_at, icon: '•', text: `${t('quote')} · ${productLine(q.product_line)} · ${t(`status.${q._local ? 'local' : q.status}`)}` })),
    ...appts.map((a) => ({ at: a.start, icon: '•', text: `${t('appointment')}${a.status && a.status !== 'booked' ? ` (${word('appointment', a.status)})` : ''} · ${a.purpose || ''}` })),
    ...tasks.map((x) => ({ at: x.due_at, icon: x.status === 'done' ? '✓' : '•', text: `${t('task')} · ${taskTitle(x)}` })),
  ].filter((x) => x.at).sort((a, b) => (a.at < b.at ? 1 : -1));
  return html`<section class="card"><h2>${t('timeline')}</h2>
    <ul class="timeline">${items.map((x) => html`<li><span>${x.icon}</span><time>${fmtDate(x.at)}</time> ${x.text}</li>`)}</ul></section>`;
}

export function Account({ id }) {
  // null once read and absent (undefined is "still reading"): another rep's account is never here.
  const account = useLive(() => getRecord('account', id).then((a) => a ?? null), [id]);
  const contacts = useLive(() => byAccount('contact', id), [id], []);
  if (account === undefined) return html`<p class="muted">…</p>`;
  if (!account) {
    return html`<p class="notice" data-testid="account-not-here">${t('accountNotHere')}</p>
      <a class="button primary" data-testid="log-visit" href=${`#/account/${id}/visit`}>${t('logVisit')}</a>`;
  }
  return html`
    <section class="account">
      ${account._linked_from && html`<div class="banner info" role="status" data-testid="merge-suggestion">
        ${t('mergeSuggestion')} <a class="button small" href="#/sync">${t('seeConflicts')}</a></div>`}
      <${MergeOffer} account=${account} />
      <header class="account-head card">
        <div>
          <h1><${Badge} segment=${account.segment} /> ${account.name}</h1>
          <p>${postalAddress(account)} · ${statusLabel(account.status)} <${Approximate} account=${account} testid="account-approx" /></p>
          <${AccountPhotos} account=${account} />
          <p class="muted">${account.last_visit_at && `${t('visit')}${colon()}${fmtDateTime(account.last_visit_at)}`}
            ${account.next_due_at && ` · ${t('due')}${colon()}${fmtDate(account.next_due_at)}`}</p>
        </div>
        <div class="actions">
          <a class="button primary" data-testid="log-visit" href=${`#/account/${id}/visit`}>${t('logVisit')}</a>
          <a class="button" data-testid="request-quote" href=${`#/account/${id}/quote`}>${t('requestQuote')}</a>
          ${account.lat != null && html`<a class="button" href=${navigateUrl(account)} target="_blank" rel="noopener">${t('navigate')}</a>`}
        </div>
      </header>
      <div class="columns">
        <div>
          <${AccountEdit} account=${account} />
          <${AccountCustom} account=${account} />
          <${Explanation} account=${account} />
        </div>
        <div>
          <section class="card"><h2>${t('contacts')}
              <a class="button small" data-testid="add-contact" href=${`#/account/${id}/contact/new`}>${t('addContact')}</a></h2>
            <ul class="contacts">${contacts.map((c) => html`<li class=${c.left_at ? 'left' : ''} data-testid="contact-item" data-contact-id=${c.id}>
              <a href=${`#/account/${id}/contact/${c.id}`} data-testid="edit-contact"><strong>${c.name}</strong></a>
              <small data-testid="contact-roles">${(c.roles || []).map((r) => word('role', r)).join(', ')}</small>
              ${c.left_at && html`<small class="muted">${t('leftOn', { d: fmtDate(c.left_at) })}</small>`}
              ${c.phone && html`<a class="button small" href=${`tel:${c.phone.replace(/\s/g, '')}`}><${Icon} name="phone" size=${18} /> ${c.phone}</a>`}
              ${c.email && html`<a class="button small" href=${`mailto:${c.email}`}><${Icon} name="mail" size=${18} /> ${c.email}</a>`}
            </li>`)}</ul>
          </section>
          <${Timeline} accountId=${id} />
        </div>
      </div>
    </section>`;
}
