// Data quality (GET /api/data-quality): accounts off the map, without an active owner,
// likely duplicates, criteria coverage; each line links to the account to fix it.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html } from '../../lib/ui.js';
import { colon } from '../../lib/lang.js';
import { useApi } from './fetch.js';
import { w, pct } from './words.js';

const link = (a) => html`<a href=${`#/desk/book/${a.id}`} data-testid="quality-account">${a.name}</a> <small>${a.postcode || ''} ${a.city || ''}</small>`;

export function Quality() {
  const { data, error } = useApi('/api/data-quality');
  const [shown, setShown] = useState(20);
  if (error) return html`<p class="error">${w('error', { d: error.message })}</p>`;
  if (!data) return html`<p class="muted">${w('loading')}</p>`;
  const p = data.positions;
  return html`<section class="card" data-testid="quality">
    <h1>${w('quality')}</h1>
    <table class="grid narrow" data-testid="quality-positions"><tbody>
      ${['address', 'street', 'commune', 'manual', 'none'].map((k) => html`<tr><th>${w(`precision.${k}`)}</th><td data-testid=${`precision-${k}`}>${p[k]}</td></tr>`)}
    </tbody></table>
    <h2>${w('withoutPosition')} (${data.without_position.total})</h2>
    <p class="muted">${w('withoutPositionHelp')}</p>
    <ul>${data.without_position.items.map((a) => html`<li>${link(a)}</li>`)}</ul>
    <h2>${w('withoutOwner')} (${data.without_owner.total})</h2>
    <ul>${data.without_owner.items.map((a) => html`<li>${link(a)}</li>`)}</ul>
    <h2>${w('duplicates')} (${data.duplicates.total})</h2>
    <ul>${data.duplicates.items.slice(0, shown).map((d) => html`<li data-testid="quality-duplicate">${w(`dup.${d.kind}`)}${d.kind === 'name_postcode' ? '' : html` <code>${d.value}</code>`}${colon()}${d.accounts.map((a, i) => html`${i ? ', ' : ''}${link(a)}`)}</li>`)}</ul>
    ${data.duplicates.items.length > shown && html`<button onClick=${() => setShown(shown + 50)}>${w('more')}</button>`}
    <h2>${w('dataCoverage')}</h2>
    <table class="grid narrow"><tbody>${data.coverage.criteria.map((c) => html`<tr><th>${c.label}</th><td>${pct(c.share)}</td></tr>`)}</tbody></table>
  </section>`;
}
