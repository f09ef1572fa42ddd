// Manager: the company's custom fields (API.md → Custom fields). Define a field on
// accounts or contacts (labels FR/EN, type, choices, required), change it, remove it;
// a removed field's values stay in exports until purged here. Each choice keeps its stored
// value; its French and English labels are what screens show.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { lang } from '../../lib/lang.js';
import { useApi, post, patch, del, problemText } from './fetch.js';
import { w, count } from './words.js';
import { StatusesEditor } from './statuses.js';
import { ProductLinesEditor } from './productlines.js';

const TYPES = ['text', 'number', 'choice', 'choices', 'date', 'boolean'];
const EMPTY = { key: '', entity: 'account', fr: '', en: '', type: 'text', options: '', labels: {}, required: false };
const hasOptions = (type) => type === 'choice' || type === 'choices';
const optionList = (text) => text.split('\n').map((o) => o.trim()).filter(Boolean);
const optionText = (f, o) => (f.option_labels || {})[o]?.[lang.value] || o;

/** `option_labels` of the options listed: a label left empty falls back to the value. */
function labelsOf(options, labels) {
  const out = {};
  for (const o of options) {
    const fr = labels[o]?.fr?.trim() || o, en = labels[o]?.en?.trim() || o;
    if (fr !== o || en !== o) out[o] = { fr, en };
  }
  return Object.keys(out).length ? out : null;
}

/** FR/EN inputs per option of `text` (one per line); `labels` {value: {fr, en}}, `onChange(labels)`. */
function OptionLabels({ text, labels, onChange }) {
  const options = optionList(text);
  const set = (o, l) => (e) => onChange({ ...labels, [o]: { ...labels[o], [l]: e.target.value } });
  return options.length > 0 && html`<table class="grid option-labels" data-testid="option-labels">
    <caption>${w('optionLabels')}</caption>
    <thead><tr><th>${w('optionValue')}</th><th>${w('fieldLabelFr')}</th><th>${w('fieldLabelEn')}</th></tr></thead>
    <tbody>${options.map((o) => html`<tr data-option=${o}><td>${o}</td>
      <td><input data-testid="option-label-fr" aria-label=${`${o} – ${w('fieldLabelFr')}`} placeholder=${o} value=${labels[o]?.fr || ''} onInput=${set(o, 'fr')} /></td>
      <td><input data-testid="option-label-en" aria-label=${`${o} – ${w('fieldLabelEn')}`} placeholder=${o} value=${labels[o]?.en || ''} onInput=${set(o, 'en')} /></td></tr>`)}
    </tbody></table>`;
}

function Row({ field, reload }) {
  const [edit, setEdit] = useState(null);
  const start = () => setEdit({ fr: field.label.fr, en: field.label.en, options: (field.options || []).join('\n'),
    labels: field.option_labels || {}, required: field.required });
  async function save() {
    const body = { label: { fr: edit.fr, en: edit.en }, required: edit.required };
    if (hasOptions(field.type)) {
      body.options = optionList(edit.options);
      body.option_labels = labelsOf(body.options, edit.labels);
    }
    try { await patch(`/api/custom-fields/${field.id}`, body); toast(w('fieldSaved')); setEdit(null); reload(); } catch (e) { toast(problemText(e), 'error'); }
  }
  async function remove() {
    try { await del(`/api/custom-fields/${field.id}`); toast(w('fieldRemoved')); reload(); } catch (e) { toast(problemText(e), 'error'); }
  }
  if (!edit) {
    return html`<tr data-testid="field-row" data-key=${field.key}>
      <td><code>${field.key}</code></td><td>${w(`entity.${field.entity}`)}</td>
      <td>${field.label[lang.value] || field.label.fr}</td><td>${w(`fieldType.${field.type}`)}</td>
      <td>${(field.options || []).map((o) => optionText(field, o)).join(', ')}</td><td>${field.required ? '✓' : ''}</td>
      <td><button class="small" data-testid="field-edit" onClick=${start}>✎</button>
        <button class="small" data-testid="field-remove" onClick=${remove}>${w('removeField')}</button></td></tr>`;
  }
  return html`<tr data-testid="field-row-edit"><td><code>${field.key}</code></td><td>${w(`entity.${field.entity}`)}</td>
    <td><input value=${edit.fr} onInput=${(e) => setEdit({ ...edit, fr: e.target.value })} />
      <input value=${edit.en} onInput=${(e) => setEdit({ ...edit, en: e.target.value })} /></td>
    <td>${w(`fieldType.${field.type}`)}</td>
    <td>${hasOptions(field.type) && html`<textarea rows="3" value=${edit.options} onInput=${(e) => setEdit({ ...edit, options: e.target.value })}></textarea>
      <${OptionLabels} text=${edit.options} labels=${edit.labels} onChange=${(labels) => setEdit({ ...edit, labels })} />`}</td>
    <td><input type="checkbox" checked=${edit.required} onChange=${(e) => setEdit({ ...edit, required: e.target.checked })} /></td>
    <td><button class="small primary" data-testid="field-save" onClick=${save}>${w('save')}</button>
      <button class="small" onClick=${() => setEdit(null)}>${w('cancel')}</button></td></tr>`;
}

