// My quote requests and where each one stands (routed, quoted, won…), newest first,
// 50 at a time: a rep's years of requests made one page of 30,000 px.
import { useState } from '../vendor/preact-hooks.mjs';
import { html, toast } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, count, fmtDateTime, fmtMoney, productLine } from '../lib/i18n.js';
import { allOf, accountsByIds } from '../lib/db.js';
import { cancelQuote } from '../lib/outbox.js';

const PAGE = 50;

export function Quotes() {
  const [shown, setShown] = useState(PAGE);
  const page = useLive(async () => {
    const list = (await allOf('quote_request')).sort((a, b) => ((a.created_at || '') < (b.created_at || '') ? 1 : -1));
    const rows = list.slice(0, shown); // only the shown ones' accounts are read
    const accounts = await accountsByIds(rows.map((q) => q.account_id));
    return { rest: list.length - rows.length, rows: rows.map((q, i) => ({ ...q, account: accounts[i] })) };
  }, [shown], null);
  if (!page) return html`<p class="muted">…</p>`;
  const quotes = page.rows;
  return html`
    <section class="card">
      <h1>${t('quotes')}</h1>
      ${!quotes.length && html`<p class="muted">${t('noQuotes')}</p>`}
      <table class="list"><tbody>${quotes.map((q) => html`
        <tr data-testid="quote-row" data-quote-id=${q.id}>
          <td><a href=${`#/account/${q.account_id}`}>${q.account?.name || q.account_id}</a><br />
            <small>${productLine(q.product_line)} · ${count('items', (q.items || []).length)}${q.urgency === 'urgent' ? ` · ${t('urgency.urgent')}` : ''}</small></td>
          <td>${fmtDateTime(q.created_at)}</td>
          <td><span class=${`status st-${q._local ? 'local' : q.status}`}>${t(`status.${q._local ? 'local' : q.status}`)}</span>
            ${q.amount != null && html`<br /><small>${fmtMoney(q.amount)}</small>`}</td>
          <td>${['submitted', 'routed'].includes(q.status) && !q._local && html`
            <button class="small" onClick=${() => confirm(t('confirmCancelQuote')) && cancelQuote(q.id).then(() => toast(t('saved')))}>${t('cancel')}</button>`}</td>
        </tr>`)}</tbody></table>
      ${page.rest > 0 && html`<button data-testid="quotes-more" onClick=${() => setShown(shown + PAGE)}>${t('moreQuotes', { n: Math.min(PAGE, page.rest) })}</button>`}
    </section>`;
}
