// Manager: the forecast (API.md → Forecast) of a period, team or rep; the backtest against
// the naive baselines; the pipeline with its deals; the calibration; CSV export. In a
// manager's words: the statistics' names (MAPE, Brier) stay in the API.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, isoDay, addDays, toast } from '../../lib/ui.js';
import { useApi, post, problemText, downloadCsv } from './fetch.js';
import { w, money, pct, count } from './words.js';
import { fmtMonth, fmtPercent, fmtNumber, fmtDay, compactMoney } from '../../lib/lang.js';
import { productLine } from '../../lib/words.js';
import { Chart, InfoIcon } from './charts.js';

const STAGES = ['lead', 'requested', 'in_progress', 'quoted'];
const CATEGORIES = ['pipeline', 'best_case', 'commit'];
const FIGURES = ['won', 'weighted', 'commit', 'best_case'];
const PAGE = 50; // deals shown at first, and added by each "Voir plus"
// The last day of the `months`-th month counted from day's own (3: this quarter, as the API's default).
const lastDay = (day, months) => addDays(`${addDays(`${day.slice(0, 7)}-01`, 31 * months + 1).slice(0, 7)}-01`, -1);
// The API's percentages (14.06 for 14.06 %) in the user's language: "14,1 %" / "14.1%".
const pct1 = (n) => fmtPercent(n == null ? null : n / 100, 1);
const monthAt = (m) => new Date(`${m}-15T12:00:00`).getTime() / 1000;
// "≈" marks only the amounts weighted by a win probability (an expected value, not an amount
// anyone quoted or will invoice): the Weighted columns. An amount guessed from the product line
// is in italics instead, so "≈" keeps one meaning.
const expected = (n) => (n == null ? money(n) : `≈\u00a0${money(n)}`);

// The dashboard's (i) beside a figure: what it measures, on hover (title) and, on a tap, written under it.
function Why({ label, text, testid }) {
  const [open, setOpen] = useState(false);
  return html`<button type="button" class="info" aria-label=${label} title=${text} aria-expanded=${open} data-testid=${testid}
    onClick=${() => setOpen(!open)}><${InfoIcon} /></button>${open
    && html`<span class="help" data-testid=${`${testid}-text`}>${text}</span>`}`;
}

// The backtest in a manager's words: the average miss of past forecasts (the API's `mape`), beside
// the naive baselines, and whether the forecast ran high or low (`bias`).
function Backtest({ rep }) {
  const { data } = useApi(`/api/forecast/backtest?months=12${rep ? `&rep_id=${rep}` : ''}`);
  if (!data) return html`<p class="muted">${w('loading')}</p>`;
  const x = data.months.map((m) => monthAt(m.month));
  const n = data.months.filter((m) => m.actual > 0).length;
  return html`<div data-testid="forecast-backtest">
    <${Chart} testid="chart-backtest" title=${w('fc.backtest')} x=${x} yFormat=${compactMoney}
      series=${[{ label: w('pl.fig.won'), color: '#2e7d32', bars: true, values: data.months.map((m) => m.actual) },
        { label: w('fc.forecast'), color: '#1565c0', values: data.months.map((m) => m.forecast) },
        { label: w('fc.stageBaseline'), color: '#9e9e9e', values: data.months.map((m) => m.stage) }]} />
    <p data-testid="forecast-mape"><strong>${w('fc.error', { m: pct1(data.mape) })}</strong>
      <${Why} label=${w('fc.why')} text=${w('fc.errorHelp', { n })} testid="forecast-mape-why" /></p>
    <p class="muted">${w('fc.baselines', { s: pct1(data.baseline_mape.stage), l: pct1(data.baseline_mape.last_period) })}
      ${data.bias ? ` ${w(data.bias > 0 ? 'fc.biasHigh' : 'fc.biasLow', { b: pct1(Math.abs(data.bias)) })}` : ''}</p></div>`;
}

