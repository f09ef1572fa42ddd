// Back office: the quote requests routed to my technical team(s), by status column,
// urgent first then oldest first; each card's age is coloured against the target
// turnaround (a setting of this desk, 48 h by default).
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, go } from '../../lib/ui.js';
import { colon } from '../../lib/lang.js';
import { t, fmtHours, productLine } from '../../lib/words.js';
import { useApi } from './fetch.js';
import { w, money, count } from './words.js';
import { QuoteDetail, useName } from './quote-detail.js';
import { LineFlag, unrecognised } from './line-fix.js';

const COLUMNS = [
  { key: 'new', statuses: ['routed', 'submitted'] },
  { key: 'in_progress', statuses: ['in_progress'] },
  { key: 'quoted', statuses: ['quoted'] },
  { key: 'closed', statuses: ['won', 'lost'], recent: true },
  { key: 'undeliverable', statuses: ['undeliverable'] },
];
const TARGET_KEY = 'tournee-turnaround-target';

// Never below 0: a desk whose clock runs a few minutes behind the server's read "-1 j -1 h" for a new quote.
export const ageHours = (q) => Math.max(0, Date.now() - new Date(q.created_at).getTime()) / 3600000;
export function ageClass(hours, target) {
  if (hours >= target) return 'age late';
  return hours >= target / 2 ? 'age warn' : 'age ok';
}

const PAGE = 40;

const RECENT_DAYS = 30;

/** One status of a column: the queue's first page (the oldest); closed ones, those closed in the last
 * RECENT_DAYS (the list's order is the queue's, so the newest are picked here by `closed_at`). */
function useStatus(status, recent, version) {
  // Whole days, so that the path (and the fetch) stays the same from one render to the next.
  const since = `${new Date(Date.now() - RECENT_DAYS * 86400000).toISOString().slice(0, 10)}T00:00:00Z`;
  const list = useApi(recent ? `/api/quotes?status=${status}&closed_after=${since}&per_page=1000`
    : `/api/quotes?status=${status}&per_page=${PAGE}`, version);
  return { total: list.data?.total || 0, items: list.data?.items || [] };
}

function Column({ column, target, version, selected }) {
  const lists = column.statuses.map((s) => useStatus(s, column.recent, version));
  let items = lists.flatMap((l) => l.items);
  const total = lists.reduce((n, l) => n + l.total, 0);
  if (!column.recent) items.sort((a, b) => (a.urgency === b.urgency ? (a.created_at < b.created_at ? -1 : 1) : a.urgency === 'urgent' ? -1 : 1));
  else items = items.sort((a, b) => ((a.closed_at || '') < (b.closed_at || '') ? 1 : -1)).slice(0, PAGE);
  return html`<div class="column" data-testid=${`board-${column.key}`}>
    <h2>${w(`col.${column.key}`)} <span class="count">${total}</span></h2>
    ${items.map((q) => html`<${Card} q=${q} target=${target} selected=${selected === q.id} closed=${column.recent} />`)}
  </div>`;
}

function Card({ q, target, selected, closed }) {
  const name = useName('accounts', q.account_id);
  const hours = ageHours(q);
  return html`<a class=${`quote-card ${selected ? 'selected' : ''} ${q.urgency}`} href=${`#/desk/board/${q.id}`}
      data-testid="quote-card" data-quote-id=${q.id} data-status=${q.status}>
    <strong>${name || '…'}</strong>
    <span>${productLine(q.product_line)} · ${count('items', (q.items || []).length)}</span>
    ${unrecognised(q) && html`<span><${LineFlag} q=${q} /></span>`}
    <span class="card-foot">
      ${q.urgency === 'urgent' && html`<span class="status st-lost">${t('urgency.urgent')}</span>`}
      ${closed ? html`<span class=${`status st-${q.status}`}>${t(`status.${q.status}`)}</span>`
        : html`<span class=${ageClass(hours, target)}>${fmtHours(hours)}</span>`}
      ${q.amount != null && html`<span>${money(q.amount)}</span>`}
    </span></a>`;
}

export function Board({ quoteId }) {
  const [target, setTarget] = useState(Number(localStorage.getItem(TARGET_KEY)) || 48);
  const [version, setVersion] = useState(0);
  const changeTarget = (value) => { setTarget(value); localStorage.setItem(TARGET_KEY, String(value)); };
  // The quotes whose line names none of the company's, as the server folds them (line-fix.js).
  const flagged = useApi('/api/quotes?line=unrecognised&per_page=1', version).data?.total;
  return html`<section class=${quoteId ? 'board-wrap with-detail' : 'board-wrap'}>
    <div class="head-row">
      <h1>${w('board')}</h1>
      <label class="inline-label">${w('targetTurnaround')}
        <input class="narrow" type="number" min="1" max="720" value=${target} data-testid="board-target"
          onInput=${(e) => changeTarget(Number(e.target.value) || 48)} /> h</label>
      <button onClick=${() => setVersion(version + 1)}>${w('refresh')}</button>
      ${flagged > 0 && html`<span class="status st-undeliverable" data-testid="board-unrecognised">${w('unrecognisedLines')}${colon()}${flagged}</span>`}
    </div>
    <div class="board">${COLUMNS.map((c) => html`<${Column} key=${c.key} column=${c} target=${target} version=${version} selected=${quoteId} />`)}</div>
    ${quoteId && html`<${QuoteDetail} key=${quoteId} id=${quoteId} onChanged=${() => setVersion(version + 1)}
      onClose=${() => go('/desk/board')} />`}
  </section>`;
}
