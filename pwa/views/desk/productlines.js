// Manager: the company's product lines (GET/PUT /api/product-lines), labelled in French and
// English; "other names" are the spellings stored quotes used ("Moteurs", "pièces"), which
// every screen then shows with the line's label. Saved as a whole list, like the statuses.
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { productLines } from '../../lib/words.js';
import { useApi, put, problemText } from './fetch.js';
import { onScreenRows } from './problems.js';
import { w } from './words.js';

const names = (text) => text.split(',').map((n) => n.trim()).filter(Boolean);

export function ProductLinesEditor() {
  const { data, reload } = useApi('/api/product-lines');
  const [rows, setRows] = useState(null);
  useEffect(() => {
    if (data) setRows(data.items.map(({ key, label, aliases }) => ({ key, fr: label.fr, en: label.en, aliases: (aliases || []).join(', ') })));
  }, [data]);
  if (!rows) return null;
  const edit = (i, k) => (e) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: e.target.value } : r)));
  async function save() {
    // Blank rows are left out (a row with labels but no key is sent, so the server says what
    // it lacks rather than the row vanishing); a refusal names the row as the screen shows it.
    const kept = rows.map((r, i) => [r, i]).filter(([r]) => r.key.trim() || r.fr.trim() || r.en.trim() || r.aliases.trim());
    const items = kept.map(([r]) => ({ key: r.key.trim(), label: { fr: r.fr, en: r.en }, aliases: names(r.aliases) }));
    try {
      const saved = await put('/api/product-lines', { items });
      productLines.value = saved.items; // this page's other screens at once
      toast(w('productLinesSaved')); reload();
    } catch (e) { toast(problemText(onScreenRows(e, kept.map(([, i]) => i))), 'error'); }
  }
  return html`<div class="card" data-testid="product-lines-editor"><h2>${w('productLines')}</h2>
    <table class="grid"><thead><tr><th>${w('fieldKey')}</th><th>${w('fieldLabelFr')}</th><th>${w('fieldLabelEn')}</th><th>${w('lineAliases')}</th><th></th></tr></thead>
      <tbody>${rows.map((r, i) => html`<tr data-testid="product-line-row">
        <td><input value=${r.key} aria-label=${w('fieldKey')} onInput=${edit(i, 'key')} /></td>
        <td><input value=${r.fr} aria-label=${w('fieldLabelFr')} onInput=${edit(i, 'fr')} /></td>
        <td><input value=${r.en} aria-label=${w('fieldLabelEn')} onInput=${edit(i, 'en')} /></td>
        <td><input value=${r.aliases} aria-label=${w('lineAliases')} onInput=${edit(i, 'aliases')} /></td>
        <td><button class="small" aria-label=${w('delete')} onClick=${() => setRows(rows.filter((_, j) => j !== i))}>×</button></td></tr>`)}</tbody></table>
    <div class="row"><button onClick=${() => setRows([...rows, { key: '', fr: '', en: '', aliases: '' }])}>+</button>
      <button class="primary" data-testid="product-lines-save" onClick=${save}>${w('save')}</button></div></div>`;
}
