// Manager: the KPIs of API.md for a team, a rep and a period, against the plan and
// the model's time split; 6-month trend charts (uPlot, lazy); CSV export.
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, isoDay, addDays, Badge } from '../../lib/ui.js';
import { api } from '../../lib/api.js';
import { useApi, problemText, downloadCsv } from './fetch.js';
import { w, money, pct, count } from './words.js';
import { fmtHours } from '../../lib/words.js';
import { compactMoney, fmtMonth } from '../../lib/lang.js';
import { Chart, SEG_COLORS, InfoIcon } from './charts.js';

const SEGS = ['A', 'B', 'C'];
// Where "planned" comes from: action-plan days vs cadence days (server/kpis/service.py).
const plannedHelp = (b) => (b ? w('plannedHelp', { plan: b.plan_days, cadence: b.cadence_days, worked: b.working_days }) : '');
const monthStart = (day) => `${day.slice(0, 7)}-01`;
const monthEnd = (first) => addDays(`${addDays(first, 32).slice(0, 7)}-01`, -1);

function Bar({ value, target, color }) {
  const width = `${Math.min(100, Math.round((value || 0) * 100))}%`;
  return html`<span class="bar"><span class="fill" style=${{ width, background: color }} />
    ${target != null && html`<span class="mark" style=${{ left: `${Math.round(target * 100)}%` }} />`}</span>`;
}

function Trend({ rep }) {
  const [months, setMonths] = useState(null);
  useEffect(() => {
    const firsts = [5, 4, 3, 2, 1, 0].map((n) => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - n); return isoDay(d).slice(0, 8) + '01'; });
    Promise.all(firsts.map((f) => api(`/api/kpis?from=${f}&to=${monthEnd(f) > isoDay() ? isoDay() : monthEnd(f)}${rep ? `&rep_id=${rep}` : ''}`)))
      .then((list) => setMonths(list.map((k, i) => ({ at: new Date(`${firsts[i]}T12:00:00`).getTime() / 1000, k }))), () => setMonths([]));
  }, [rep]);
  if (!months) return html`<p class="muted">${w('loading')}</p>`;
  const x = months.map((m) => m.at);
  // The last month is the current one, counted up to today: dashed, not a fall.
  return html`<p class="muted" data-testid="chart-partial">${w('partialMonth', { m: fmtMonth(isoDay()) })}</p>
  <div class="charts">
    <${Chart} testid="chart-visits" title=${w('visitsDone')} x=${x} partial
      series=${SEGS.map((s) => ({ label: s, color: SEG_COLORS[s], values: months.map((m) => m.k.visits[s].done) }))} />
    <${Chart} testid="chart-revenue" title=${w('revenue')} x=${x} partial yFormat=${(v) => compactMoney(v)}
      series=${SEGS.map((s) => ({ label: s, color: SEG_COLORS[s], bars: false, values: months.map((m) => m.k.revenue[s]) }))} />
  </div>`;
}

