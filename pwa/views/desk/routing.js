// Quote routing (admin; API.md → Quote routing): the technical teams (techteams.js) and the
// routing rules that choose among them, first match by priority, the default team catching the rest.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { productLines, productLine } from '../../lib/words.js';
import { lang } from '../../lib/lang.js';
import { useApi, post, del, problemText } from './fetch.js';
import { w } from './words.js';
import { TechTeams } from './techteams.js';

const URGENCIES = ['normal', 'urgent'];

export function Routing() {
  const teams = useApi('/api/admin/technical-teams');
  const rules = useApi('/api/admin/routing-rules');
  const users = useApi('/api/users');  // the members' names
  const [rule, setRule] = useState({ team_id: '', product_line: '', postcode_prefix: '', urgency: '', priority: 10 });
  const set = (k) => (e) => setRule({ ...rule, [k]: e.target.value });
  const name = (id) => teams.data?.find((t) => t.id === id)?.name || id;
  async function addRule(event) {
    event.preventDefault();
    const body = { team_id: rule.team_id, product_line: rule.product_line || null, postcode_prefix: rule.postcode_prefix || null,
      urgency: rule.urgency || null, priority: Number(rule.priority) };
    try { await post('/api/admin/routing-rules', body); rules.reload(); toast(w('saved')); } catch (e) { toast(problemText(e, { team_id: 'technicalTeam' }), 'error'); }
  }
  async function removeRule(id) { try { await del(`/api/admin/routing-rules/${id}`); rules.reload(); } catch (e) { toast(problemText(e), 'error'); } }
  return html`<${TechTeams} teams=${teams} rules=${rules} users=${users.data?.items} />
  <section class="card">
    <h1>${w('routingRules')}</h1>
    <p class="muted">${w('routingHelp')}</p>
    <table class="grid"><thead><tr><th>${w('priority')}</th><th>${w('productLine')}</th><th>${w('postcode')}</th><th>${w('urgency')}</th><th>${w('technicalTeam')}</th><th></th></tr></thead>
      <tbody>${(rules.data || []).map((r) => html`<tr data-testid="rule-row"><td>${r.priority}</td><td>${r.product_line ? productLine(r.product_line) : '*'}</td>
        <td>${r.postcode_prefix || '*'}</td><td data-testid="rule-urgency">${r.urgency ? w(`urgency.${r.urgency}`) : '*'}</td><td>${name(r.team_id)}</td>
        <td><button onClick=${() => removeRule(r.id)}>${w('delete')}</button></td></tr>`)}</tbody></table>
    <h2>${w('newRule')}</h2>
    <form class="team-row row" onSubmit=${addRule} data-testid="rule-form">
      <label>${w('priority')}<input data-testid="rule-priority" class="narrow" type="number" value=${rule.priority} onInput=${set('priority')} /></label>
      <label>${w('productLine')}<select data-testid="rule-line" value=${rule.product_line} onChange=${set('product_line')}><option value="">${w('anyLine')}</option>
        ${productLines.value.map((l) => html`<option value=${l.key}>${l.label[lang.value] || l.label.fr}</option>`)}</select></label>
      <label>${w('postcodePrefix')}<input data-testid="rule-postcode" class="narrow" value=${rule.postcode_prefix} onInput=${set('postcode_prefix')} /></label>
      <label>${w('urgency')}<select data-testid="rule-urgency-choice" value=${rule.urgency} onChange=${set('urgency')}><option value="">${w('anyUrgency')}</option>
        ${URGENCIES.map((u) => html`<option value=${u}>${w(`urgency.${u}`)}</option>`)}</select></label>
      <label>${w('technicalTeam')}<select data-testid="rule-team" required value=${rule.team_id} onChange=${set('team_id')}><option value="">–</option>
        ${(teams.data || []).map((t) => html`<option value=${t.id}>${t.name}</option>`)}</select></label>
      <button type="submit" data-testid="rule-add">${w('addRule')}</button>
    </form>
  </section>`;
}
