// Users and teams (API.md → Company set-up): an admin for everyone, a manager for its
// team's reps and telemarketers. Create (the person gets an invitation e-mail, or the admin its
// link when the e-mail could not leave: invitation.js), invite again until it signs in, edit
// home base, hours and lunch break, language and time zone, deactivate (signed out at once).
import { useState, useEffect, useRef } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { user } from '../../lib/ui.js';
import { useApi, post, patch, problemText } from './fetch.js';
import { api } from '../../lib/api.js';
import { w } from './words.js';
import { lang } from '../../lib/lang.js';
import { Teams } from './teams.js';
import { InvitationLink, inviteAgain, sendReset, told } from './invitation.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// What the planner uses when a user has none (server/agenda/workdays.py DEFAULT_HOURS, README).
const WEEKDAYS = Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, ['08:00', '19:00']]));
// A new user speaks the language the admin works in (the company has no default language).
const blank = () => ({ email: '', name: '', role: 'rep', team_id: user.value.team_id || '', locale: lang.value, time_zone: 'Europe/Paris',
  address: '', postcode: '', city: '', hours: { ...WEEKDAYS }, lunch: ['12:00', '14:00', 60], technical_team_ids: [] });

function fromUser(u) {
  const hours = {};
  DAYS.forEach((d) => { if (u.working_hours?.[d]) hours[d] = u.working_hours[d]; });
  return { ...u, team_id: u.team_id || '', address: u.home?.address || '', postcode: u.home?.postcode || '', city: u.home?.city || '',
    hours, lunch: u.working_hours?.lunch || ['12:00', '14:00', 60] };
}

// Street, then postcode and city unless the street holds them (the demo's "Place Carnot, 21200 Beaune").
function homeText(h) {
  const town = [h.postcode, h.city].filter(Boolean).join(' ');
  return [h.address, town && !(h.address || '').includes(town) && town].filter(Boolean).join(', ');
}

const minutesOf = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
// Why [from, to, minutes] cannot be saved, or '': the server's rules, and the planner's (a break
// longer than its window is never planned).
function lunchProblem([from, to, minutes]) {
  if (!from || !to) return w('lunchNoTimes');
  if (from >= to) return w('lunchOrder');
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) return w('lunchLength');
  return minutes > minutesOf(to) - minutesOf(from) ? w('lunchTooLong', { n: minutes, from, to }) : '';
}

function Lunch({ lunch, onChange }) {
  const set = (i) => (e) => { const v = e.target.value, next = [...lunch]; next[i] = i < 2 || v === '' ? v : Number(v); onChange(next); };
  const problem = lunchProblem(lunch);
  return html`<fieldset data-testid="person-lunch"><legend>${w('lunch')}</legend>
    <label>${w('lunchFrom')} <input type="time" data-testid="lunch-start" value=${lunch[0]} onInput=${set(0)} /></label>
    <label>${w('lunchTo')} <input type="time" data-testid="lunch-end" value=${lunch[1]} onInput=${set(1)} /></label>
    <label>${w('lunchMinutes')} <input type="number" class="narrow" data-testid="lunch-minutes" value=${lunch[2] ?? ''} onInput=${set(2)} /></label>
    <p class="muted">${w('lunchHelp')}</p>
    ${problem && html`<p class="error" role="alert" data-testid="lunch-error">${problem}</p>`}
  </fieldset>`;
}

function body(f, creating) {
  const working_hours = { lunch: f.lunch };
  DAYS.forEach((d) => { working_hours[d] = f.hours[d] || null; });
  const home = f.address || f.postcode || f.city ? { address: f.address || null, postcode: f.postcode || null, city: f.city || null } : null;
  const out = { name: f.name, role: f.role, team_id: f.team_id || null, locale: f.locale, time_zone: f.time_zone, working_hours, home };
  if (creating || f.email) out.email = f.email;
  // Only a back-office user answers for technical teams (the server clears them on any other role).
  if (f.role === 'backoffice' && user.value.role === 'admin') out.technical_team_ids = f.technical_team_ids || [];
  return out;
}

// The technical teams a back-office user answers quote requests for (admin only).
function TechTeamsOf({ chosen, techTeams, onChange }) {
  const toggle = (id) => (e) => onChange(e.target.checked ? [...chosen, id] : chosen.filter((c) => c !== id));
  return html`<fieldset data-testid="person-tech-teams"><legend>${w('technicalTeams')}</legend>
    ${techTeams.length ? techTeams.map((t) => html`<label class="check"><input type="checkbox" data-testid="person-tech-team"
      data-team-id=${t.id} checked=${chosen.includes(t.id)} onChange=${toggle(t.id)} /> ${t.name}</label>`)
      : html`<p class="muted">${w('noTechTeam')}</p>`}
    <p class="muted">${w('technicalTeamsHelp')}</p>
  </fieldset>`;
}