// How far the win probabilities can be trusted: the API's Brier score in words, and per band of
// announced probability how many cases and how many were won. The bands count cases (one per
// stage a closed deal went through), so their total is `examples`, not the deals learned from.
function Calibration() {
  const { data } = useApi('/api/forecast/model');
  if (!data) return null;
  const cases = (n) => fmtNumber(n, 0);
  return html`<div class="card" data-testid="forecast-model"><h2>${w('fc.model')}</h2>
    <p>${w(`fc.kind.${data.kind}`, { n: cases(data.trained_on) })}</p>
    <p data-testid="forecast-score">${w('fc.score', { s: fmtNumber(data.brier, 2), c: fmtNumber(0.25, 2), h: pct(0.5) })}
      <${Why} label=${w('fc.why')} text=${w('fc.scoreHelp')} testid="forecast-score-why" /></p>
    <table class="grid"><thead><tr><th>${w('fc.band')}</th><th class="num">${w('fc.examples')}</th><th class="num">${w('fc.predicted')}</th>
      <th class="num">${w('fc.observed')}</th></tr></thead>
      <tbody>${data.calibration.map((b) => html`<tr data-testid="forecast-band"><td>${pct(b.low)}–${pct(b.high)}</td><td class="num">${cases(b.count)}</td>
        <td class="num">${pct(b.predicted)}</td><td class="num">${pct(b.observed)}</td></tr>`)}</tbody>
      <tfoot><tr><th>${w('fc.total')}</th><td class="num" data-testid="forecast-examples">${cases(data.examples)}</td><td></td><td></td></tr></tfoot></table>
    <p class="muted" data-testid="forecast-examples-note">${w('fc.examplesNote', { e: cases(data.examples), n: cases(data.trained_on) })}</p></div>`;
}

function Pipeline({ deals, pick, picked }) {
  const sum = (s, c) => deals.filter((d) => d.stage === s && d.category === c).reduce((n, d) => n + d.amount, 0);
  return html`<table class="grid" data-testid="forecast-pipeline">
    <thead><tr><th></th>${CATEGORIES.map((c) => html`<th class="num">${w(`pl.cat.${c}`)}</th>`)}</tr></thead>
    <tbody>${STAGES.map((s) => html`<tr><th>${w(`pl.stage.${s}`)}</th>${CATEGORIES.map((c) => html`
      <td class=${`num ${picked && picked[0] === s && picked[1] === c ? 'active' : ''}`}>
        <a href="#/desk/forecast" data-testid=${`pipeline-${s}-${c}`} onClick=${(e) => { e.preventDefault(); pick([s, c]); }}>${money(sum(s, c))}</a></td>`)}</tr>`)}
    </tbody></table>`;
}

// The pipeline's answer holds every open deal (the table above sums them): "Voir plus" shows more of them.
function Deals({ deals }) {
  const [shown, setShown] = useState(PAGE);
  const n = Math.min(shown, deals.length);
  return html`<table class="grid" data-testid="forecast-deals"><thead><tr><th>${w('account')}</th><th>${w('rep')}</th>
    <th>${w('fc.stage')}</th><th>${w('pl.category')}</th><th>${w('pl.close')}</th><th class="num">${w('amount')}</th>
    <th class="num">${w('fc.probability')}</th><th class="num">${w('pl.fig.weighted')}</th></tr></thead>
    <tbody>${deals.slice(0, shown).map((d) => html`<tr data-testid="forecast-deal">
      <td>${d.account_name}</td><td>${d.rep_name}</td><td>${w(`pl.stage.${d.stage}`)}</td><td>${w(`pl.cat.${d.category}`)}</td>
      <td class="date">${fmtDay(d.expected_close)}</td><td class=${d.amount_estimated ? 'num guess' : 'num'} title=${d.amount_estimated ? w('fc.guessed') : null}
        data-testid="forecast-deal-amount">${money(d.amount)}</td>
      <td class="num">${pct(d.probability)}</td><td class="num" data-testid="forecast-deal-weighted">${expected(d.weighted)}</td></tr>`)}</tbody></table>
    <div class="more-row"><span data-testid="forecast-deals-count">${n < deals.length ? w('fc.shown', { n: fmtNumber(n, 0), total: fmtNumber(deals.length, 0) }) : count('fc.n', n)}</span>
      ${n < deals.length && html`<button data-testid="forecast-deals-more" onClick=${() => setShown(shown + PAGE)}>${w('more')}</button>`}</div>
    <p class="muted" data-testid="forecast-deals-notes">${w('fc.expected')}${deals.some((d) => d.amount_estimated)
      && html`<br /><em>${w('fc.italic')}</em> ${w('fc.guessed')}`}</p>`;
}

function Adjust({ reps, onDone }) {
  const [form, setForm] = useState({ rep_id: '', month: isoDay().slice(0, 7), amount: '', reason: '' });
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  // One adjustment per click (a double click added two): the button is disabled at once, till the answer.
  const save = (click) => {
    const button = click.currentTarget;
    button.disabled = true;
    post('/api/forecast/adjustments', { ...form, amount: Number(form.amount) })
      .then(() => { setForm({ ...form, amount: '', reason: '' }); toast(w('done')); onDone(); }, (e) => toast(problemText(e), 'error'))
      .finally(() => { button.disabled = false; });
  };
  return html`<div class="filters adjust" data-testid="forecast-adjust">
    <label>${w('rep')}<select data-testid="adjust-rep" value=${form.rep_id} onChange=${set('rep_id')}><option value="">–</option>
      ${reps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select></label>
    <label>${w('fc.by.month')}<input type="month" data-testid="adjust-month" value=${form.month} onChange=${set('month')} /></label>
    <label>${w('amount')}<input type="number" data-testid="adjust-amount" value=${form.amount} onInput=${set('amount')} /></label>
    <label class="wide">${w('reason')}<input data-testid="adjust-reason" value=${form.reason} onInput=${set('reason')} /></label>
    <button onClick=${save} data-testid="adjust-save">${w('fc.adjust')}</button></div>`;
}

