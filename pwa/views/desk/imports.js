// Account import (API.md → Account files and locations): choose a file (CSV as Excel
// writes it, or .xlsx), see how its columns are read, map the others, dry-run the
// whole file line by line, then import all or nothing. New accounts whose line names no
// rep (a CRM export rarely does) go to the rep chosen here (`default_owner_id`).
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { api, ApiError } from '../../lib/api.js';
import { colon, fmtNumber, lang } from '../../lib/lang.js';
import { fieldLabel } from '../../lib/fields.js';
import { useApi } from './fetch.js';
import { problemText } from './problems.js';
import { w, count } from './words.js';

const FIELDS = ['external_ref', 'name', 'status', 'address', 'postcode', 'city', 'lat', 'lon', 'phone', 'email', 'tags',
  'notes', 'owner_email'];

/** The targets a column may be mapped to: the built-in fields, the company's account fields, then
 * the data the commercial model's criteria read (`custom.<key>`: what the import's mapping accepts,
 * server/accounts/imports.py → column_target), each in the reader's words. */
function targets(custom, model) {
  const own = (custom || []).filter((f) => f.entity === 'account').map((f) => [`custom.${f.key}`, fieldLabel(f)]);
  const taken = new Set(own.map(([key]) => key));
  const criteria = (model?.criteria || []).filter((c) => (c.source || 'custom') === 'custom')
    .map((c) => [`custom.${c.field || c.key}`, criterionLabel(c)]).filter(([key]) => !taken.has(key));
  return [...FIELDS.map((f) => [f, w(`field.${f}`)]), ...own, ...criteria];
}

// A criterion's label is one text or {fr, en} (API.md → Commercial model).
const criterionLabel = (c) => (typeof c.label === 'string' ? c.label : c.label?.[lang.value] || c.label?.fr || c.label?.en) || c.key;

async function send(file, mapping, dryRun, owner) {
  const form = new FormData();
  form.append('file', file);
  form.append('dry_run', dryRun ? '1' : '0');
  if (owner) form.append('default_owner_id', owner);
  if (Object.keys(mapping).length) form.append('mapping', JSON.stringify(mapping));
  try {
    return { ok: true, body: await api('/api/accounts/import', { method: 'POST', form }) };
  } catch (e) {
    // A refusal with a report names its lines; one without (a rep no longer active, a mapping
    // refused) is told in the problem's own words, never as "0 problems".
    if (e instanceof ApiError && e.status === 422) return { ok: false, body: e.problem, error: e };
    throw e;
  }
}

// The file's own header; a problem of the whole file or line ("_file", "_line") has none to show.
const shownColumn = (i) => (i.column?.startsWith('_') ? '' : i.column);

const PREVIEW_LINES = 5; // data lines shown under the header

// The header and first lines of a CSV file, decoded as the server will (UTF-16 by its BOM,
// UTF-8, else Windows-1252), so the manager sees its columns before anything is sent:
// `{rows: [[cell]] (header first), more: non-empty lines not shown}`. The whole file is
// decoded to count them: the preview must not let a file look shorter than it is.
async function preview(file) {
  if (/\.xlsx$/i.test(file.name)) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes);
  else { try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { text = new TextDecoder('windows-1252').decode(bytes); } }
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim());
  const shown = lines.slice(0, PREVIEW_LINES + 1);
  const sep = [';', '\t', ','].map((c) => [c, (shown[0] || '').split(c).length]).sort((a, b) => b[1] - a[1])[0][0];
  return { rows: shown.map((l) => l.split(sep).map((c) => c.replace(/^"|"$/g, ''))), more: lines.length - shown.length };
}

// The counts that are not 0, in words; "Aucun changement : 12 comptes déjà à jour." for a file imported again.
function outcome({ created, updated, unchanged }, dryRun) {
  const parts = [['created', created], ['updated', updated], ['unchanged', unchanged]].filter(([, n]) => n)
    .map(([what, n]) => count(`import.${what}`, n)).join(', ') || count('import.unchanged', 0);
  return w(dryRun ? 'dryRunOk' : created || updated ? 'importDone' : 'importNothing', { parts });
}

// The file's first lines, and how many more it holds ("+ 1 autre ligne").
function Preview({ sample }) {
  const rows = sample?.rows;
  if (!rows?.length) return null;
  return html`<table class="grid" data-testid="import-preview"><thead><tr>${rows[0].map((h) => html`<th>${h}</th>`)}</tr></thead>
    <tbody>${rows.slice(1).map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>
    ${sample.more > 0 && html`<p class="muted" data-testid="import-preview-more">${count('import.moreLines', sample.more)}</p>`}`;
}

