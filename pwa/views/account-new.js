// A prospect met on the road, created offline: company, address, first contact with
// its roles, custom fields, a storefront photo and, on site, the GPS position.
// Before creating, likely duplicates among the accounts on the tablet are shown.
import { useState } from '../vendor/preact-hooks.mjs';
import { html, toast, go } from '../lib/ui.js';
import { failed } from '../lib/live.js';
import { t, colon } from '../lib/i18n.js';
import { allOf } from '../lib/db.js';
import { createProspect } from '../lib/outbox.js';
import { fieldsOf, changedKeys, fieldLabel } from '../lib/fields.js';
import { likelyDuplicates } from '../lib/duplicates.js';
import { CustomInputs } from './custom-fields.js';
import { RolePicker } from './contact-edit.js';
import { Photos } from './quote.js';

function Duplicates({ found, onAnyway }) {
  return html`<div class="card warn" role="alert" data-testid="duplicate-warning"><p>${t('duplicateWarn')}</p>
    <ul>${found.map(({ account, by }) => html`<li data-testid="duplicate-item" data-account-id=${account.id}>
      <strong>${account.name}</strong> ${account.postcode || ''} ${account.city || ''} · ${t('duplicateBy', { what: t(`dup.${by}`) })}
      <a class="button small" href=${`#/account/${account.id}`}>${t('openExisting')}</a></li>`)}</ul>
    <button type="button" data-testid="create-anyway" onClick=${onAnyway}>${t('createAnyway')}</button></div>`;
}

export function AccountNew() {
  const fields = fieldsOf('account');
  const [form, setForm] = useState({ name: '', address: '', postcode: '', city: '', phone: '', email: '' });
  const [contact, setContact] = useState({ name: '', phone: '', email: '', roles: ['decision_maker'] });
  const [custom, setCustom] = useState({});
  const [photos, setPhotos] = useState([]);
  const [position, setPosition] = useState(null);
  const [duplicates, setDuplicates] = useState(null);
  const set = (k) => (e) => { setForm({ ...form, [k]: e.target.value }); setDuplicates(null); };
  const setC = (k) => (e) => setContact({ ...contact, [k]: e.target.value });

  function locate() {
    navigator.geolocation?.getCurrentPosition(
      (p) => setPosition({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) }),
      () => toast(t('geoNone'), 'error'), { enableHighAccuracy: true, timeout: 15000 });
  }

  async function save(e, anyway = false) {
    e?.preventDefault();
    if (!form.name.trim()) { toast(`${t('name')}${colon()}${t('required')}`, 'error'); return; }
    let values;
    try { values = changedKeys(fields, custom, {}); } catch (err) {
      toast(`${fieldLabel(fields.find((f) => f.key === err.message) || {})}${colon()}${t('invalidValue')}`, 'error'); return;
    }
    const account = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim() || null]));
    account.custom = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
    const held = await allOf('account');
    if (!anyway) {
      const found = likelyDuplicates(account, held);
      if (found.length) { setDuplicates(found); return; }
    }
    if (position) {
      Object.assign(account, { lat: position.lat, lon: position.lon });
      // A position a person took on site: "manual", which geocoding never overwrites (API.md),
      // sent when the server's accounts carry geo_precision (older servers refuse unknown fields).
      if (held.some((a) => 'geo_precision' in a)) account.geo_precision = 'manual';
    }
    try {
      const record = await createProspect({
        account, photos,
        contact: contact.name.trim() ? { name: contact.name.trim(), phone: contact.phone.trim() || null,
          email: contact.email.trim() || null, roles: contact.roles } : null,
      });
      toast(t('prospectSaved'));
      go(`/account/${record.id}`);
    } catch (err) { failed(err); }
  }

  return html`<form class="card edit new-prospect" data-testid="prospect-form" onSubmit=${save}>
    <h1>${t('newProspect')}</h1>
    <label>${t('name')} *<input data-testid="prospect-name" maxlength="200" value=${form.name} onInput=${set('name')} required /></label>
    <label>${t('address')}<input data-testid="prospect-address" maxlength="255" value=${form.address} onInput=${set('address')} /></label>
    <div class="row">
      <label>${t('postcode')}<input data-testid="prospect-postcode" maxlength="10" inputmode="numeric" value=${form.postcode} onInput=${set('postcode')} /></label>
      <label class="grow">${t('city')}<input data-testid="prospect-city" maxlength="120" value=${form.city} onInput=${set('city')} /></label>
    </div>
    <div class="row">
      <label>${t('phone')}<input data-testid="prospect-phone" maxlength="40" type="tel" value=${form.phone} onInput=${set('phone')} /></label>
      <label>${t('email')}<input type="email" value=${form.email} onInput=${set('email')} /></label>
    </div>
    <button type="button" data-testid="prospect-locate" onClick=${locate}>${t('useMyPosition')}</button>
    ${position && html`<small class="muted" data-testid="prospect-position">${t('positionTaken', { m: position.accuracy })}</small>`}
    <fieldset><legend>${t('contact')}</legend>
      <label>${t('contactName')}<input data-testid="prospect-contact-name" maxlength="160" value=${contact.name} onInput=${setC('name')} /></label>
      <div class="row">
        <label>${t('phone')}<input type="tel" maxlength="40" value=${contact.phone} onInput=${setC('phone')} /></label>
        <label>${t('email')}<input type="email" value=${contact.email} onInput=${setC('email')} /></label>
      </div>
      <${RolePicker} value=${contact.roles} onChange=${(roles) => setContact({ ...contact, roles })} />
    </fieldset>
    ${fields.length > 0 && html`<fieldset><legend>${t('customFields')}</legend><div class="row wrap">
      <${CustomInputs} fields=${fields} form=${custom} onChange=${(k, v) => setCustom({ ...custom, [k]: v })} /></div></fieldset>`}
    <${Photos} photos=${photos} setPhotos=${setPhotos} testid="prospect-photo" legend=${t('storefront')} />
    ${duplicates && html`<${Duplicates} found=${duplicates} onAnyway=${() => save(null, true)} />`}
    <button class="primary" data-testid="prospect-save" type="submit">${t('create')}</button>
  </form>`;
}
