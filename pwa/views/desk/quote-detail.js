// One quote request for the back office: items, photos, account, contact, rep, its
// history and delivery log; moves it along (POST /api/quotes/{id}/transition),
// sends an undeliverable one again (POST /api/quotes/{id}/retry-delivery) or a stuck one to
// another technical team (reroute.js); a product line typed freely that names no line is flagged
// and set right (line-fix.js). Why a delivery failed is shown in words
// (`reason_text`); the channel's technical detail only to admins, who get it.
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { t, productLine } from '../../lib/words.js';
import { fmtDateTime, fmtCents, colon } from '../../lib/lang.js';
import { api } from '../../lib/api.js';
import { useApi, post, problemText } from './fetch.js';
import { w } from './words.js';
import { Reroute, stuck } from './reroute.js';
import { LineFix, LineFlag } from './line-fix.js';

const NEXT = { routed: ['in_progress', 'quoted'], in_progress: ['quoted'], quoted: ['won', 'lost'] };
const LABEL = { in_progress: 'take', quoted: 'quoteIt', won: 'markWon', lost: 'markLost' };
const names = new Map();

/** The name of an account or contact, fetched once per id for the whole desk. */
export function useName(kind, id) {
  const cacheKey = `${kind}:${id}`;
  const [name, setName] = useState(names.get(cacheKey)?.value);
  useEffect(() => {
    if (!id) return;
    if (!names.has(cacheKey)) {
      const entry = { value: undefined };
      entry.promise = api(`/api/${kind}/${id}`).then((r) => { entry.value = r.name; return r.name; }, () => '?');
      names.set(cacheKey, entry);
    }
    names.get(cacheKey).promise.then(setName);
  }, [cacheKey]);
  return name;
}

/** Photos need the bearer token: fetched as blobs, shown through object URLs. */
function Photo({ id }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    let made = null;
    api(`/api/attachments/${id}`, { as: 'blob' }).catch(() => null)
      .then((blob) => { if (blob) { made = URL.createObjectURL(blob); setUrl(made); } });
    return () => made && URL.revokeObjectURL(made);
  }, [id]);
  return url ? html`<a href=${url} target="_blank" rel="noopener"><img src=${url} alt="" /></a>` : html`<span class="photo-wait" />`;
}

