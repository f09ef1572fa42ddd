// Send a stuck quote request to another technical team (POST /api/quotes/{id}/reroute): one
// undeliverable, or waiting because its team cannot receive it (no mail relay, no member). The
// server sends it once, to the chosen team; a team that would receive nothing is not offered.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html } from '../../lib/ui.js';
import { useApi } from './fetch.js';
import { w } from './words.js';

/** A stuck quote: undeliverable, or still waiting with a reason it has not left. */
export const stuck = (q, delivery) => q.status === 'undeliverable'
  || (q.status === 'submitted' && delivery?.state === 'pending' && !!delivery.reason);

export function Reroute({ quote, delivery, onSend }) {
  const teams = useApi('/api/technical-teams').data || [];
  const [teamId, setTeamId] = useState('');
  // The team it is stuck on is offered too: sending there again is a retry.
  const options = teams.filter((t) => t.receives);
  const send = () => teamId && onSend(`/api/quotes/${quote.id}/reroute`, { team_id: teamId });
  return html`<div class="row reroute" data-testid="quote-reroute">
    <label>${w('rerouteTo')}<select data-testid="quote-reroute-team" value=${teamId} onChange=${(e) => setTeamId(e.target.value)}>
      <option value="">–</option>
      ${options.map((t) => html`<option value=${t.id} translate=${false}>${t.name}${t.id === delivery?.team_id ? ' ★' : ''}</option>`)}</select></label>
    <button data-testid="quote-reroute-send" disabled=${!teamId} onClick=${send}>${w('reroute')}</button>
    <small class="muted">${w('rerouteHelp')}</small></div>`;
}
