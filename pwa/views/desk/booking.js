// Telemarketer: book a visit for the rep who owns the account. Search the account,
// see the rep's planned week, pick one of the slots that add the least driving
// (GET /api/reps/{rep}/slots) or type another, name the contact and the purpose, book.
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, Badge, go, toast, isoDay, addDays } from '../../lib/ui.js';
import { t, fmtDate, fmtTime, fmtDateTime, colon } from '../../lib/i18n.js';
import { useApi, post, problemText } from './fetch.js';
import { w } from './words.js';

function Search() {
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => { const id = setTimeout(() => setTerm(q.trim()), 250); return () => clearTimeout(id); }, [q]);
  const { data } = useApi(term.length >= 2 ? `/api/accounts?q=${encodeURIComponent(term)}&per_page=8` : null);
  return html`<div class="search-box">
    <input data-testid="book-search" type="search" placeholder=${w('searchAccount')} value=${q}
      onInput=${(e) => setQ(e.target.value)} aria-label=${w('searchAccount')} />
    ${data && html`<ul class="results">${data.items.length ? data.items.map((a) => html`
      <li><a data-testid="book-result" href=${`#/desk/book/${a.id}`} onClick=${() => setQ('')}>
        <${Badge} segment=${a.segment} /> <strong>${a.name}</strong> <span>${a.postcode || ''} ${a.city || ''}</span></a></li>`)
      : html`<li class="muted">${w('noResult')}</li>`}</ul>`}
  </div>`;
}

// The week the telemarketer books into: this one, or the next from Saturday on (its days are over).
const bookingWeek = (today) => (new Date(`${today}T12:00:00`).getDay() % 6 === 0 ? addDays(today, 2) : today);

function Week({ repId, repName, version }) {
  const { data } = useApi(`/api/tours/${repId}/week/${bookingWeek(isoDay())}?v=${version}`);
  if (!data) return html`<p class="muted">${w('loading')}</p>`;
  return html`<div class="rep-week">
    <h2 data-testid="booking-week">${w('repWeek', { name: repName || '' })} · ${w('weekOf', { d: fmtDate(data.week_start, { day: 'numeric', month: 'long' }) })}</h2>
    <div class="week-cols">${(data.days || []).map((day) => html`<div class="week-day">
      <h3>${fmtDate(day.date)}</h3>
      ${(day.stops || []).map((s) => html`<div class=${`week-stop ${s.kind}`} data-testid=${s.kind === 'appointment' ? 'week-appt' : 'week-stop'}
        data-account-id=${s.account_id} title=${s.name}><b>${fmtTime(s.arrive)}</b> <${Badge} segment=${s.segment} />
        <span class="stop-name">${s.name}</span></div>`)}
    </div>`)}</div></div>`;
}

function Slots({ repId, accountId, minutes, chosen, onChoose, version }) {
  const from = isoDay(), to = addDays(from, 14);
  const { data, error } = useApi(`/api/reps/${repId}/slots?account_id=${accountId}&from=${from}&to=${to}&duration=${minutes}&limit=8&v=${version}`);
  const [day, setDay] = useState(addDays(from, 1));
  const [time, setTime] = useState('10:00');
  const manual = () => {
    const start = new Date(`${day}T${time}:00`);
    onChoose({ start: start.toISOString(), end: new Date(start.getTime() + minutes * 60000).toISOString() });
  };
  return html`<div class="slots">
    <h2>${w('slots')}</h2>
    ${error && html`<p class="error">${problemText(error)}</p>`}
    ${data && !data.length && html`<p class="muted">${w('noSlots')}</p>`}
    <div class="slot-list">${(data || []).map((s) => html`
      <button data-testid="slot" class=${chosen?.start === s.start ? 'slot on' : 'slot'} onClick=${() => onChoose(s)}>
        <b>${fmtDateTime(s.start)}</b><small>${w('addedDrive', { n: Math.round(s.added_drive_min) })}</small></button>`)}</div>
    <details><summary>${w('manualSlot')}</summary><div class="row">
      <label>${w('date')}<input type="date" value=${day} onInput=${(e) => setDay(e.target.value)} /></label>
      <label>${w('time')}<input type="time" step="900" value=${time} onInput=${(e) => setTime(e.target.value)} /></label>
      <button onClick=${manual}>OK</button></div></details>
  </div>`;
}

function BookForm({ account, reps }) {
  const contacts = useApi(`/api/contacts?account_id=${account.id}&per_page=100`).data?.items || [];
  const [minutes, setMinutes] = useState(account.segment === 'A' ? 60 : account.segment === 'B' ? 45 : 30);
  const [slot, setSlot] = useState(null);
  const [contactId, setContactId] = useState('');
  const [purpose, setPurpose] = useState('');
  const [version, setVersion] = useState(0);
  const [sending, setSending] = useState(false);
  const rep = reps.find((r) => r.id === account.owner_id);
  async function book() {
    setSending(true);
    try {
      await post('/api/appointments', { rep_id: account.owner_id, account_id: account.id, contact_id: contactId || null,
        start: slot.start, end: slot.end, purpose: purpose || null });
      toast(w('booked'));
      setSlot(null); setPurpose(''); setVersion(version + 1);
    } catch (e) {
      toast(e.status === 409 ? w('overlap') : problemText(e), 'error');
    } finally { setSending(false); }
  }
  return html`<div class="book-grid">
    <div>
      <div class="card"><h1><${Badge} segment=${account.segment} /> ${account.name}</h1>
        <p class="muted">${account.address || ''} ${account.postcode || ''} ${account.city || ''} · ${account.phone || ''}</p>
        <p>${w('owner')}${colon()}<strong>${rep?.name || account.owner_id}</strong></p></div>
      <div class="card"><${Slots} repId=${account.owner_id} accountId=${account.id} minutes=${minutes} chosen=${slot}
        onChoose=${setSlot} version=${version} />
      <div class="row">
        <label>${w('duration')}<input type="number" min="15" max="240" step="15" value=${minutes}
          onInput=${(e) => setMinutes(Number(e.target.value) || 30)} /></label>
        <label>${w('contact')}<select data-testid="book-contact" value=${contactId} onChange=${(e) => setContactId(e.target.value)}>
          <option value="">–</option>${contacts.filter((c) => !c.left_at).map((c) => html`<option value=${c.id}>${c.name}${c.phone ? ` · ${c.phone}` : ''}</option>`)}
        </select></label></div>
      <label>${w('purpose')}<input data-testid="book-purpose" value=${purpose} onInput=${(e) => setPurpose(e.target.value)} /></label>
      <p>${w('chosenSlot')}${colon()}<strong>${slot ? `${fmtDateTime(slot.start)}–${fmtTime(slot.end)}` : '–'}</strong></p>
      <button class="primary" data-testid="book-submit" disabled=${!slot || sending} onClick=${book}>${w('confirmBooking')}</button></div>
    </div>
    <div class="card"><${Week} repId=${account.owner_id} repName=${rep?.name} version=${version} /></div>
  </div>`;
}

export function Booking({ accountId }) {
  const account = useApi(accountId ? `/api/accounts/${accountId}` : null);
  const reps = useApi('/api/reps').data || [];
  return html`<section>
    <div class="card"><${Search} /></div>
    ${!accountId && html`<p class="muted">${w('chooseAccount')}</p>`}
    ${account.error && html`<p class="error">${problemText(account.error)} <button onClick=${() => go('/desk/book')}>${w('close')}</button></p>`}
    ${account.data && html`<${BookForm} key=${account.data.id} account=${account.data} reps=${reps} />`}
  </section>`;
}
