// Telemarketer: book a visit for the rep who owns the account. Search the account,
// see the rep's planned week, pick one of the slots that add the least driving
// (GET /api/reps/{rep}/slots, each day's line saying why) or type another ("Autre
// créneau": chosen as typed), name the contact and the purpose, book from the bar that
// stays at the bottom of the screen however long the form. The days the rep does not work
// (a public holiday, an absence) are marked as the server names them (GET /api/users/{id}/days-off).
// A day typed by hand that the rep does not work is said so, with its reason, before booking: the
// server refuses such a booking (409, API.md → Tours and appointments), so "Réserver" waits and the
// next worked day is offered instead. Any other refusal says the server's reason. A chosen time the
// rep cannot reach from the day's appointment before it (or from home at the day's start), or that
// would make the rep late for the next, or home after the day's end, or leave no room for lunch,
// is said before booking (GET /api/reps/{id}/reach): a warning, booking stays possible. A time
// outside the rep's hours or over another of its appointments is refused: "Réserver" waits.
// An appointment of the week still to come opens its panel (appointment.js: cancel, move) for the
// roles that may change it. An account that already has a booked appointment to come says so, with
// its move at hand, and a second booking needs its own confirmation (a customer may have two).
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, Badge, go, toast, isoDay, addDays, user } from '../../lib/ui.js';
import { fmtDate, fmtTime, fmtDateTime, colon } from '../../lib/lang.js';
import { useApi, post, problemText } from './fetch.js';
import { w, count } from './words.js';
import { Slots, ReachNotice, refusedAt, useTypedDay, useReach, offText, daysOffPath, nextWorked, nextWeekday, endOf, NEXT_WITHIN } from './slots.js';
import { AppointmentPanel, mayChange } from './appointment.js';

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

const stopText = (s) => html`<b>${fmtTime(s.booked_start || s.arrive)}</b> <${Badge} segment=${s.segment} />
  <span class="stop-name">${s.name}</span>`;
// A booked appointment still to come opens (a done one, a past one cannot move).
const opens = (s, onOpen) => onOpen && s.kind === 'appointment' && s.appointment_id && !s.done
  && new Date(s.booked_start || s.arrive) > new Date();

// The week of `day` (the day the agent books for), or one before or after it by the arrows: not
// before the current week, whose past days can take no booking.
// An appointment of the week opens its panel (cancel, move) for whoever may change it (`onOpen`).
function Week({ repId, repName, version, day: first, onOpen }) {
  const [shift, setShift] = useState(0);
  const { data } = useApi(first ? `/api/tours/${repId}/week/${addDays(first, 7 * shift)}?v=${version}` : null);
  const off = useApi(data ? daysOffPath(repId, data.week_start, addDays(data.week_start, 6)) : null).data?.items || [];
  if (!data) return html`<p class="muted">${w('loading')}</p>`;
  const thisMonday = addDays(isoDay(), -((new Date(`${isoDay()}T12:00:00`).getDay() + 6) % 7));
  // The week lists worked days only: a weekday off (holiday, absence) takes its place as such.
  const days = [...(data.days || []), ...off.filter((o) => o.kind !== 'weekly').map((o) => ({ date: o.date, off: o }))]
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  return html`<div class="rep-week">
    <div class="week-nav"><button data-testid="booking-week-prev" aria-label=${w('prevWeek')} title=${w('prevWeek')}
      disabled=${data.week_start <= thisMonday} onClick=${() => setShift(shift - 1)}>‹</button>
    <h2 data-testid="booking-week">${w('repWeek', { name: repName || '' })} · ${w('weekOf', { d: fmtDate(data.week_start, { day: 'numeric', month: 'long' }) })}</h2>
    <button data-testid="booking-week-next" aria-label=${w('nextWeek')} title=${w('nextWeek')} onClick=${() => setShift(shift + 1)}>›</button></div>
    <div class="week-cols">${days.map((day) => html`<div class=${day.off ? 'week-day off' : 'week-day'}>
      <h3 data-testid="week-day"><span class="day-long">${fmtDate(day.date, { weekday: 'long' })}</span><span class="day-short">${
        fmtDate(day.date, { weekday: 'short' })}</span> <span class="day-date">${fmtDate(day.date, { day: 'numeric', month: 'short' })}</span></h3>
      ${day.off && html`<p class="muted" data-testid="week-day-off">${offText(day.off)}</p>`}
      ${(day.stops || []).map((s) => (opens(s, onOpen) ? html`<button class=${`week-stop ${s.kind} opens`} data-testid="week-appt"
        data-account-id=${s.account_id} data-appointment-id=${s.appointment_id} title=${`${s.name} · ${w('appt.open')}`}
        onClick=${() => onOpen(s.appointment_id)}>${stopText(s)}</button>`
        : html`<div class=${`week-stop ${s.kind}`} data-testid=${s.kind === 'appointment' ? 'week-appt' : 'week-stop'}
        data-account-id=${s.account_id} title=${s.name}>${stopText(s)}</div>`))}
    </div>`)}</div></div>`;
}

