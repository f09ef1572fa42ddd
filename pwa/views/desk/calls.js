// Telemarketer: the team's accounts to call to book a visit (GET /api/call-list),
// A first and most overdue first, with what was said at the last contact.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, Badge } from '../../lib/ui.js';
import { t } from '../../lib/words.js';
import { fmtDate } from '../../lib/lang.js';
import { useApi } from './fetch.js';
import { w } from './words.js';

function Lateness({ item }) {
  if (item.late_days == null) return html`<span class="late none">${w('neverVisited')}</span>`;
  if (item.late_days > 0) return html`<span class="late over">${w('late', { n: item.late_days })}</span>`;
  return html`<span class="late soon">${w('dueIn', { n: -item.late_days })}</span>`;
}

export function CallList() {
  const [segment, setSegment] = useState('');
  const [perPage, setPerPage] = useState(50);
  const { data, error, loading } = useApi(`/api/call-list?per_page=${perPage}${segment ? `&segment=${segment}` : ''}`);
  return html`
    <section class="card">
      <div class="head-row">
        <div><h1>${w('callList')}${data ? ` (${data.total})` : ''}</h1><p class="muted">${w('callHint')}</p></div>
        <select class="narrow" aria-label=${t('segment')} value=${segment} onChange=${(e) => setSegment(e.target.value)}>
          <option value="">${w('allSegments')}</option>${['A', 'B', 'C'].map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
      ${error && html`<p class="error">${w('error', { d: error.message })}</p>`}
      ${loading && !data && html`<p class="muted">${w('loading')}</p>`}
      ${data && html`<table class="grid calls">
        <thead><tr><th></th><th>${w('account')}</th><th>${w('rep')}</th><th>${t('dueDate')}</th>
          <th>${w('lastContact')}</th><th></th></tr></thead>
        <tbody>${data.items.map((item) => html`
          <tr data-testid="call-row" data-account-id=${item.account_id}>
            <td><${Badge} segment=${item.segment} /></td>
            <td><strong>${item.name}</strong><br /><small>${item.postcode} ${item.city}</small>
              ${item.phone && html`<br /><a href=${`tel:${item.phone}`}>${item.phone}</a>`}</td>
            <td>${item.owner_name}</td>
            <td><${Lateness} item=${item} />${item.next_due_at && html`<br /><small>${fmtDate(item.next_due_at)}</small>`}</td>
            <td class="last">${item.last_contact ? html`
              <small>${fmtDate(item.last_contact.at)} · ${t(`kind.${item.last_contact.kind}`)}</small>
              ${item.last_contact.outcome && html` <span class="status">${t(`outcome.${item.last_contact.outcome}`)}</span>`}
              ${item.last_contact.notes && html`<p class="note">${item.last_contact.notes}</p>`}` : html`<span class="muted">–</span>`}</td>
            <td><a class="button primary" data-testid="call-book" href=${`#/desk/book/${item.account_id}`}>${w('book')}</a></td>
          </tr>`)}</tbody>
      </table>
      ${data.items.length < data.total && html`<button onClick=${() => setPerPage(perPage + 50)}>${w('more')}</button>`}`}
    </section>`;
}