function NewField({ reload }) {
  const [form, setForm] = useState(EMPTY);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  async function add(e) {
    e.preventDefault();
    const body = { key: form.key.trim(), entity: form.entity, label: { fr: form.fr.trim(), en: form.en.trim() },
      type: form.type, required: form.required };
    if (hasOptions(form.type)) {
      body.options = optionList(form.options);
      body.option_labels = labelsOf(body.options, form.labels);
    }
    try { await post('/api/custom-fields', body); toast(w('fieldAdded')); setForm(EMPTY); reload(); } catch (err) { toast(problemText(err), 'error'); }
  }
  return html`<form class="card field-new" data-testid="field-form" onSubmit=${add}>
    <h2>${w('addField')}</h2>
    <div class="row">
      <label>${w('fieldKey')}<input data-testid="field-key" value=${form.key} onInput=${set('key')} pattern="[a-z][a-z0-9_]*" required /></label>
      <label>${w('fieldEntity')}<select data-testid="field-entity" value=${form.entity} onChange=${set('entity')}>
        ${['account', 'contact'].map((x) => html`<option value=${x}>${w(`entity.${x}`)}</option>`)}</select></label>
      <label>${w('fieldType')}<select data-testid="field-type" value=${form.type} onChange=${set('type')}>
        ${TYPES.map((x) => html`<option value=${x}>${w(`fieldType.${x}`)}</option>`)}</select></label>
    </div>
    <div class="row">
      <label>${w('fieldLabelFr')}<input data-testid="field-label-fr" value=${form.fr} onInput=${set('fr')} required /></label>
      <label>${w('fieldLabelEn')}<input data-testid="field-label-en" value=${form.en} onInput=${set('en')} required /></label>
    </div>
    ${hasOptions(form.type) && html`<label>${w('fieldOptions')}<textarea data-testid="field-options" rows="4" value=${form.options} onInput=${set('options')}></textarea></label>
      <${OptionLabels} text=${form.options} labels=${form.labels} onChange=${(labels) => setForm({ ...form, labels })} />`}
    <label class="check"><input type="checkbox" data-testid="field-required" checked=${form.required} onChange=${set('required')} /> ${w('required')}</label>
    <button class="primary" data-testid="field-add" type="submit">${w('addField')}</button>
  </form>`;
}

function Purge() {
  const [form, setForm] = useState({ entity: 'account', key: '' });
  async function purge(e) {
    e.preventDefault();
    try { const r = await post('/api/custom-fields/purge', form); toast(count('purged', r.purged)); } catch (err) { toast(problemText(err), 'error'); }
  }
  return html`<form class="card" onSubmit=${purge}><h2>${w('purge')}</h2><div class="row">
    <label>${w('fieldEntity')}<select value=${form.entity} onChange=${(e) => setForm({ ...form, entity: e.target.value })}>
      ${['account', 'contact'].map((x) => html`<option value=${x}>${w(`entity.${x}`)}</option>`)}</select></label>
    <label>${w('purgeKey')}<input value=${form.key} onInput=${(e) => setForm({ ...form, key: e.target.value })} required /></label>
    <button type="submit">${w('purge')}</button></div></form>`;
}

export function FieldsEditor() {
  const { data, reload } = useApi('/api/custom-fields');
  return html`<section class="fields">
    <h1>${w('fields')}</h1>
    <div class="card"><table class="grid" data-testid="fields-table">
      <thead><tr><th>${w('fieldKey')}</th><th>${w('fieldEntity')}</th><th>${w('label')}</th><th>${w('fieldType')}</th>
        <th>${w('fieldOptions')}</th><th>${w('required')}</th><th></th></tr></thead>
      <tbody>${(data || []).map((f) => html`<${Row} key=${f.id} field=${f} reload=${reload} />`)}</tbody></table>
      ${data && !data.length && html`<p class="muted">${w('noFields')}</p>`}</div>
    <${NewField} reload=${reload} />
    <${Purge} />
    <${StatusesEditor} />
    <${ProductLinesEditor} />
  </section>`;
}
