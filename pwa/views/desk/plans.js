// Manager: individual action plans (PAC / PAM) — targets per segment for a rep and a
// period, co-built with the rep — and each plan's progress against a steady pace.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast, go, isoDay, addDays } from '../../lib/ui.js';
import { fmtDate, fmtNumber } from '../../lib/lang.js';
import { useApi, post, patch, del, problemText } from './fetch.js';
import { w, money, pct } from './words.js';

const SEGS = ['A', 'B', 'C'];
const KEYS = [['visits', 'visits'], ['calls', 'calls_'], ['revenue', 'revenueTarget']];
const empty = () => ({ rep_id: '', period_start: `${isoDay().slice(0, 7)}-01`,
  period_end: addDays(`${addDays(`${isoDay().slice(0, 7)}-01`, 95).slice(0, 7)}-01`, -1), notes: '',
  targets: Object.fromEntries(SEGS.map((s) => [s, { visits: 0, calls: 0, revenue: 0 }])) });

function Editor({ plan, reps, onSaved }) {
  const [form, setForm] = useState(() => JSON.parse(JSON.stringify(plan || empty())));
  const set = (name, value) => setForm({ ...form, [name]: value });
  const setTarget = (s, k, value) => set('targets', { ...form.targets, [s]: { ...form.targets[s], [k]: Number(value) || 0 } });
  async function save(event) {
    event.preventDefault();
    const body = { rep_id: form.rep_id, period_start: form.period_start, period_end: form.period_end,
      targets: form.targets, notes: form.notes || null };
    try {
      const saved = plan ? await patch(`/api/action-plans/${plan.id}`, body) : await post('/api/action-plans', body);
      toast(w('done'));
      onSaved(saved);
    } catch (e) { toast(problemText(e), 'error'); }
  }
  return html`<form class="card plan-form" onSubmit=${save} data-testid="plan-form">
    <div class="row">
      <label>${w('rep')}<select required data-testid="plan-rep" value=${form.rep_id} onChange=${(e) => set('rep_id', e.target.value)}>
        <option value="">–</option>${reps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select></label>
      <label>${w('periodStart')}<input type="date" required data-testid="plan-start" value=${form.period_start} onInput=${(e) => set('period_start', e.target.value)} /></label>
      <label>${w('periodEnd')}<input type="date" required data-testid="plan-end" value=${form.period_end} onInput=${(e) => set('period_end', e.target.value)} /></label>
    </div>
    <table class="grid targets"><thead><tr><th></th>${KEYS.map(([, label]) => html`<th>${w(label)}</th>`)}</tr></thead>
      <tbody>${SEGS.map((s) => html`<tr><th>${s}</th>${KEYS.map(([k]) => html`<td>
        <input type="number" min="0" step=${k === 'revenue' ? 100 : 1} data-testid=${`plan-${s}-${k}`} value=${form.targets[s][k]}
          onInput=${(e) => setTarget(s, k, e.target.value)} /></td>`)}</tr>`)}</tbody></table>
    <label>${w('notes')}<textarea value=${form.notes || ''} onInput=${(e) => set('notes', e.target.value)} /></label>
    <button class="primary" type="submit" data-testid="plan-save">${w('save')}</button>
  </form>`;
}

function Progress({ id }) {
  const { data } = useApi(`/api/action-plans/${id}/progress`);
  if (!data) return html`<p class="muted">${w('loading')}</p>`;
  return html`<div class="card" data-testid="plan-progress"><h2>${w('progress')} · ${pct(data.attainment)}</h2>
    <table class="grid"><thead><tr><th></th>${KEYS.map(([, l]) => html`<th>${w(l)}</th>`)}</tr></thead>
    <tbody>${SEGS.map((s) => html`<tr><th>${s}</th>${KEYS.map(([k]) => {
      const c = data.segments[s][k];
      const show = k === 'revenue' ? money : (n) => fmtNumber(n, 1);
      // A target left at 0 is no target: "6 / 0" read as six times over a goal nobody set.
      if (!c.target) return html`<td data-testid=${`progress-${s}-${k}`}>${show(c.actual)}<br /><small class="muted">${w('noTarget')}</small></td>`;
      return html`<td data-testid=${`progress-${s}-${k}`}>${show(c.actual)} / ${show(c.target)}<br /><small class="muted">${w('expected', { n: show(c.expected_to_date) })}</small></td>`;
    })}</tr>`)}</tbody></table></div>`;
}

export function Plans({ planId }) {
  const reps = useApi('/api/reps').data || [];
  const list = useApi('/api/action-plans');
  const plans = list.data || [];
  const current = plans.find((p) => p.id === planId);
  const name = (id) => reps.find((r) => r.id === id)?.name || id;
  async function remove(plan) {
    if (!confirm(w('confirmDelete'))) return; // destructive: never one tap
    try { await del(`/api/action-plans/${plan.id}`); list.reload(); go('/desk/plans'); } catch (e) { toast(problemText(e), 'error'); }
  }
  return html`<section class="plans">
    <div class="head-row"><h1>${w('plans')}</h1><a class="button" href="#/desk/plans/new" data-testid="plan-new">${w('newPlan')}</a></div>
    <div class="columns">
      <div class="card"><table class="grid"><tbody>
        ${!plans.length && html`<tr><td class="muted">${w('noPlans')}</td></tr>`}
        ${plans.map((p) => html`<tr data-testid="plan-row" class=${p.id === planId ? 'selected' : ''}>
          <td><a href=${`#/desk/plans/${p.id}`}>${name(p.rep_id)}</a></td>
          <td>${fmtDate(p.period_start)} → ${fmtDate(p.period_end)}</td>
          <td class="num">${SEGS.reduce((n, s) => n + (p.targets[s]?.visits || 0), 0)} ${w('visits').toLowerCase()}</td>
          <td><button class="small danger" onClick=${() => remove(p)}>${w('delete')}</button></td></tr>`)}
      </tbody></table></div>
      <div>
        ${planId === 'new' && html`<${Editor} reps=${reps} onSaved=${(p) => { list.reload(); go(`/desk/plans/${p.id}`); }} />`}
        ${current && html`<${Editor} key=${current.id + current.updated_at} plan=${current} reps=${reps} onSaved=${() => list.reload()} />
          <${Progress} key=${current.updated_at} id=${current.id} />`}
      </div>
    </div>
  </section>`;
}
