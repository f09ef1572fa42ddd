// Technical teams (admin; API.md → Quote routing): who answers quote requests and by which
// channel. Create and edit a team (name, channel and its destination, default flag, re-enable an
// endpoint disabled after a 410 Gone), see its members by name (they are chosen on the people
// screen, a back-office user's "technical teams"), and a warning on any team that rules send
// quotes to while nobody would ever see them. A channel that cannot deliver on this server (an
// e-mail team while no mail relay is set: `deliverable: false`, GET /api/admin/delivery-channels
// before the team exists) is said in the form and on the team's row.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { useApi, post, patch, problemText } from './fetch.js';
import { w } from './words.js';
import { colon } from '../../lib/lang.js';

const CHANNELS = ['inbox', 'email', 'webhook'];

// A quote routed to `team` reaches nobody: no member reads its inbox, and no outbound channel
// (e-mail, webhook) takes it, or that channel was disabled or cannot deliver on this server (no
// mail relay). Only said of a team quotes can reach: the default team or one a rule points to.
export function receivesNothing(team, rules) {
  const targeted = team.is_default || (rules || []).some((r) => r.team_id === team.id);
  const outbound = team.channel !== 'inbox' && team.enabled && team.deliverable !== false;
  return targeted && !team.member_ids.length && !outbound;
}

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

function TeamForm({ initial, onDone }) {
  const [f, setF] = useState(initial);
  const channels = useApi('/api/admin/delivery-channels').data;
  const cannot = channels?.[f.channel]?.deliverable === false;
  const creating = !initial.id;
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  async function save(event) {
    event.preventDefault();
    // Only the channel's own destination is sent: an inbox team keeps an e-mail typed before.
    const body = { name: f.name, channel: f.channel, is_default: f.is_default };
    if (f.channel === 'webhook') body.webhook_url = f.webhook_url;
    if (f.channel === 'email') body.email = f.email;
    try {
      const saved = creating ? await post('/api/admin/technical-teams', body) : await patch(`/api/admin/technical-teams/${f.id}`, body);
      toast(w('saved'));
      onDone(saved);
    } catch (e) { toast(problemText(e, { email: 'teamEmail', name: 'teamName' }), 'error'); }
  }
  return html`<form class="card tech-team-form" onSubmit=${save} data-testid="tech-team-form">
    <h2>${creating ? w('newTechTeam') : f.name}</h2>
    <div class="grid-form">
      <label>${w('teamName')}<input data-testid="tech-team-name" required value=${f.name} onInput=${set('name')} /></label>
      <label>${w('channel')}<select data-testid="tech-team-channel" value=${f.channel} onChange=${set('channel')}>
        ${CHANNELS.map((c) => html`<option value=${c}>${w(`channel.${c}`)}</option>`)}</select></label>
      ${f.channel === 'email' && html`<label>${w('teamEmail')}<input data-testid="tech-team-email" type="email" required
        value=${f.email || ''} onInput=${set('email')} /></label>`}
      ${f.channel === 'webhook' && html`<label>${w('webhookUrl')}<input data-testid="tech-team-url" type="url" required
        placeholder="https://" value=${f.webhook_url || ''} onInput=${set('webhook_url')} /></label>`}
      <label class="check"><input type="checkbox" data-testid="tech-team-default" checked=${f.is_default}
        onChange=${(e) => setF({ ...f, is_default: e.target.checked })} /> ${w('defaultTeam')}</label>
    </div>
    <p class="muted">${w(`channelHelp.${f.channel}`)}</p>
    ${cannot && html`<p class="error" role="alert" data-testid="tech-team-no-relay">${f.channel === 'email' ? w('noRelayWarning') : channels[f.channel].reason_text}</p>`}
    <button class="primary" type="submit" data-testid="tech-team-save">${creating ? w('createTeam') : w('save')}</button>
    <button type="button" onClick=${() => onDone(null)}>${w('close')}</button>
  </form>`;
}

// The secret is answered once, by the 201 that creates a webhook team: shown until closed.
function Secret({ secret, onClose }) {
  return html`<div class="card" role="status" data-testid="tech-team-secret"><p>${w('webhookSecret')}</p>
    <code>${secret}</code> <button onClick=${onClose}>${w('close')}</button></div>`;
}

export function TechTeams({ teams, rules, users }) {
  const [editing, setEditing] = useState(null);
  const [secret, setSecret] = useState(null);
  const names = Object.fromEntries((users || []).map((u) => [u.id, u.name]));
  const done = (saved) => { setEditing(null); if (saved?.webhook_secret) setSecret(saved.webhook_secret); teams.reload(); };
  async function enable(team) {
    try { await patch(`/api/admin/technical-teams/${team.id}`, { enabled: true }); teams.reload(); } catch (e) { toast(problemText(e), 'error'); }
  }
  return html`<section class="card">
    <div class="head-row"><h1>${w('technicalTeams')}</h1>
      <button class="primary" data-testid="tech-team-new" onClick=${() => setEditing({ name: '', channel: 'inbox', email: '', webhook_url: '', is_default: false })}>${w('newTechTeam')}</button></div>
    ${secret && html`<${Secret} secret=${secret} onClose=${() => setSecret(null)} />`}
    ${editing && html`<${TeamForm} key=${editing.id || 'new'} initial=${editing} onDone=${done} />`}
    <table class="grid"><thead><tr><th>${w('name')}</th><th>${w('channel')}</th><th>${w('destination')}</th><th>${w('members')}</th><th></th></tr></thead>
      <tbody>${(teams.data || []).map((t) => html`<tr data-testid="tech-team-row" data-team-id=${t.id}>
        <td>${t.name}${t.is_default ? html` <span title=${w('defaultTeam')}>★</span>` : ''}
          ${!t.enabled && html`<br /><small class="error" data-testid="tech-team-disabled">${w('channelDisabled')}</small>`}
          ${t.enabled && t.deliverable === false && html`<br /><small class="error" data-testid="tech-team-undeliverable">${w('cannotDeliver')}${colon()}${t.reason_text}</small>`}
          ${receivesNothing(t, rules.data) && html`<p class="error" role="alert" data-testid="tech-team-nothing">${w('receivesNothing')}</p>`}</td>
        <td>${w(`channel.${t.channel}`)}</td><td>${t.channel === 'webhook' ? t.webhook_url : t.channel === 'email' ? t.email : '–'}</td>
        <td data-testid="tech-team-members">${t.member_ids.length ? t.member_ids.map((id) => names[id] || '…').join(', ') : html`<span class="muted">${w('noMember')}</span>`}</td>
        <td><button data-testid="tech-team-edit" onClick=${() => setEditing({ ...t, email: t.email || '', webhook_url: t.webhook_url || '' })}>${w('edit')}</button>
          ${!t.enabled && html`<button data-testid="tech-team-enable" onClick=${() => enable(t)}>${w('reactivate')}</button>`}
          <${TestButton} team=${t} /></td></tr>`)}</tbody></table>
    <p class="muted">${w('membersHelp')}</p>
  </section>`;
}
