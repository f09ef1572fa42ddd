// Inputs for the company's custom fields, one per definition and typed by it
// (text, number, choice, multiple choices, date, yes/no). Used by the account
// screen, the new-prospect form and the contact editor.
import { html } from '../lib/ui.js';
import { t } from '../lib/words.js';
import { fieldLabel, inputValue, optionLabel } from '../lib/fields.js';

function Input({ field, value, set }) {
  const id = `cf-${field.entity}-${field.key}`;
  if (field.type === 'choice') {
    return html`<select id=${id} data-testid=${`custom-${field.key}`} value=${value} onChange=${(e) => set(e.target.value)}>
      <option value="">–</option>${(field.options || []).map((o) => html`<option value=${o}>${optionLabel(field, o)}</option>`)}</select>`;
  }
  if (field.type === 'choices') {
    const toggle = (o) => set(value.includes(o) ? value.filter((x) => x !== o) : [...value, o]);
    return html`<span class="choices" data-testid=${`custom-${field.key}`}>${(field.options || []).map((o) => html`
      <label class="check"><input type="checkbox" checked=${value.includes(o)} onChange=${() => toggle(o)} /> ${optionLabel(field, o)}</label>`)}</span>`;
  }
  if (field.type === 'boolean') {
    return html`<select id=${id} data-testid=${`custom-${field.key}`} value=${value} onChange=${(e) => set(e.target.value)}>
      <option value="">–</option><option value="true">${t('yes')}</option><option value="false">${t('no')}</option></select>`;
  }
  const type = field.type === 'number' ? 'text' : field.type === 'date' ? 'date' : 'text';
  return html`<input id=${id} data-testid=${`custom-${field.key}`} type=${type}
    inputmode=${field.type === 'number' ? 'decimal' : undefined} value=${value} onInput=${(e) => set(e.target.value)} />`;
}

/** One labelled input per field; `form` holds input values by key, `onChange(key, value)`;
 * `errors` (optional) the server's messages by `custom.<key>`, shown under their input. */
export function CustomInputs({ fields, form, onChange, errors }) {
  return fields.map((f) => html`<label class=${f.type === 'choices' ? 'grow' : ''}>
    ${fieldLabel(f)}${f.required ? ' *' : ''}
    <${Input} field=${f} value=${form[f.key] ?? inputValue(f, null)} set=${(v) => onChange(f.key, v)} />
    ${errors?.[`custom.${f.key}`] && html`<small class="field-error" data-testid="custom-error" data-key=${f.key}>${[].concat(errors[`custom.${f.key}`]).join(' ')}</small>`}</label>`);
}
