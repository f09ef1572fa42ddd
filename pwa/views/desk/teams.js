// Sales teams (admin): name, manager, public-holiday calendar ("FR", "FR-57" for Moselle…);
// an empty team can be deleted (the server refuses while it has members, and says so).
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { post, patch, del, problemText } from './fetch.js';
import { w } from './words.js';

function TeamRow({ team, managers, onSaved }) {
  const [f, setF] = useState(team);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  async function save(event) {
    event.preventDefault();
    const body = { name: f.name, manager_id: f.manager_id || null, holidays: f.holidays };
    try {
      if (team.id) await patch(`/api/teams/${team.id}`, body); else await post('/api/teams', body);
      toast(w('saved'));
      onSaved();
    } catch (e) { toast(problemText(e), 'error'); }
  }
  async function remove() {
    if (!confirm(w('confirmDeleteTeam', { name: team.name }))) return;
    try { await del(`/api/teams/${team.id}`); toast(w('teamDeleted')); onSaved(); } catch (e) { toast(problemText(e), 'error'); }
  }
  // every field carries its visible label: a column of bare inputs ("–", "FR") says nothing
  return html`<form class="team-row row" onSubmit=${save} data-testid=${team.id ? 'team-row' : 'team-new'} data-team-id=${team.id}>
    <label>${w('teamName')}
      <input data-testid="team-name" required placeholder=${w('team')} value=${f.name} onInput=${set('name')} /></label>
    <label>${w('teamManager')}
      <select data-testid="team-manager" value=${f.manager_id || ''} onChange=${set('manager_id')}><option value="">${w('noManager')}</option>
        ${managers.map((m) => html`<option value=${m.id}>${m.name}</option>`)}</select></label>
    <label>${w('teamHolidays')}
      <input data-testid="team-holidays" class="narrow" title=${w('holidaysHelp')} value=${f.holidays} onInput=${set('holidays')} /></label>
    <button type="submit" data-testid="team-save">${team.id ? w('save') : w('createTeam')}</button>
    ${team.id && html`<button type="button" class="danger" data-testid="team-delete" onClick=${remove}>${w('deleteTeam')}</button>`}
  </form>`;
}

export function Teams({ teams, users }) {
  const managers = users.filter((u) => u.role === 'manager' && u.active);
  const [fresh, setFresh] = useState(0);
  const saved = () => { setFresh(fresh + 1); teams.reload(); };
  return html`<section class="card">
    <h1>${w('teams')}</h1>
    <p class="muted">${w('holidaysHelp')}</p>
    ${(teams.data?.items || []).map((t) => html`<${TeamRow} key=${t.id} team=${t} managers=${managers} onSaved=${saved} />`)}
    <h2>${w('newTeam')}</h2>
    <${TeamRow} key=${`new-${fresh}`} team=${{ name: '', manager_id: '', holidays: 'FR' }} managers=${managers} onSaved=${saved} />
  </section>`;
}