function PersonForm({ initial, teams, techTeams, onDone, onLink }) {
  const [f, setF] = useState(initial);
  const [saving, setSaving] = useState(false);
  // Saving can take seconds (geocoding, the invitation): the button says so; the ref also stops a
  // second click that comes before the disabled button is drawn.
  const busy = useRef(false);
  const creating = !initial.id;
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const setDay = (d, i) => (e) => { const span = [...(f.hours[d] || ['08:30', '18:00'])]; span[i] = e.target.value; setF({ ...f, hours: { ...f.hours, [d]: span } }); };
  const toggleDay = (d) => (e) => { const hours = { ...f.hours }; if (e.target.checked) hours[d] = ['08:30', '18:00']; else delete hours[d]; setF({ ...f, hours }); };
  async function save(event) {
    event.preventDefault();
    if (busy.current || lunchProblem(f.lunch)) return;  // a lunch problem is said under its fields
    busy.current = true;
    setSaving(true);
    try {
      if (creating) told(await post('/api/users', body(f, true)), onLink);
      else { await patch(`/api/users/${f.id}`, body(f, false)); toast(w('saved')); }
      onDone();
    } catch (e) {
      if (creating && await createdBefore(e, f)) { toast(w('alreadyCreated', { email: f.email.trim() })); onDone(); }
      else toast(problemText(e), 'error');
    } finally { busy.current = false; setSaving(false); }
  }
  const roles = user.value.role === 'admin' ? ['rep', 'telemarketer', 'manager', 'backoffice', 'admin'] : ['rep', 'telemarketer'];
  return html`<form class="card person-form" onSubmit=${save} data-testid="person-form">
    <h2>${creating ? w('newUser') : f.name}</h2>
    <div class="grid-form">
      <label>${w('name')}<input data-testid="person-name" required value=${f.name} onInput=${set('name')} /></label>
      <label>E-mail<input data-testid="person-email" type="email" required value=${f.email} onInput=${set('email')} /></label>
      <label>${w('roleLabel')}<select data-testid="person-role" value=${f.role} onChange=${set('role')}>${roles.map((r) => html`<option value=${r}>${w(`role.${r}`)}</option>`)}</select></label>
      <label>${w('team')}<select data-testid="person-team" value=${f.team_id} onChange=${set('team_id')}><option value="">–</option>${(teams || []).map((t) => html`<option value=${t.id}>${t.name}</option>`)}</select></label>
      <label>${w('language')}<select data-testid="person-locale" value=${f.locale} onChange=${set('locale')}><option value="fr">Français</option><option value="en">English</option></select></label>
      <label>${w('timeZone')}<input value=${f.time_zone} onInput=${set('time_zone')} /></label>
    </div>
    <fieldset><legend>${w('homeBase')}</legend>
      <input data-testid="person-address" placeholder=${w('address')} value=${f.address} onInput=${set('address')} />
      <input data-testid="person-postcode" class="narrow" placeholder=${w('postcode')} value=${f.postcode} onInput=${set('postcode')} />
      <input data-testid="person-city" placeholder=${w('city')} value=${f.city} onInput=${set('city')} />
    </fieldset>
    <fieldset><legend>${w('workingHours')}</legend>${DAYS.map((d) => html`
      <div class="day-row"><label><input type="checkbox" data-testid=${`hours-${d}`} checked=${!!f.hours[d]} onChange=${toggleDay(d)} /> ${w(`day.${d}`)}</label>
        ${f.hours[d] && html`<input type="time" data-testid=${`hours-${d}-start`} value=${f.hours[d][0]} onInput=${setDay(d, 0)} />–<input type="time" data-testid=${`hours-${d}-end`} value=${f.hours[d][1]} onInput=${setDay(d, 1)} />`}</div>`)}
    </fieldset>
    ${f.role === 'backoffice' && techTeams && html`<${TechTeamsOf} chosen=${f.technical_team_ids || []} techTeams=${techTeams}
      onChange=${(ids) => setF({ ...f, technical_team_ids: ids })} />`}
    <${Lunch} lunch=${f.lunch} onChange=${(lunch) => setF({ ...f, lunch })} />
    <button class="primary" type="submit" data-testid="person-save" disabled=${saving} aria-busy=${saving}>${saving ? w('saving') : creating ? w('createAndInvite') : w('save')}</button>
    <button type="button" onClick=${onDone}>${w('close')}</button>
  </form>`;
}

