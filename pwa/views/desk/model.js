// Manager: the commercial model — criteria weights, A/B/C thresholds, cadence and
// time split per segment. A dry run lists the accounts whose segment would change;
// applying stores a new version and re-segments every account (API.md).
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, toast, Badge } from '../../lib/ui.js';
import { useApi, post, put, problemText } from './fetch.js';
import { w, count, pct } from './words.js';

const SEGS = ['A', 'B', 'C'];
const CADENCE = [['visits_per_year', 'visitsPerYear'], ['calls_per_year', 'callsPerYear'], ['visit_minutes', 'visitMinutes']];

function Counts({ counts }) {
  return html`<table class="grid counts" data-testid="segment-counts"><thead><tr><th></th>${SEGS.map((s) => html`<th><${Badge} segment=${s} /></th>`)}</tr></thead>
    <tbody>${['before', 'after'].map((k) => html`<tr><th>${k === 'before' ? '←' : '→'}</th>
      ${SEGS.map((s) => html`<td class="num" data-testid=${`count-${k}-${s}`}>${counts[k][s]}</td>`)}</tr>`)}</tbody></table>`;
}

function Overrides() {
  const { data, reload } = useApi('/api/segment-overrides');
  const decide = (id, action) => post(`/api/accounts/${id}/segment-override/${action}`, {}).then(reload, (e) => toast(problemText(e), 'error'));
  return html`<div class="card"><h2>${w('overrides')} (${data?.items.length ?? '…'})</h2>
    <table class="grid"><tbody>${(data?.items || []).slice(0, 50).map((o) => html`<tr>
      <td>${o.name}</td><td><${Badge} segment=${o.computed_segment} /> → <${Badge} segment=${o.segment} /></td>
      <td>${o.override?.reason || ''}</td>
      <td>${o.accepted ? '✓' : html`<button class="small" onClick=${() => decide(o.account_id, 'accept')}>${w('accept')}</button>`}
        <button class="small" onClick=${() => confirm(w('confirmRevert')) && decide(o.account_id, 'revert')}>${w('revert')}</button></td></tr>`)}</tbody></table></div>`;
}

export function ModelEditor() {
  const model = useApi('/api/commercial-model');
  const coverage = useApi(`/api/commercial-model/coverage?v=${model.data?.version}`);
  const [draft, setDraft] = useState(null);
  const [result, setResult] = useState(null);
  // one text: the French label
  useEffect(() => { if (model.data) setDraft(JSON.parse(JSON.stringify(model.data), (k, v) => (k === 'label' && typeof v === 'string' ? { fr: v } : v))); }, [model.data]);
  if (!draft) return html`<p class="muted">${w('loading')}</p>`;
  const edit = (fn) => { const next = JSON.parse(JSON.stringify(draft)); fn(next); setDraft(next); setResult(null); };
  const splitSum = SEGS.reduce((n, s) => n + Number(draft.time_split[s] || 0), 0);
  const body = () => ({ criteria: draft.criteria, thresholds: draft.thresholds, cadence: draft.cadence, time_split: draft.time_split });
  const share = (key) => coverage.data?.criteria.find((c) => c.key === key)?.share;
  async function dryRun() {
    try { setResult({ kind: 'dry', ...(await post('/api/commercial-model/dry-run', body())) }); } catch (e) { toast(problemText(e), 'error'); }
  }
  async function apply() {
    try {
      const doc = await put('/api/commercial-model', { ...body(), note: 'desk' });
      toast(count('applied', doc.recompute.changed, { v: doc.version }));
      setResult({ kind: 'applied', version: doc.version, counts: doc.recompute, changes: [] });
      model.reload();
    } catch (e) { toast(problemText(e), 'error'); }
  }
  return html`<section class="model">
    <div class="head-row"><h1>${w('model')} · ${w('version', { v: model.data.version })}</h1>
      <div class="actions"><button data-testid="model-dry-run" onClick=${dryRun}>${w('dryRun')}</button>
        <button class="primary" data-testid="model-apply" disabled=${Math.abs(splitSum - 1) > 0.001} onClick=${apply}>${w('apply')}</button></div></div>
    ${result && html`<div class="card result" data-testid="model-result">
      <h2>${result.kind === 'dry' ? count('dryRunResult', result.counts.changed) : count('applied', result.counts.changed, { v: result.version })}</h2>
      <${Counts} counts=${result.counts} />
      <ul class="changes">${(result.changes || []).slice(0, 30).map((c) => html`<li data-testid="dry-run-change" data-account-id=${c.account_id} data-to=${c.to}>${c.name}
        <${Badge} segment=${c.from} /> → <${Badge} segment=${c.to} /></li>`)}</ul></div>`}
    <div class="columns">
      <div class="card"><h2>${w('criteria')}</h2><table class="grid"><thead><tr><th></th><th>${w('weight')}</th><th>${w('dataCoverage')}</th></tr></thead>
        <tbody>${draft.criteria.map((c, i) => html`<tr><td>${['fr', 'en'].map((k) => html`<label>${w(k === 'fr' ? 'fieldLabelFr' : 'fieldLabelEn')}
          <input data-testid=${`model-label-${k}-${c.key}`} value=${c.label[k] || ''}
            onInput=${(e) => edit((d) => { d.criteria[i].label[k] = e.target.value || undefined; })} /></label>`)}
          <small class="muted">${w(c.axis)}</small></td>
          <td><input class="narrow" type="number" min="0" max="100" data-testid=${`model-weight-${c.key}`} value=${c.weight}
            onInput=${(e) => edit((d) => { d.criteria[i].weight = Number(e.target.value) || 0; })} /></td>
          <td>${pct(share(c.key))}</td></tr>`)}</tbody></table>
        <h2>${w('thresholds')}</h2><div class="row">${['weight', 'potential'].map((axis) => html`<label>${w(axis)}
          <input type="number" min="0" max="100" data-testid=${`model-threshold-${axis}`} value=${draft.thresholds[axis]}
            onInput=${(e) => edit((d) => { d.thresholds[axis] = Number(e.target.value) || 0; })} /></label>`)}</div></div>
      <div class="card"><h2>${w('cadence')}</h2><table class="grid"><thead><tr><th></th>${CADENCE.map(([, l]) => html`<th>${w(l)}</th>`)}</tr></thead>
        <tbody>${SEGS.map((s) => html`<tr><th><${Badge} segment=${s} /></th>${CADENCE.map(([k]) => html`<td>
          <input type="number" min="0" data-testid=${`model-cadence-${s}-${k}`} value=${draft.cadence[s][k]}
            onInput=${(e) => edit((d) => { d.cadence[s][k] = Number(e.target.value) || 0; })} /></td>`)}</tr>`)}</tbody></table>
        <h2>${w('timeSplit')}</h2><div class="row">${SEGS.map((s) => html`<label>${s} (%)
          <input type="number" min="0" max="100" data-testid=${`model-split-${s}`} value=${Math.round(draft.time_split[s] * 100)}
            onInput=${(e) => edit((d) => { d.time_split[s] = (Number(e.target.value) || 0) / 100; })} /></label>`)}</div>
        ${Math.abs(splitSum - 1) > 0.001 && html`<p class="error">${w('sumSplit')}</p>`}</div>
    </div>
    <${Overrides} />
  </section>`;
}
