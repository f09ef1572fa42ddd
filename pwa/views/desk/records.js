// Back office and manager: an account's and its contacts' custom values, shown and edited
// by their definitions (text, number, choice, multiple choices, date, yes/no; required).
// Only the keys that changed are sent (PROTOCOL M7); the server checks each value against
// its definition and its refusal is shown in words under the field it names. The manager also
// sees the account's open tasks.
import { useEffect, useState } from '../../vendor/preact-hooks.mjs';
import { html, toast, go, user } from '../../lib/ui.js';
import { t, taskTitle } from '../../lib/words.js';
import { fmtDate } from '../../lib/lang.js';
import { fieldsOf, inputValue, parseInput, fetchFields, statusLabel } from '../../lib/fields.js';
import { CustomInputs } from '../custom-fields.js';
import { w } from './words.js';
import { useApi, patch, problemText } from './fetch.js';

/** The keys whose input differs from the stored value; text the type refuses is sent as typed,
 * so the server says why in the user's words. */
function changes(fields, form, stored) {
  const out = {};
  for (const f of fields) {
    let value;
    try { value = parseInput(f, form[f.key]); } catch { value = String(form[f.key]); }
    if (JSON.stringify(value) !== JSON.stringify((stored || {})[f.key] ?? null)) out[f.key] = value;
  }
  return out;
}

/** The custom values of one record (`entity`: account or contact), with its own save. */
function Values({ entity, record, onSaved }) {
  const fields = fieldsOf(entity);
  const initial = () => Object.fromEntries(fields.map((f) => [f.key, inputValue(f, (record.custom || {})[f.key])]));
  // `touched`: keys typed since the last save; `stored`: the server's values as last known. A late
  // read-back (a slow reload after a save) refreshes the other keys and keeps these, with their refusal.
  const [draft, setDraft] = useState(() => ({ form: initial(), touched: [], errors: null, stored: record.custom }));
  const { form, errors } = draft;
  useEffect(() => {
    setDraft((d) => {
      const next = initial();
      for (const key of d.touched) next[key] = d.form[key];
      return { form: next, touched: d.touched, errors: d.touched.length ? d.errors : null, stored: record.custom };
    });
  }, [record.id, record.version, fields.length]);
  if (!fields.length) return html`<p class="muted">${w(entity === 'account' ? 'noAccountFields' : 'noContactFields')}</p>`;
  async function save(e) {
    e.preventDefault();
    const custom = changes(fields, form, draft.stored);
    if (!Object.keys(custom).length) return;
    try {
      await patch(`/api/${entity}s/${record.id}`, { changes: { custom }, base_version: record.version });
      setDraft((d) => ({ ...d, touched: [], errors: null, stored: { ...d.stored, ...custom } })); toast(w('valuesSaved')); onSaved();
    } catch (err) {
      if (err.status === 422 && err.problem?.errors) { setDraft((d) => ({ ...d, errors: err.problem.errors })); toast(w('valuesRefused'), 'error'); }
      else toast(problemText(err), 'error');
    }
  }
  return html`<form class="edit values" data-testid=${`${entity}-values`} data-record-id=${record.id} onSubmit=${save}>
    <div class="row wrap"><${CustomInputs} fields=${fields} form=${form} errors=${errors}
      onChange=${(key, value) => setDraft((d) => ({ ...d, form: { ...d.form, [key]: value }, touched: d.touched.concat(key) }))} /></div>
    ${fields.some((f) => f.required) && html`<small class="muted">${w('requiredHint')}</small>`}
    <button class="primary" type="submit" data-testid="values-save">${t('save')}</button>
  </form>`;
}

function Search() {
  const [q, setQ] = useState('');
  const { data } = useApi(q.trim().length >= 2 ? `/api/accounts?q=${encodeURIComponent(q.trim())}&per_page=15` : null);
  return html`<div class="card">
    <input type="search" data-testid="records-search" placeholder=${w('searchAccount')} value=${q} onInput=${(e) => setQ(e.target.value)} />
    ${data && !data.items.length && html`<p class="muted">${w('noResult')}</p>`}
    <ul class="results">${(data?.items || []).map((a) => html`<li>
      <a href=${`#/desk/accounts/${a.id}`} data-testid="records-result">${a.name}</a> <small>${a.postcode || ''} ${a.city || ''}</small></li>`)}</ul>
  </div>`;
}

/** The account's open tasks, soonest first: the system's titles in the user's language. Only the
 * roles whose scope holds tasks (manager, admin) see them; the back office's list is always empty. */
function Tasks({ id }) {
  const { data } = useApi(`/api/tasks?account_id=${id}&per_page=200`);
  const open = (data?.items || []).filter((k) => k.status === 'open');
  return html`<section class="card" data-testid="records-tasks"><h2>${w('openTasks')}</h2>
    ${data && !open.length && html`<p class="muted">${w('noOpenTasks')}</p>`}
    <ul>${open.map((k) => html`<li data-testid="records-task">${k.due_at ? `${fmtDate(k.due_at)} · ` : ''}${taskTitle(k)}</li>`)}</ul>
  </section>`;
}

function AccountCard({ id }) {
  const account = useApi(`/api/accounts/${id}`);
  const contacts = useApi(`/api/contacts?account_id=${id}&per_page=100`);
  if (account.error) return html`<p class="error">${problemText(account.error)}</p>`;
  const a = account.data;
  if (!a) return html`<p class="muted">${w('loading')}</p>`;
  return html`<section class="card" data-testid="records-account">
      <h2>${a.name}</h2>
      <p>${[a.address, [a.postcode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ')} · ${statusLabel(a.status)}</p>
      ${a.lat == null || a.lon == null ? html`<p class="error" data-testid="records-position">${w('positionNone')}</p>`
        : a.geo_precision === 'commune' && html`<p class="approx" data-testid="records-position">${w('positionApprox')}</p>`}
      <h3>${w('customFields')}</h3>
      <${Values} entity="account" record=${a} onSaved=${account.reload} />
    </section>
    <section class="card"><h2>${t('contacts')}</h2>
      ${contacts.data && !contacts.data.items.length && html`<p class="muted">${w('noContacts')}</p>`}
      ${(contacts.data?.items || []).map((c) => html`<div class="contact-values" data-testid="records-contact" data-contact-id=${c.id}>
        <h3>${c.name}${c.left_at ? html` <small class="muted">${t('leftOn', { d: c.left_at })}</small>` : ''}</h3>
        <${Values} entity="contact" record=${c} onSaved=${contacts.reload} /></div>`)}
    </section>
    ${['manager', 'admin'].includes(user.value?.role) && html`<${Tasks} id=${id} />`}`;
}

export function Records({ accountId }) {
  const [ready, setReady] = useState(false);
  useEffect(() => { fetchFields().catch(() => {}).then(() => setReady(true)); }, []);
  return html`<section class="records"><h1>${w('accounts')}</h1>
    <${Search} />
    ${!accountId && html`<p class="muted">${w('pickAccount')}</p>`}
    ${accountId && ready && html`<${AccountCard} id=${accountId} key=${accountId} />`}
    ${accountId && html`<button class="small" onClick=${() => go('/desk/accounts')}>${w('close')}</button>`}
  </section>`;
}
