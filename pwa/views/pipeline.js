// The rep's own pipeline and forecast: what the server computed at the last sync
// (kept on the tablet, so it shows offline, with its time), the opportunities
// opened on this tablet since, and a form to open one on site without a quote.
import { useState, useEffect } from '../vendor/preact-hooks.mjs';
import { html, online, toast, isoDay } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, word, fmtDate, fmtDateTime, fmtMoney as money, fmtPercent, productLine } from '../lib/i18n.js';
import { allOf, accountsByIds, getMeta, setMeta, searchAccounts } from '../lib/db.js';
import { api } from '../lib/api.js';
import { openOpportunity } from '../lib/outbox.js';

const quarter = () => {
  const day = isoDay();
  const end = new Date(`${day.slice(0, 7)}-01T12:00:00`);
  end.setMonth(end.getMonth() + 3); end.setDate(0);
  return `from=${day.slice(0, 7)}-01&to=${isoDay(end)}`;
};

/** Fetch the forecast and its deals when online; keep them for offline use. */
async function refresh() {
  const q = quarter();
  const [figures, pipeline] = await Promise.all([api(`/api/forecast?${q}`), api(`/api/forecast/pipeline?${q}`)]);
  await setMeta('pipeline', { figures, deals: pipeline.deals, at: new Date().toISOString() });
}

function OpenForm({ onDone }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [form, setForm] = useState({ account_id: '', amount: '', expected_close: '', category: 'pipeline', maturity: '3' });
  useEffect(() => { if (q.length > 1) searchAccounts(q, 8).then(setFound); }, [q]);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = async () => {
    if (!form.account_id) { toast(t('pl.pickAccount'), 'error'); return; }
    await openOpportunity({ ...form, amount: form.amount ? Number(form.amount) : null,
      expected_close: form.expected_close || null, maturity: Number(form.maturity) });
    toast(t('saved'));
    onDone();
  };
  return html`<div class="card form" data-testid="opportunity-form">
    <label>${t('pl.account')}<input data-testid="opportunity-account-search" value=${q} onInput=${(e) => setQ(e.target.value)} /></label>
    ${q.length > 1 && html`<select data-testid="opportunity-account" value=${form.account_id} onChange=${set('account_id')}>
      <option value="">…</option>${found.map((a) => html`<option value=${a.id}>${a.name} — ${a.city}</option>`)}</select>`}
    <label>${t('pl.amount')}<input type="number" data-testid="opportunity-amount" value=${form.amount} onInput=${set('amount')} /></label>
    <label>${t('pl.close')}<input type="date" data-testid="opportunity-close" value=${form.expected_close} onChange=${set('expected_close')} /></label>
    <label>${t('pl.category')}<select data-testid="opportunity-category" value=${form.category} onChange=${set('category')}>
      ${['pipeline', 'best_case', 'commit'].map((c) => html`<option value=${c}>${word('pl.cat', c)}</option>`)}</select></label>
    <label>${t('maturity')}<select value=${form.maturity} onChange=${set('maturity')}>
      ${[1, 2, 3, 4, 5].map((m) => html`<option value=${m}>${m}</option>`)}</select></label>
    <button class="primary" data-testid="opportunity-save" onClick=${save}>${t('save')}</button></div>`;
}

export function Pipeline() {
  const [opening, setOpening] = useState(false);
  const kept = useLive(() => getMeta('pipeline'), [], null);
  const mine = useLive(async () => {
    const local = (await allOf('opportunity')).filter((o) => o._local);
    const accounts = await accountsByIds(local.map((o) => o.account_id));
    return local.map((o, i) => ({ ...o, account: accounts[i] }));
  }, [], []);
  useEffect(() => { if (online.value) refresh().catch(() => {}); }, [online.value]);
  const f = kept?.figures;
  return html`<section class="card pipeline" data-testid="pipeline">
    <h1>${t('pipeline')}</h1>
    ${kept ? html`<p class="muted" data-testid="pipeline-as-of">${t('pl.asOf', { at: fmtDateTime(kept.at) })}</p>` : html`<p class="muted">${t('pl.none')}</p>`}
    ${f && html`<div class="tiles">${['won', 'weighted', 'commit', 'best_case'].map((k) => html`
      <div class="tile"><small>${word('pl.fig', k)}</small><strong data-testid=${`pipeline-${k}`}>${money(f[k])}</strong></div>`)}</div>`}
    <button data-testid="opportunity-open" onClick=${() => setOpening(!opening)}>${t('pl.open')}</button>
    ${opening && html`<${OpenForm} onDone=${() => setOpening(false)} />`}
    <table class="list"><tbody>
      ${mine.map((o) => html`<tr data-testid="pipeline-local"><td>${o.title || o.account?.name}</td><td>${word('pl.cat', o.category)}</td>
        <td class="date">${o.expected_close ? fmtDate(o.expected_close) : ''}</td><td class="num">${money(o.amount)}</td>
        <td><span class="status st-local">${t('status.local')}</span></td></tr>`)}
      ${(kept?.deals || []).map((d) => html`<tr data-testid="pipeline-deal">
        <td><a href=${`#/account/${d.account_id}`}>${d.account_name}</a><br /><small>${word('pl.stage', d.stage)} · ${productLine(d.product_line)}</small></td>
        <td>${word('pl.cat', d.category)}</td><td class="date">${fmtDate(d.expected_close)}</td><td class="num">${money(d.amount)}</td>
        <td class="num">${fmtPercent(d.probability)}</td></tr>`)}
    </tbody></table></section>`;
}
