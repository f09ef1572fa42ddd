// The account's custom fields on the tablet: shown and edited offline; only the
// keys that changed are sent, so two reps filling different fields both keep theirs.
import { useState, useEffect } from '../vendor/preact-hooks.mjs';
import { html, busy, toast } from '../lib/ui.js';
import { failed } from '../lib/live.js';
import { t, colon } from '../lib/i18n.js';
import { editAccount } from '../lib/outbox.js';
import { fieldsOf, inputValue, changedKeys, fieldLabel } from '../lib/fields.js';
import { CustomInputs } from './custom-fields.js';

export function AccountCustom({ account }) {
  const fields = fieldsOf('account');
  const initial = () => Object.fromEntries(fields.map((f) => [f.key, inputValue(f, (account.custom || {})[f.key])]));
  // As in AccountEdit: one state updated by functions, so a pull's re-render never undoes a keystroke.
  const [draft, setDraft] = useState(() => ({ form: initial(), dirty: false }));
  const { form, dirty } = draft;
  useEffect(() => { setDraft((d) => (d.dirty ? d : { form: initial(), dirty: false })); }, [account, fields.length]);
  if (!fields.length) return null;
  const onChange = (key, value) => { setDraft((d) => ({ form: { ...d.form, [key]: value }, dirty: true })); busy.value = true; };

  async function save(e) {
    e.preventDefault();
    let changes;
    try { changes = changedKeys(fields, form, account.custom); } catch (err) {
      const field = fields.find((f) => f.key === err.message);
      toast(`${field ? fieldLabel(field) : ''}${colon()}${t('invalidValue')}`, 'error');
      return;
    }
    try {
      if (Object.keys(changes).length) await editAccount(account.id, { custom: changes });
      setDraft((d) => ({ ...d, dirty: false })); busy.value = false;
      toast(t('saved'));
    } catch (err) { failed(err); }
  }

  return html`<form class="card edit" data-testid="account-custom" onSubmit=${save}>
    <h2>${t('customFields')}</h2>
    <div class="row wrap"><${CustomInputs} fields=${fields} form=${form} onChange=${onChange} /></div>
    <button class="primary" data-testid="custom-save" type="submit" disabled=${!dirty}>${t('save')}</button>
  </form>`;
}
