// Manager: the company's account statuses, each mapped to the lifecycle kind that
// KPIs and tours read (prospect, client, former client, competitor, other), named in the
// tablet's words for the statuses (lib/words.js, account.*).
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { useApi, put, problemText } from './fetch.js';
import { onScreenRows } from './problems.js';
import { w } from './words.js';

const KINDS = ['prospect', 'client', 'former_client', 'competitor', 'other'];

export function StatusesEditor() {
  const { data, reload } = useApi('/api/account-statuses');
  const [rows, setRows] = useState(null);
  useEffect(() => { if (data) setRows(data.items.map(({ key, label, kind }) => ({ key, fr: label.fr, en: label.en, kind }))); }, [data]);
  if (!rows) return null;
  const edit = (i, k) => (e) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: e.target.value } : r)));
  async function save() {
    // Blank rows are left out; a refusal names the row as the screen shows it.
    const kept = rows.map((r, i) => [r, i]).filter(([r]) => r.key.trim() || r.fr || r.en);
    const items = kept.map(([r]) => ({ key: r.key.trim(), label: { fr: r.fr, en: r.en }, kind: r.kind }));
    try { await put('/api/account-statuses', { items }); toast(w('done')); reload(); } catch (e) {
      toast(problemText(onScreenRows(e, kept.map(([, i]) => i))), 'error');
    }
  }
  return html`<div class="card" data-testid="statuses-editor"><h2>${w('statuses')}</h2>
    <table class="grid"><thead><tr><th>${w('fieldKey')}</th><th>${w('fieldLabelFr')}</th><th>${w('fieldLabelEn')}</th><th>${w('lifecycle')}</th><th></th></tr></thead>
      <tbody>${rows.map((r, i) => html`<tr data-testid="status-row">
        <td><input value=${r.key} onInput=${edit(i, 'key')} /></td><td><input value=${r.fr} onInput=${edit(i, 'fr')} /></td>
        <td><input value=${r.en} onInput=${edit(i, 'en')} /></td>
        <td><select value=${r.kind} onChange=${edit(i, 'kind')}>${KINDS.map((k) => html`<option value=${k}>${w(`account.${k}`)}</option>`)}</select></td>
        <td><button class="small" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>×</button></td></tr>`)}</tbody></table>
    <div class="row"><button onClick=${() => setRows([...rows, { key: '', fr: '', en: '', kind: 'other' }])}>+</button>
      <button class="primary" data-testid="statuses-save" onClick=${save}>${w('save')}</button></div></div>`;
}
