// Account fields a rep may change offline: name, address, phone, e-mail, notes, tags,
// and a segment override with its reason. Only the fields that changed are sent.
import { useState, useEffect } from '../vendor/preact-hooks.mjs';
import { html, busy, toast } from '../lib/ui.js';
import { failed } from '../lib/live.js';
import { t, colon } from '../lib/i18n.js';
import { editAccount, editTags } from '../lib/outbox.js';
import { accountStatuses, statusLabel } from '../lib/fields.js';

const FIELDS = ['name', 'status', 'address', 'postcode', 'city', 'phone', 'email', 'notes'];

function Tags({ account }) {
  const [tag, setTag] = useState('');
  const add = (e) => {
    e.preventDefault();
    const value = tag.trim();
    if (value && !(account.tags || []).includes(value)) editTags(account.id, [value], []);
    setTag('');
  };
  return html`
    <div class="tags">
      ${(account.tags || []).map((x) => html`<span class="tag">${x}
        <button type="button" aria-label=${`− ${x}`} onClick=${() => editTags(account.id, [], [x])}>×</button></span>`)}
      <form class="inline" onSubmit=${add}>
        <input value=${tag} onInput=${(e) => setTag(e.target.value)} placeholder=${t('tags')} />
        <button type="submit">${t('addTag')}</button>
      </form>
    </div>`;
}

export function AccountEdit({ account }) {
  const initial = () => ({
    ...Object.fromEntries(FIELDS.map((f) => [f, account[f] || ''])),
    override: account.segment_override?.segment || '', reason: account.segment_override?.reason || '',
  });
  // One state, updated by functions: an effect of an older render (a pull landing as the rep
  // types) sees the keystroke and leaves the form alone.
  const [draft, setDraft] = useState(() => ({ form: initial(), dirty: false }));
  const { form, dirty } = draft;
  // A pull or another tab changed the account: show it unless the rep is typing.
  useEffect(() => { setDraft((d) => (d.dirty ? d : { form: initial(), dirty: false })); }, [account]);
  const set = (field) => (e) => {
    const value = e.target.value;
    setDraft((d) => ({ form: { ...d.form, [field]: value }, dirty: true }));
    busy.value = true;
  };

  async function save(e) {
    e.preventDefault();
    const changes = {};
    for (const f of FIELDS) if (form[f] !== (account[f] || '')) changes[f] = form[f] || null;
    if ('name' in changes && !changes.name) { toast(`${t('name')}${colon()}${t('required')}`, 'error'); return; }
    const current = account.segment_override;
    if (form.override !== (current?.segment || '') || (form.override && form.reason !== (current?.reason || ''))) {
      if (form.override && !form.reason.trim()) { toast(`${t('reason')}${colon()}${t('required')}`, 'error'); return; }
      changes.segment_override = form.override ? { segment: form.override, reason: form.reason.trim() } : null;
    }
    try {
      if (Object.keys(changes).length) await editAccount(account.id, changes);
      setDraft((d) => ({ ...d, dirty: false })); busy.value = false;
      toast(t('saved'));
    } catch (err) { failed(err); }
  }

  return html`
    <section class="card"><h2>${t('tags')}</h2><${Tags} account=${account} /></section>
    <form class="card edit" onSubmit=${save}>
      <div class="row">
        <label class="grow">${t('name')}<input data-testid="account-name" maxlength="200" value=${form.name} onInput=${set('name')} /></label>
        <label>${t('status')}<select data-testid="account-status" value=${form.status} onChange=${set('status')}>
          ${accountStatuses.value.map((s) => html`<option value=${s.key}>${statusLabel(s.key)}</option>`)}</select></label>
      </div>
      <label>${t('address')}<input data-testid="account-address" maxlength="255" value=${form.address} onInput=${set('address')} /></label>
      <div class="row">
        <label>${t('postcode')}<input data-testid="account-postcode" maxlength="10" value=${form.postcode} onInput=${set('postcode')} /></label>
        <label class="grow">${t('city')}<input data-testid="account-city" maxlength="120" value=${form.city} onInput=${set('city')} /></label>
      </div>
      <label>${t('phone')}<input data-testid="account-phone" maxlength="40" type="tel" value=${form.phone} onInput=${set('phone')} /></label>
      <label>${t('email')}<input data-testid="account-email" type="email" value=${form.email} onInput=${set('email')} /></label>
      <label>${t('notes')}<textarea rows="3" maxlength="20000" value=${form.notes} onInput=${set('notes')}></textarea></label>
      <div class="row">
        <label>${t('override')}
          <select value=${form.override} onChange=${set('override')}>
            <option value="">${t('none')}</option>${['A', 'B', 'C'].map((s) => html`<option value=${s}>${s}</option>`)}
          </select></label>
        ${form.override && html`<label class="grow">${t('reason')}<input maxlength="500" value=${form.reason} onInput=${set('reason')} /></label>`}
      </div>
      <button class="primary" data-testid="account-save" type="submit" disabled=${!dirty}>${t('save')}</button>
    </form>`;
}