// The account's booked appointments still to come (GET /api/appointments): a second booking for it
// is said before "Réserver" and needs its own confirmation (a customer may have two, rarely).
function useBookedAhead(accountId, version) {
  const [now] = useState(() => new Date().toISOString()); // one instant: a new path each render would fetch for ever
  const path = `/api/appointments?account_id=${accountId}&start_from=${encodeURIComponent(now)}&per_page=20`;
  return (useApi(path, version).data?.items || []).filter((a) => a.status === 'booked');
}

function BookForm({ account, reps }) {
  const contacts = useApi(`/api/contacts?account_id=${account.id}&per_page=100`).data?.items || [];
  const [minutes, setMinutes] = useState(account.segment === 'A' ? 60 : account.segment === 'B' ? 45 : 30);
  const [slot, setSlot] = useState(null);
  const [contactId, setContactId] = useState('');
  const [purpose, setPurpose] = useState('');
  const [version, setVersion] = useState(0);
  const [sending, setSending] = useState(false);
  const [second, setSecond] = useState(false); // "Réserver" pressed while the account has a booking: confirm
  const [opened, setOpened] = useState(null); // {id, move}: the appointment whose panel is open
  const rep = reps.find((r) => r.id === account.owner_id);
  const today = isoDay();
  const slots = useApi(`/api/reps/${account.owner_id}/slots?account_id=${account.id}&from=${today}&to=${addDays(today, 14)}&duration=${minutes}&limit=40&v=${version}`);
  const ahead = useBookedAhead(account.id, version);
  // The rep's days off from today on: the day booked for is today if the rep works it and a slot of it
  // remains, else the next worked day (the week shown is that day's; "Autre créneau" opens on it).
  const offAhead = useApi(daysOffPath(account.owner_id, today, addDays(today, NEXT_WITHIN))).data?.items;
  const next = offAhead && nextWorked(today, offAhead);
  const todayOpen = offAhead && !offAhead.some((o) => o.date === today) && slots.data?.some((s) => s.start.slice(0, 10) === today);
  const bookingDay = offAhead && (slots.data || slots.error) ? (todayOpen ? today : next || today) : null;
  // A day typed by hand that the rep does not work: nothing to book until another is chosen.
  const { dayOff, nextDay, checking } = useTypedDay(account.owner_id, slot);
  const reach = useReach({ repId: account.owner_id, accountId: account.id, slot, minutes, skip: checking || dayOff });
  async function book() {
    setSending(true);
    try {
      await post('/api/appointments', { rep_id: account.owner_id, account_id: account.id, contact_id: contactId || null,
        start: slot.start, end: endOf(slot.start, minutes), purpose: purpose || null });
      toast(w('booked'));
      setSlot(null); setPurpose(''); setSecond(false); setVersion(version + 1);
    } catch (e) {
      toast(problemText(e, { start: null }), 'error'); // the server's reason: taken, a holiday, outside the hours…
    } finally { setSending(false); }
  }
  const submit = () => (ahead.length && !second ? setSecond(true) : book());
  const choose = (s) => { setSlot(s); setSecond(false); };
  // Another duration, other proposals: a proposed slot is chosen again; a typed one keeps its start.
  const setDuration = (n) => { setMinutes(n); if (slot && !slot.manual) setSlot(null); };
  const changed = () => { setOpened(null); setVersion(version + 1); };
  const first = ahead[0];
  return html`<div class="book-grid">
    <div>
      <div class="card"><h1><${Badge} segment=${account.segment} /> ${account.name}</h1>
        <p class="muted">${account.address || ''} ${account.postcode || ''} ${account.city || ''} · ${account.phone || ''}</p>
        <p>${w('rep')}${colon()}<strong>${rep?.name || account.owner_id}</strong></p>
        ${first && html`<p class="notice warn" role="status" data-testid="book-existing">${
          w('appt.already', { d: fmtDate(first.start), t: fmtTime(first.start) })}${ahead.length > 1 ? ` ${count('appt.andMore', ahead.length - 1)}` : ''}${
          mayChange(user.value) && html` <button data-testid="book-existing-move" onClick=${() => setOpened({ id: first.id, move: true })}>${w('appt.moveIt')}</button>`}</p>`}</div>
      <div class="card"><${Slots} slots=${slots} chosen=${slot} otherDay=${next || nextWeekday(today)}
        onChoose=${choose} dayOff=${dayOff} nextDay=${nextDay} />
      <div class="row">
        <label>${w('duration')}<input data-testid="book-duration" type="number" min="15" max="240" step="15" value=${minutes}
          onInput=${(e) => setDuration(Number(e.target.value) || 30)} /></label>
        <label>${w('contact')}<select data-testid="book-contact" value=${contactId} onChange=${(e) => setContactId(e.target.value)}>
          <option value="">–</option>${contacts.filter((c) => !c.left_at).map((c) => html`<option value=${c.id}>${c.name}${c.phone ? ` · ${c.phone}` : ''}</option>`)}
        </select></label></div>
      <label>${w('purpose')}<input data-testid="book-purpose" value=${purpose} onInput=${(e) => setPurpose(e.target.value)} /></label>
      <div class="book-actions"><p>${w('chosenSlot')}${colon()}<strong data-testid="book-chosen">${slot ? `${fmtDateTime(slot.start)}–${fmtTime(endOf(slot.start, minutes))}` : '–'}</strong></p>
      ${dayOff && html`<p class="notice warn" data-testid="book-blocked">${w('dayOffBlocked', { why: offText(dayOff) })}</p>`}
      ${second && slot && html`<p class="notice warn" role="alert" data-testid="book-second">${w('appt.second')}
        <button data-testid="book-second-cancel" onClick=${() => setSecond(false)}>${w('appt.keepOne')}</button></p>`}
      <button class="primary" data-testid="book-submit" disabled=${!slot || sending || checking || !!dayOff || refusedAt(reach)} onClick=${submit}>${
        w(second ? 'appt.bookSecond' : 'confirmBooking')}</button>
      ${slot && !dayOff && html`<${ReachNotice} reach=${reach} testid="book-reach" />`}</div></div>
    </div>
    <div class="card"><${Week} repId=${account.owner_id} repName=${rep?.name} version=${version} day=${bookingDay}
      onOpen=${mayChange(user.value) ? (id) => setOpened({ id, move: false }) : null} /></div>
    ${opened && html`<${AppointmentPanel} key=${opened.id} id=${opened.id} moving=${opened.move}
      onClose=${() => setOpened(null)} onChanged=${changed} />`}
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