export function Forecast() {
  const today = isoDay();
  const [from, setFrom] = useState(`${today.slice(0, 7)}-01`);
  const [to, setTo] = useState(lastDay(today, 3));
  const [rep, setRep] = useState('');
  const [groupBy, setGroupBy] = useState('month');
  const [picked, pick] = useState(null);
  const reps = useApi('/api/reps').data || [];
  const query = `from=${from}&to=${to}${rep ? `&rep_id=${rep}` : ''}`;
  const { data: f, error, reload } = useApi(`/api/forecast?${query}&group_by=${groupBy}`);
  const pipeline = useApi(`/api/forecast/pipeline?${query}`).data;
  const deals = (pipeline?.deals || []).filter((d) => !picked || (d.stage === picked[0] && d.category === picked[1]));
  const names = Object.fromEntries(reps.map((r) => [r.id, r.name]));
  return html`<section class="dashboard forecast">
    <div class="card filters">
      <label>${w('from')}<input type="date" data-testid="forecast-from" value=${from} onChange=${(e) => setFrom(e.target.value)} /></label>
      <label>${w('to')}<input type="date" data-testid="forecast-to" value=${to} onChange=${(e) => setTo(e.target.value)} /></label>
      <label>${w('rep')}<select data-testid="forecast-rep" value=${rep} onChange=${(e) => setRep(e.target.value)}>
        <option value="">${w('allReps')}</option>${reps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select></label>
      <label>${w('fc.groupBy')}<select data-testid="forecast-group" value=${groupBy} onChange=${(e) => setGroupBy(e.target.value)}>
        ${['month', 'rep', 'segment', 'product_line'].map((g) => html`<option value=${g}>${w(`fc.by.${g}`)}</option>`)}</select></label>
      <button data-testid="forecast-csv" onClick=${() => downloadCsv('forecast', `${query}&group_by=${groupBy}`)}>${w('exportCsv')}</button>
    </div>
    ${error && html`<p class="error">${problemText(error)}</p>`}
    ${f && f.weighted > f.best_case && html`<p class="muted" data-testid="forecast-weighted-above">${w('fc.weightedAbove')}</p>`}
    ${f && html`<div class="tiles">${FIGURES.map((k) => html`<div class="tile"><small>${w(`pl.fig.${k}`)}</small>
        <strong data-testid=${`forecast-${k}`}>${money(f[k])}</strong>
        ${k !== 'won' && html`<span data-testid=${`forecast-${k}-note`}>${w(`fc.${k}Note`)}</span>`}</div>`)}
      <div class="tile"><small>${w('fc.adjustment')}</small><strong>${money(f.adjustment)}</strong>
        <span>${f.adjustments.slice(0, 2).map((a) => `${names[a.rep_id] || ''} ${fmtMonth(a.month)} — ${a.reason}`).join(' · ')}</span></div></div>
    <div class="card"><table class="grid" data-testid="forecast-groups"><thead><tr><th></th>
      ${FIGURES.map((k) => html`<th class="num">${w(`pl.fig.${k}`)}</th>`)}<th class="num">${w('fc.open')}</th></tr></thead>
      <tbody>${f.groups.map((g) => html`<tr><td>${groupBy === 'rep' ? names[g.key] || g.key : groupBy === 'product_line' ? productLine(g.key) : groupBy === 'month' && /^\d{4}-\d{2}$/.test(g.key) ? fmtMonth(g.key) : g.key}</td>
        ${FIGURES.map((k) => html`<td class="num">${k === 'weighted' ? expected(g[k]) : money(g[k])}</td>`)}<td class="num">${g.open_count}</td></tr>`)}</tbody></table>
      <${Adjust} reps=${reps} onDone=${reload} /></div>`}
    <div class="card"><${Backtest} rep=${rep} /></div>
    ${pipeline && html`<div class="card"><h2>${w('fc.pipeline')}</h2><${Pipeline} deals=${pipeline.deals} pick=${pick} picked=${picked} />
      <h2>${w('fc.deals')}${picked ? ` — ${w(`pl.stage.${picked[0]}`)}, ${w(`pl.cat.${picked[1]}`)}` : ''}</h2>
      <${Deals} key=${String(picked)} deals=${deals} /></div>`}
    <${Calibration} />
  </section>`;
}
