// Merge suggestions: accounts that look like one company (same SIRET, or same name in the
// same postcode), typically created apart by two reps on their tablets. The manager, or a
// rep concerned, keeps one (the others merge into it: nothing is lost, values that differ go
// to the conflicts of the rep concerned) or says they are different companies.
import { html, toast } from '../../lib/ui.js';
import { w, count } from './words.js';
import { useApi, post, problemText } from './fetch.js';

function Group({ group, reload }) {
  const ids = group.accounts.map((a) => a.id);
  async function keep(survivor) {
    try {
      const r = await post('/api/accounts/merge', { survivor_id: survivor, merged_ids: ids.filter((x) => x !== survivor) });
      toast(count('mergedDone', r.conflicts.length)); reload();
    } catch (e) { toast(problemText(e), 'error'); }
  }
  async function dismiss() {
    try { await post('/api/accounts/duplicates/dismiss', { account_ids: ids }); toast(w('mergeDismissed')); reload(); } catch (e) { toast(problemText(e), 'error'); }
  }
  return html`<div class="card" data-testid="duplicate-group">
    <p>${w('duplicateBy', { what: w(`dup.${group.by}`) })}</p>
    <ul>${group.accounts.map((a) => html`<li data-account-id=${a.id}>
      <strong>${a.name}</strong> ${a.postcode || ''} ${a.city || ''} <small class="muted">${w('ownedBy', { name: a.owner_name || '' })}</small>
      <button class="small primary" data-testid="merge-keep" onClick=${() => keep(a.id)}>${w('keepThis')}</button></li>`)}</ul>
    <button class="small" data-testid="merge-dismiss" onClick=${dismiss}>${w('mergeDifferent')}</button>
  </div>`;
}

export function Duplicates() {
  const { data, reload } = useApi('/api/accounts/duplicates');
  const items = data?.items || [];
  return html`<section class="duplicates"><h1>${w('duplicates')}</h1>
    ${items.length > 0 && html`<p class="muted">${w('mergeHelp')}</p>`}
    ${data && !items.length && html`<p class="muted">${w('noDuplicates')}</p>`}
    ${items.map((g) => html`<${Group} key=${g.accounts.map((a) => a.id).join()} group=${g} reload=${reload} />`)}</section>`;
}
