// Technical teams and routing rules (admin; API.md → Quote routing): who answers which
// quote requests, and a button that sends a team a signed test delivery and shows the answer.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { productLines, productLine } from '../../lib/words.js';
import { lang } from '../../lib/lang.js';
import { useApi, post, del, problemText } from './fetch.js';
import { w } from './words.js';

function TestButton({ team }) {
  const [answer, setAnswer] = useState(null);
  async function run() {
    setAnswer({ pending: true });
    try { setAnswer(await post(`/api/admin/technical-teams/${team.id}/test`, {})); } catch (e) { setAnswer({ ok: false, error: problemText(e) }); }
  }
  return html`<button data-testid="channel-test" onClick=${run}>${w('testChannel')}</button>
    ${answer && !answer.pending && html`<span data-testid="channel-test-result" class=${answer.ok ? 'ok' : 'error'}>
      ${answer.ok ? w('testOk') : w('testFailed')}${answer.status_code ? ` (${answer.status_code})` : ''}${answer.error ? ` — ${answer.error}` : ''}</span>`}`;
}

export function Routing() {
  const teams = useApi('/api/admin/technical-teams');
  const rules = useApi('/api/admin/routing-rules');
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
  return html`<section class="card">
    <h1>${w('technicalTeams')}</h1>
    <table class="grid"><thead><tr><th>${w('name')}</th><th>${w('channel')}</th><th>${w('destination')}</th><th></th></tr></thead>
      <tbody>${(teams.data || []).map((t) => html`<tr data-testid="tech-team-row"><td>${t.name}${t.is_default ? ' ★' : ''}</td>
        <td>${w(`channel.${t.channel}`)}</td><td>${t.webhook_url || t.email || '–'}</td><td><${TestButton} team=${t} /></td></tr>`)}</tbody></table>
  </section>
  <section class="card">
    <h1>${w('routingRules')}</h1>
    <p class="muted">${w('routingHelp')}</p>
    <table class="grid"><thead><tr><th>${w('priority')}</th><th>${w('productLine')}</th><th>${w('postcode')}</th><th>${w('urgency')}</th><th>${w('technicalTeam')}</th><th></th></tr></thead>
      <tbody>${(rules.data || []).map((r) => html`<tr data-testid="rule-row"><td>${r.priority}</td><td>${r.product_line ? productLine(r.product_line) : '*'}</td>
        <td>${r.postcode_prefix || '*'}</td><td>${r.urgency || '*'}</td><td>${name(r.team_id)}</td>
        <td><button onClick=${() => removeRule(r.id)}>${w('delete')}</button></td></tr>`)}</tbody></table>
    <form class="team-row" onSubmit=${addRule}>
      <input class="narrow" type="number" value=${rule.priority} onInput=${set('priority')} />
      <select aria-label=${w('productLine')} value=${rule.product_line} onChange=${set('product_line')}><option value="">*</option>${productLines.value.map((l) => html`<option value=${l.key}>${l.label[lang.value] || l.label.fr}</option>`)}</select>
      <input class="narrow" placeholder=${w('postcode')} value=${rule.postcode_prefix} onInput=${set('postcode_prefix')} />
      <select value=${rule.urgency} onChange=${set('urgency')}><option value="">*</option><option value="normal">normal</option><option value="urgent">urgent</option></select>
      <select required value=${rule.team_id} onChange=${set('team_id')}><option value="">–</option>${(teams.data || []).map((t) => html`<option value=${t.id}>${t.name}</option>`)}</select>
      <button type="submit">${w('addRule')}</button>
    </form>
  </section>`;
}