// Where the new and changed accounts were placed, the counts that are not 0; none (a file imported
// again) leaves the line out.
function Located({ located }) {
  if (!located) return null;
  const n = { ...located, address: (located.address || 0) + (located.street || 0) };
  const parts = ['address', 'commune', 'manual', 'none'].filter((k) => n[k]).map((k) => w(`located.${k}`, { n: fmtNumber(n[k], 0) }));
  return parts.length ? html`<p data-testid="import-located">${w('locatedCounts', { parts: parts.join(', ') })}</p>` : null;
}

export function Import() {
  const [file, setFile] = useState(null);
  const [mapping, setMapping] = useState({});
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const [sample, setSample] = useState(null);
  const [owner, setOwner] = useState('');
  // the reps the caller may give accounts to: the server scopes the list (a manager's team)
  const users = useApi('/api/users');
  const custom = useApi('/api/custom-fields');
  const model = useApi('/api/commercial-model');
  const reps = (users.data?.items || []).filter((u) => u.role === 'rep' && u.active);
  async function run(dryRun) {
    setBusy(true);
    try {
      const r = await send(file, mapping, dryRun, owner);
      setResult({ ...r, dryRun });
      if (r.ok && !dryRun) toast(outcome(r.body, false));
    } catch (e) { toast(e.message, 'error'); } finally { setBusy(false); }
  }
  const report = result?.body?.report || [];
  const warnings = result?.body?.warnings || [];
  // the file's own headers to map; a column the report suggests adding (column ≠ field) is not one of them
  const badColumns = [...new Set(report.filter((i) => i.line === 1 && i.column === i.field && !i.column.startsWith('_'))
    .map((i) => i.column))];
  return html`<section class="card">
    <h1>${w('importTitle')}</h1>
    <p class="muted">${w('importHelp')}</p>
    <input type="file" data-testid="import-file" accept=".csv,.txt,.xlsx,text/csv"
      onChange=${(e) => { const f = e.target.files[0]; setFile(f); setResult(null); setMapping({}); setSample(null); if (f) preview(f).then(setSample); }} />
    <${Preview} sample=${sample} />
    <label data-testid="import-owner-label">${w('defaultOwner')}
      <select data-testid="import-default-owner" value=${owner} onChange=${(e) => { setOwner(e.target.value); setResult(null); }}>
        <option value="">${w('noDefaultOwner')}</option>
        ${reps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select></label>
    ${badColumns.length > 0 && html`<fieldset data-testid="import-mapping"><legend>${w('mapColumns')}</legend>
      ${badColumns.map((c) => html`<label class="map-row">${c}
        <select data-testid="map-column" data-column=${c} value=${mapping[c] === null ? '__ignore' : mapping[c] || ''}
          onChange=${(e) => setMapping({ ...mapping, [c]: e.target.value === '__ignore' ? null : e.target.value })}>
          <option value="">–</option><option value="__ignore">${w('ignoreColumn')}</option>
          ${targets(custom.data, model.data).map(([f, label]) => html`<option value=${f}>${label}</option>`)}</select></label>`)}</fieldset>`}
    <div class="actions">
      <button data-testid="import-dry-run" disabled=${!file || busy} onClick=${() => run(true)}>${w('dryRun')}</button>
      <button class="primary" data-testid="import-run" disabled=${!file || busy || !(result?.ok && result.dryRun)} onClick=${() => run(false)}>${w('runImport')}</button>
    </div>
    ${result && html`<div data-testid="import-report" class=${result.ok ? 'ok' : 'error'}>
      <p data-testid="import-outcome">${result.ok ? outcome(result.body, result.dryRun)
        : report.length ? count('importRefused', report.length) : problemText(result.error, { default_owner_id: 'defaultOwner' })}</p>
      <${Located} located=${result.body.located} />
      ${result.body.unlocated?.length > 0 && html`<p data-testid="import-unlocated">${w('unlocatedAccounts')}${colon()}${
        result.body.unlocated.map((a) => [a.name, a.postcode, a.city].filter(Boolean).join(' ')).join(' · ')}</p>`}
      ${report.length > 0 && html`<table class="grid"><thead><tr><th>${w('line')}</th><th>${w('column')}</th><th>${w('problem')}</th></tr></thead>
        <tbody>${report.map((i) => html`<tr data-testid="import-issue"><td>${i.line}</td><td>${shownColumn(i)}</td><td>${i.message}</td></tr>`)}</tbody></table>`}
      ${warnings.length > 0 && html`<table class="grid" data-testid="import-warnings"><caption>${w('importWarnings')}</caption>
        <thead><tr><th>${w('line')}</th><th>${w('column')}</th><th>${w('warning')}</th></tr></thead>
        <tbody>${warnings.map((i) => html`<tr data-testid="import-warning"><td>${i.line}</td><td>${shownColumn(i)}</td><td>${i.message}</td></tr>`)}</tbody></table>`}
    </div>`}
  </section>`;
}
