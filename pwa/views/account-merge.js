// A merge suggestion, online: a colleague created the same company, unseen by either rep. Keep
// one (differing values go to the conflicts) or say they differ (server/accounts/merging.py).
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, online, toast, go } from '../lib/ui.js';
import { t, count } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { sync } from '../lib/sync-client.js';

// Team-wide: asked once a minute at most.
let cache = { at: 0, items: null };
async function suggestions() {
  if (!cache.items || Date.now() - cache.at > 60_000) cache = { at: Date.now(), items: (await api('/api/accounts/duplicates')).items };
  return { items: cache.items };
}

export function MergeOffer({ account }) {
  const [group, setGroup] = useState(null);
  useEffect(() => {
    if (!online.value || account._local) return;
    suggestions().then(
      ({ items }) => setGroup(items.find((g) => g.accounts.some((a) => a.id === account.id)) || null),
      () => setGroup(null));
  }, [account.id, online.value]);
  if (!group) return null;
  const others = group.accounts.filter((a) => a.id !== account.id);
  const ids = group.accounts.map((a) => a.id);
  async function keep(survivor) {
    try {
      const r = await api('/api/accounts/merge', { method: 'POST', body: { survivor_id: survivor, merged_ids: ids.filter((x) => x !== survivor) } });
      toast(count('mergeDone', r.conflicts.length));
      setGroup(null); cache = { at: 0, items: null };
      await sync();
      if (survivor !== account.id) go('/accounts');
    } catch (e) { toast(e.message, 'error'); }
  }
  async function dismiss() {
    try { await api('/api/accounts/duplicates/dismiss', { method: 'POST', body: { account_ids: ids } }); setGroup(null); cache = { at: 0, items: null }; toast(t('mergeDismissed')); } catch (e) { toast(e.message, 'error'); }
  }
  return html`<div class="card merge-offer" role="status" data-testid="merge-offer">
    <p>${t('mergeOffer')}</p>
    <ul>${others.map((a) => html`<li><strong>${a.name}</strong> ${a.postcode || ''} ${a.city || ''} · ${a.owner_name || ''}</li>`)}</ul>
    <div class="actions">
      <button class="primary" data-testid="merge-keep-mine" onClick=${() => keep(account.id)}>${t('mergeKeepMine')}</button>
      ${others.length === 1 && html`<button data-testid="merge-keep-theirs" onClick=${() => keep(others[0].id)}>${t('mergeKeepTheirs')}</button>`}
      <button data-testid="merge-dismiss" onClick=${dismiss}>${t('mergeDifferent')}</button>
    </div>
  </div>`;
}
