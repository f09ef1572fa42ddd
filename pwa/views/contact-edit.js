// A contact of the account, created or edited offline: name, roles (décideur,
// facturation, technique…), phone, e-mail, custom fields, and "left the company".
import { useState } from '../vendor/preact-hooks.mjs';
import { html, toast, go, isoDay } from '../lib/ui.js';
import { useLive, failed } from '../lib/live.js';
import { t, word, fmtDate, colon } from '../lib/i18n.js';
import { getRecord } from '../lib/db.js';
import { createContact, editContact } from '../lib/outbox.js';
import { fieldsOf, inputValue, changedKeys, fieldLabel } from '../lib/fields.js';
import { CustomInputs } from './custom-fields.js';

export const ROLES = ['decision_maker', 'billing', 'technical', 'purchasing', 'user', 'other'];

/** Role checkboxes; `value` is the list of roles. */
export function RolePicker({ value, onChange }) {
  const toggle = (r) => onChange(value.includes(r) ? value.filter((x) => x !== r) : [...value, r]);
  return html`<fieldset class="roles" data-testid="contact-roles-picker"><legend>${t('roles')}</legend>
    ${ROLES.map((r) => html`<label class="check"><input type="checkbox" data-testid=${`contact-role-${r}`}
      checked=${value.includes(r)} onChange=${() => toggle(r)} /> ${word('role', r)}</label>`)}</fieldset>`;
}

function ContactForm({ accountId, contact }) {
  const fields = fieldsOf('contact');
  const [form, setForm] = useState(() => ({
    name: contact?.name || '', phone: contact?.phone || '', email: contact?.email || '',
    roles: contact?.roles || [], left: !!contact?.left_at,
    custom: Object.fromEntries(fields.map((f) => [f.key, inputValue(f, (contact?.custom || {})[f.key])])),
  }));
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });

  async function save(e) {
    e.preventDefault();
    if (!form.name.trim()) { toast(`${t('contactName')}${colon()}${t('required')}`, 'error'); return; }
    let custom;
    try { custom = changedKeys(fields, form.custom, contact?.custom); } catch (err) {
      toast(`${fieldLabel(fields.find((f) => f.key === err.message) || {})}${colon()}${t('invalidValue')}`, 'error'); return;
    }
    const values = { name: form.name.trim(), phone: form.phone.trim() || null, email: form.email.trim() || null, roles: form.roles };
    try {
      if (!contact) {
        await createContact({ ...values, account_id: accountId, custom });
      } else {
        const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(contact[k] ?? null)));
        if (Object.keys(custom).length) changes.custom = custom;
        if (form.left !== !!contact.left_at) changes.left_at = form.left ? isoDay() : null;
        if (Object.keys(changes).length) await editContact(contact.id, changes);
      }
      toast(t('contactSaved'));
      go(`/account/${accountId}`);
    } catch (err) { failed(err); }
  }

  return html`<form class="card edit" data-testid="contact-form" onSubmit=${save}>
    <h1>${contact ? t('editContact') : t('addContact')}</h1>
    <label>${t('contactName')} *<input data-testid="contact-name" maxlength="160" value=${form.name} onInput=${set('name')} required /></label>
    <div class="row">
      <label>${t('phone')}<input data-testid="contact-phone" maxlength="40" type="tel" value=${form.phone} onInput=${set('phone')} /></label>
      <label>${t('email')}<input data-testid="contact-email" type="email" value=${form.email} onInput=${set('email')} /></label>
    </div>
    <${RolePicker} value=${form.roles} onChange=${(roles) => setForm({ ...form, roles })} />
    ${fields.length > 0 && html`<div class="row wrap"><${CustomInputs} fields=${fields} form=${form.custom}
      onChange=${(k, v) => setForm({ ...form, custom: { ...form.custom, [k]: v } })} /></div>`}
    ${contact && html`<label class="check"><input type="checkbox" data-testid="contact-left" checked=${form.left}
      onChange=${(e) => setForm({ ...form, left: e.target.checked })} /> ${t('leftCompany')}
      ${contact.left_at && html`<small class="muted">${t('leftOn', { d: fmtDate(contact.left_at) })}</small>`}</label>`}
    <div class="row"><a class="button" href=${`#/account/${accountId}`}>${t('cancel')}</a>
      <button class="primary" data-testid="contact-save" type="submit">${t('save')}</button></div>
  </form>`;
}

/** Route #/account/:id/contact/:contactId ("new" for a new contact). */
export function ContactEdit({ accountId, contactId }) {
  const contact = useLive(() => (contactId === 'new' ? null : getRecord('contact', contactId)), [contactId]);
  if (contact === undefined) return html`<p class="muted">…</p>`;
  return html`<${ContactForm} key=${contactId} accountId=${accountId} contact=${contact} />`;
}