export function Dashboard() {
  const today = isoDay();
  const [from, setFrom] = useState(monthStart(addDays(today, -62))); // the current month and the two before
  const [to, setTo] = useState(today);
  const [rep, setRep] = useState('');
  const [help, setHelp] = useState(false); // the "Planned" explanation: a tap, not a hover (touch screens)
  const reps = useApi('/api/reps').data || [];
  const query = `from=${from}&to=${to}${rep ? `&rep_id=${rep}` : ''}`;
  const { data: k, error } = useApi(`/api/kpis?${query}`);
  return html`<section class="dashboard">
    <div class="card filters">
      <label>${w('from')}<input type="date" data-testid="kpi-from" value=${from} onChange=${(e) => setFrom(e.target.value)} /></label>
      <label>${w('to')}<input type="date" data-testid="kpi-to" value=${to} onChange=${(e) => setTo(e.target.value)} /></label>
      <label>${w('rep')}<select data-testid="kpi-rep" value=${rep} onChange=${(e) => setRep(e.target.value)}>
        <option value="">${w('allReps')}</option>${reps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select></label>
      <button data-testid="kpi-csv" onClick=${() => downloadCsv('kpis', query)}>${w('exportCsv')}</button>
    </div>
    ${error && html`<p class="error">${problemText(error)}</p>`}
    ${k && html`<div class="tiles">
      <div class="tile"><small>${w('revenue')}</small><strong data-testid="kpi-revenue">${money(SEGS.reduce((n, s) => n + k.revenue[s], 0))}</strong></div>
      <div class="tile"><small>${w('conversion')}</small><strong data-testid="kpi-conversion">${pct(k.quotes.conversion_rate)}</strong>
        <span>${count('won', k.quotes.won)} / ${count('lost', k.quotes.lost)}</span></div>
      <div class="tile"><small>${w('turnaround')}</small><strong><span class="one-line">${fmtHours(k.quotes.turnaround_hours_p50)}</span> / <span class="one-line">${fmtHours(k.quotes.turnaround_hours_p90)}</span></strong></div>
      <div class="tile"><small>${w('averageBasket')}</small><strong>${money(k.quotes.average_amount)}</strong></div>
      <div class="tile"><small>${w('opportunities')}</small><strong>${SEGS.reduce((n, s) => n + k.opportunities[s], 0)}</strong></div>
      <div class="tile"><small>${w('attainment')}</small><strong data-testid="kpi-attainment">${pct(k.action_plan?.attainment)}</strong></div>
    </div>
    <div class="card"><table class="grid kpi-table" data-testid="kpi-segments">
      <thead><tr><th></th><th>${w('visitsDone')}</th><th>${w('planned')} <button type="button" class="info" data-testid="kpi-planned-help" aria-label=${w('plannedWhy')}
        aria-expanded=${help} aria-controls="kpi-planned-text" onClick=${() => setHelp(!help)}><${InfoIcon} /></button></th><th>${w('coverage')}</th>
        <th>${w('timeShare')} (${w('timeTarget')})</th><th>${w('calls_')}</th><th>${w('revenue')}</th><th>${w('accounts')}</th></tr></thead>
      <tbody>${SEGS.map((s) => html`<tr data-testid=${`kpi-segment-${s}`}>
        <td><${Badge} segment=${s} /></td>
        <td class="num" data-testid=${`kpi-done-${s}`}>${k.visits[s].done}</td><td class="num">${k.visits[s].planned}</td>
        <td><${Bar} value=${k.coverage[s]} color=${SEG_COLORS[s]} /> ${pct(k.coverage[s])}</td>
        <td><${Bar} value=${k.time_share[s]} target=${k.time_share_target[s]} color=${SEG_COLORS[s]} />
          ${pct(k.time_share[s])} (${pct(k.time_share_target[s])})</td>
        <td class="num">${k.calls[s]}</td><td class="num">${money(k.revenue[s])}</td><td class="num">${k.accounts[s]}</td></tr>`)}</tbody>
    </table>${help && html`<p class="muted" id="kpi-planned-text" data-testid="kpi-planned-text">${plannedHelp(k.planned_basis)}</p>`}</div>
    <div class="card"><h2>${w('byRep')}</h2><table class="grid" data-testid="kpi-by-rep">
      <thead><tr><th>${w('rep')}</th><th>${w('visitsDone')}</th><th>${w('planned')}</th><th>${w('calls_')}</th>
        <th>${w('coverage')}</th><th>${w('won')}</th><th>${w('lost')}</th><th>${w('conversion')}</th><th>${w('revenue')}</th></tr></thead>
      <tbody>${k.by_rep.map((r) => html`<tr><td><a href="#/desk/dashboard" onClick=${() => setRep(r.rep_id)}>${r.name}</a></td>
        <td class="num">${r.done}</td><td class="num" title=${plannedHelp(r.planned_basis)}>${r.planned}</td><td class="num">${r.calls}</td><td class="num">${pct(r.coverage)}</td>
        <td class="num">${r.won}</td><td class="num">${r.lost}</td><td class="num">${pct(r.conversion_rate)}</td>
        <td class="num">${money(r.revenue)}</td></tr>`)}</tbody></table></div>
    <div class="card"><${Trend} rep=${rep} /></div>`}
  </section>`;
}