export function QuoteDetail({ id, onChanged, onClose }) {
  const quote = useApi(`/api/quotes/${id}`);
  const history = useApi(`/api/quotes/${id}/history`);
  const q = quote.data;
  const account = useApi(q ? `/api/accounts/${q.account_id}` : null).data;
  const contact = useApi(q?.contact_id ? `/api/contacts/${q.contact_id}` : null).data;
  const reps = useApi('/api/reps').data || [];
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  async function act(path, body) {
    try {
      await post(path, body);
      toast(w('done'));
      setNote('');
      quote.reload(); history.reload(); onChanged();
    } catch (e) { toast(problemText(e), 'error'); }
  }
  // Re-routed, the quote leaves this team's queue until the other team has it: the detail closes.
  async function reroute(path, body) {
    try { await post(path, body); toast(w('done')); onChanged(); onClose(); } catch (e) { toast(problemText(e), 'error'); }
  }
  const move = (to) => act(`/api/quotes/${id}/transition`, { to, note: note || null,
    amount: ['quoted', 'won'].includes(to) && amount !== '' ? Number(amount) : null });
  if (!q) return html`<aside class="detail card">${quote.error ? problemText(quote.error) : w('loading')}</aside>`;
  const delivery = history.data?.delivery;
  // The team's name is the company's own (the demo's is "Service technique"): translate=no marks
  // it as a name, not a word of the app, for translators and for the language check alike.
  return html`<aside class="detail card" data-testid="quote-detail" data-status=${q.status}>
    <div class="head-row"><h2>${account?.name || '…'}</h2><button onClick=${onClose} aria-label=${w('close')}>✕</button></div>
    <p><span class=${`status st-${q.status}`} data-testid="quote-status">${t(`status.${q.status}`)}</span>
      ${q.urgency === 'urgent' && html` <span class="status st-lost">${t('urgency.urgent')}</span>`}
      ${q.amount != null && html` <strong>${fmtCents(q.amount)}</strong>`}</p>
    <dl class="facts">
      <dt>${w('account')}</dt><dd>${account ? `${account.address || ''} ${account.postcode || ''} ${account.city || ''}` : ''}</dd>
      <dt>${w('contact')}</dt><dd>${contact ? `${contact.name} ${contact.phone || ''} ${contact.email || ''}` : '–'}</dd>
      <dt>${w('rep')}</dt><dd>${reps.find((r) => r.id === q.rep_id)?.name || '–'}</dd>
      <dt>${t('productLine')}</dt><dd data-testid="quote-line">${productLine(q.product_line) || '–'}${
        history.data?.product_line_recognised === false && html` <${LineFlag} q=${q} />`}</dd>
      <dt>${w('technicalTeam')}</dt><dd data-testid="quote-team" translate=${false}>${history.data?.team_name || '–'}</dd>
      <dt>${t('quote')}</dt><dd>${fmtDateTime(q.created_at)}</dd>
    </dl>
    <${LineFix} key=${q.version} q=${q} recognised=${history.data?.product_line_recognised}
      onFixed=${(_, left) => { onChanged(); if (left) onClose(); else { quote.reload(); history.reload(); } }} />
    <table class="grid"><thead><tr><th>${t('label')}</th><th>${t('quantity')}</th><th>${t('unit')}</th></tr></thead>
      <tbody>${(q.items || []).map((i) => html`<tr><td>${i.label}</td><td>${i.quantity}</td><td>${i.unit || ''}</td></tr>`)}</tbody></table>
    ${q.notes && html`<p class="note">${q.notes}</p>`}
    ${(q.attachment_ids || []).length > 0 && html`<div class="photos">${q.attachment_ids.map((a) => html`<${Photo} id=${a} />`)}</div>`}
    ${NEXT[q.status] && html`<div class="transition">
      <div class="row">
        <label>${w('amount')}<input data-testid="quote-amount" type="number" min="0" step="0.01" value=${amount}
          onInput=${(e) => setAmount(e.target.value)} /></label>
        <label class="grow">${w('note')}<input data-testid="quote-note" value=${note} onInput=${(e) => setNote(e.target.value)} /></label>
      </div>
      <div class="actions">${NEXT[q.status].map((to) => html`<button class=${to === 'lost' ? 'danger' : 'primary'}
        data-testid=${`quote-to-${to}`} onClick=${() => move(to)}>${w(LABEL[to])}</button>`)}</div></div>`}
    ${(q.status === 'undeliverable' || stuck(q, delivery)) && html`<div class="transition">
      ${q.status === 'undeliverable' && html`<button class="primary" data-testid="quote-retry" onClick=${() => act(`/api/quotes/${id}/retry-delivery`, {})}>${w('retry')}</button>`}
      <${Reroute} quote=${q} delivery=${delivery} onSend=${reroute} /></div>`}
    ${delivery && html`<h3>${w('deliveryLog')}</h3><p data-testid="delivery-log">${w(`delivery.${delivery.state}`)} · ${w('attempts', { n: delivery.attempts })}
      ${delivery.reason_text && html`<br /><small class="error" data-testid="delivery-reason">${w('lastError')}${colon()}${delivery.reason_text}</small>`}
      ${delivery.last_error && html`<details><summary>${w('technicalDetail')}</summary><code translate=${false}>${delivery.last_error}</code></details>`}</p>`}
    <h3>${w('history')}</h3>
    <ul class="timeline">${(history.data?.events || []).map((e) => html`<li><time>${fmtDateTime(e.at)}</time>
      ${t(`status.${e.status}`)}${e.amount != null ? ` · ${fmtCents(e.amount)}` : ''}${e.note ? ` · ${e.note}` : ''}</li>`)}</ul>
  </aside>`;
}
