// A leaving rep's accounts to others (POST /api/users/{id}/reassign): pick the heirs,
// the accounts go to them in blocks of neighbouring postcodes.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast, go } from '../../lib/ui.js';
import { useApi, post, problemText } from './fetch.js';
import { w, count } from './words.js';

export function Reassign({ userId }) {
  const users = useApi('/api/users');
  const [heirs, setHeirs] = useState([]);
  const leaving = users.data?.items.find((u) => u.id === userId);
  const reps = (users.data?.items || []).filter((u) => u.role === 'rep' && u.active && u.id !== userId);
  async function run() {
    try {
      const { moved } = await post(`/api/users/${userId}/reassign`, { to: heirs });
      toast(count('reassigned', moved));
      go('/desk/people');
    } catch (e) { toast(problemText(e), 'error'); }
  }
  const toggle = (id) => (e) => setHeirs(e.target.checked ? [...heirs, id] : heirs.filter((h) => h !== id));
  return html`<section class="card">
    <h1>${w('reassignTitle', { name: leaving?.name || '' })}</h1>
    <p class="muted">${w('reassignHelp')}</p>
    ${reps.map((r) => html`<label class="check"><input type="checkbox" data-testid="heir" onChange=${toggle(r.id)} /> ${r.name}</label>`)}
    <button class="primary" data-testid="reassign-run" disabled=${!heirs.length} onClick=${run}>${w('reassign')}</button>
  </section>`;
}
