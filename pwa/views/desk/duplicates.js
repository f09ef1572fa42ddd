// Manager: likely duplicates in the team (same SIRET, or same name in the same postcode),
// typically a company two reps created apart on their tablets. A merge suggestion to act on.
import { html } from '../../lib/ui.js';
import { t } from '../../lib/i18n.js';
import { useApi } from './fetch.js';

export function Duplicates() {
  const { data } = useApi('/api/accounts/duplicates');
  const items = data?.items || [];
  return html`<section class="duplicates"><h1>${t('duplicates')}</h1>
    ${data && !items.length && html`<p class="muted">${t('noDuplicates')}</p>`}
    ${items.map((g) => html`<div class="card" data-testid="duplicate-group">
      <p>${t('duplicateBy', { what: t(`dup.${g.by}`) })}</p>
      <ul>${g.accounts.map((a) => html`<li data-account-id=${a.id}><strong>${a.name}</strong> ${a.postcode || ''} ${a.city || ''}</li>`)}</ul>
    </div>`)}</section>`;
}