// A create retried after its answer was lost (a slow first request, a second click) meets its
// own user: a 409 on the e-mail for a user of that name still invited is the first create that
// succeeded, said as such rather than as a failure (its invitation is sent; "Renvoyer" resends it).
async function createdBefore(e, f) {
  if (e?.status !== 409) return false;
  const email = f.email.trim().toLowerCase();
  try {
    const { items } = await api(`/api/users?q=${encodeURIComponent(email)}`);
    return items.some((u) => u.email === email && [f.name, f.name.trim()].includes(u.name) && u.invitation_pending);
  } catch { return false; }
}

export function People() {
  const users = useApi('/api/users');
  const teams = useApi('/api/teams');
  const techTeams = useApi(user.value.role === 'admin' ? '/api/admin/technical-teams' : null);
  const [editing, setEditing] = useState(null);
  const [unsent, setUnsent] = useState(null);  // {email, link}: an invitation the e-mail could not carry
  // The table follows the search box (GET /api/users?q=, case and accents folded by the server);
  // the team panel keeps every user, for its manager choice.
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => { const id = setTimeout(() => setTerm(q.trim()), 250); return () => clearTimeout(id); }, [q]);
  const found = useApi(term ? `/api/users?q=${encodeURIComponent(term)}` : null, users.data);
  const shown = term ? found : users;
  const done = () => { setEditing(null); users.reload(); };
  async function setActive(u, active) {
    if (!active && !confirm(w('confirmDeactivate', { name: u.name }))) return;
    try { await patch(`/api/users/${u.id}`, { active }); users.reload(); } catch (e) { toast(problemText(e), 'error'); }
  }
  const teamName = (id) => teams.data?.items.find((t) => t.id === id)?.name || '–';
  return html`<section class="card">
    <div class="head-row"><h1>${w('people')}</h1>
      <input type="search" data-testid="person-search" placeholder=${w('searchPeople')} aria-label=${w('searchPeople')}
        value=${q} onInput=${(e) => setQ(e.target.value)} />
      <button class="primary" data-testid="person-new" onClick=${() => setEditing(blank())}>${w('newUser')}</button></div>
    ${unsent && html`<${InvitationLink} pending=${unsent} onClose=${() => setUnsent(null)} />`}
    ${editing && html`<${PersonForm} initial=${editing} teams=${teams.data?.items} techTeams=${techTeams.data} onDone=${done} onLink=${setUnsent} />`}
    ${shown.data && !shown.data.items.length && html`<p class="muted" data-testid="person-none">${w('noPerson')}</p>`}
    ${shown.data && shown.data.items.length > 0 && html`<table class="grid"><thead><tr><th>${w('name')}</th><th>E-mail</th><th>${w('roleLabel')}</th><th>${w('team')}</th><th>${w('homeBase')}</th><th></th></tr></thead>
      <tbody>${shown.data.items.map((u) => html`<tr data-testid="person-row" data-user-id=${u.id} class=${u.active ? '' : 'inactive'}>
        <td>${u.name}${!u.active && html` <small class="muted">(${w('inactive')})</small>`}</td><td>${u.email}</td><td>${w(`role.${u.role}`)}</td><td>${teamName(u.team_id)}</td>
        <td data-testid="person-home">${u.home ? html`${homeText(u.home)} ${u.home.lat == null ? html`<small class="error">${w('notLocated')}</small>` : ''}` : '–'}</td>
        <td><button onClick=${() => setEditing(fromUser(u))}>${w('edit')}</button>
          ${u.id !== user.value.id && (u.active
            ? html`<button data-testid="person-deactivate" onClick=${() => setActive(u, false)}>${w('deactivate')}</button>`
            : html`<button onClick=${() => setActive(u, true)}>${w('reactivate')}</button>`)}
          ${u.active && u.invitation_pending && u.id !== user.value.id && html`<button data-testid="person-invite"
            onClick=${() => inviteAgain(u, setUnsent, users.reload)}>${w('inviteAgain')}</button>`}
          ${user.value.role === 'admin' && u.active && !u.invitation_pending && u.id !== user.value.id && html`<button
            data-testid="person-reset" onClick=${() => sendReset(u, setUnsent)}>${w('passwordLink')}</button>`}
          ${u.role === 'rep' && html`<a class="button" href=${`#/desk/people/transfer-${u.id}`}>${w('reassign')}</a>`}</td></tr>`)}</tbody></table>`}
  </section>
  ${user.value.role === 'admin' && html`<${Teams} teams=${teams} users=${users.data?.items || []} />`}`;
}
