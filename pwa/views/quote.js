// A quote request made on site (PRODUCT.md headline case): product line, items,
// urgency, notes and photos. Stored on the tablet at once; photos upload before
// the request is pushed, and the server routes it to the technical service.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, busy, toast, go } from '../lib/ui.js';
import { useLive, failed } from '../lib/live.js';
import { t, productLines, productLine, lineFor } from '../lib/i18n.js';
import { getRecord, byAccount } from '../lib/db.js';
import { requestQuote } from '../lib/outbox.js';
import { downscale, MAX_PHOTO_BYTES } from '../lib/photos.js';
import { Icon } from '../lib/icons.js';

const emptyItem = () => ({ label: '', quantity: '1', unit: t('unitEach') });

/** Photos taken on site (quotes, new prospects), downscaled and checked against the size cap. */
export function Photos({ photos, setPhotos, testid = 'quote-photo', legend = t('photos') }) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    const made = photos.map((p) => URL.createObjectURL(p));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [photos]);
  async function add(e) {
    const files = [...e.target.files];
    e.target.value = '';
    try {
      const small = await Promise.all(files.map((f) => downscale(f)));
      const kept = small.filter((b) => b.size <= MAX_PHOTO_BYTES);
      if (kept.length < small.length) toast(t('photoTooBig', { n: MAX_PHOTO_BYTES / 1e6 }), 'error');
      setPhotos([...photos, ...kept]);
    } catch (err) { failed(err); }
  }
  return html`
    <fieldset><legend>${legend}</legend>
      <div class="photos">${urls.map((u, i) => html`<figure>
        <img src=${u} alt="" /><button type="button" onClick=${() => setPhotos(photos.filter((_, j) => j !== i))}>×</button></figure>`)}
        <label class="button photo-add"><${Icon} name="camera" /> ${t('addPhoto')}
          <input data-testid=${testid} type="file" accept="image/*" capture="environment" multiple class="visually-hidden" onChange=${add} />
        </label>
      </div>
    </fieldset>`;
}

export function QuoteForm({ accountId, visitId }) {
  const account = useLive(() => getRecord('account', accountId), [accountId]);
  const contacts = useLive(() => byAccount('contact', accountId), [accountId], []);
  const [form, setForm] = useState({ product_line: '', urgency: 'normal', notes: '', contact_id: '' });
  const [items, setItems] = useState([emptyItem()]);
  const [photos, setPhotos] = useState([]);
  const touch = () => { busy.value = true; };
  const set = (field) => (e) => { setForm({ ...form, [field]: e.target.value }); touch(); };
  const setItem = (i, field) => (e) => { setItems(items.map((it, j) => (j === i ? { ...it, [field]: e.target.value } : it))); touch(); };

  async function save(e) {
    e.preventDefault();
    try {
      // a label (either language) or an alias typed: the server routes on the key
      const line = form.product_line.trim();
      await requestQuote({ ...form, product_line: lineFor(line)?.key ?? line, contact_id: form.contact_id || null, account_id: accountId, visit_id: visitId || null, items, photos });
      busy.value = false;
      toast(t('quoteSaved'));
      go(`/account/${accountId}`);
    } catch (err) { failed(err); }
  }

  return html`
    <form class="card form" onSubmit=${save} onInvalidCapture=${(e) => e.target.setCustomValidity(e.target.validity.valueMissing ? t('required') : '')}
      onInputCapture=${(e) => e.target.setCustomValidity('')}>
      <h1>${t('quote')} · ${account?.name || ''}</h1>
      <div class="row">
        <label class="grow">${t('productLine')}
          <input data-testid="quote-product-line" maxlength="120" list="product-lines" required value=${form.product_line} onInput=${set('product_line')} />
          <datalist id="product-lines">${productLines.value.map((l) => html`<option value=${productLine(l.key)} />`)}</datalist></label>
        <label>${t('urgency')}<select value=${form.urgency} onChange=${set('urgency')}>
          ${['normal', 'urgent'].map((u) => html`<option value=${u}>${t(`urgency.${u}`)}</option>`)}</select></label>
        <label>${t('contacts')}<select value=${form.contact_id} onChange=${set('contact_id')}>
          <option value="">—</option>${contacts.filter((c) => !c.left_at).map((c) => html`<option value=${c.id}>${c.name}</option>`)}</select></label>
      </div>
      <fieldset><legend>${t('items')}</legend>
        ${items.map((it, i) => html`<div class="row item">
          <label class="grow">${t('label')}<input data-testid=${i === 0 ? 'quote-item-label' : null} maxlength="300" required=${i === 0} value=${it.label} onInput=${setItem(i, 'label')} /></label>
          <label>${t('quantity')}<input data-testid=${i === 0 ? 'quote-item-quantity' : null} type="number" min="0" step="any" inputmode="decimal" value=${it.quantity} onInput=${setItem(i, 'quantity')} /></label>
          <label>${t('unit')}<input maxlength="20" value=${it.unit} onInput=${setItem(i, 'unit')} placeholder=${`${t('unitEach')}, m, kg…`} /></label>
          ${i > 0 && html`<button type="button" class="icon" onClick=${() => setItems(items.filter((_, j) => j !== i))}>×</button>`}
        </div>`)}
        <button type="button" onClick=${() => setItems([...items, emptyItem()])}>+ ${t('addItem')}</button>
      </fieldset>
      <label>${t('notes')}<textarea rows="3" maxlength="20000" value=${form.notes} onInput=${set('notes')}></textarea></label>
      <${Photos} photos=${photos} setPhotos=${(p) => { setPhotos(p); touch(); }} />
      <div class="actions">
        <button class="primary" data-testid="quote-save" type="submit">${t('save')}</button>
        <a class="button" href=${`#/account/${accountId}`} onClick=${() => { busy.value = false; }}>${t('cancel')}</a>
      </div>
    </form>`;
}
