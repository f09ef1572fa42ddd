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
// is said before booking (GET /api/reps/{id}/reach): a warning, booking stays possible.
import { useState, useEffect } from '../../vendor/preact-hooks.mjs';
import { html, Badge, go, toast, isoDay, addDays } from '../../lib/ui.js';
import { fmtDate, fmtTime, fmtDateTime, colon, lang } from '../../lib/lang.js';
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

// A day off in the desk's words: the holiday's name in the language on screen, or why.
const offText = (off) => (off.kind === 'holiday' ? w('dayOff.holiday', { name: off.names?.[lang.value] || off.name })
  : w(`dayOff.${off.kind}`));
const daysOffPath = (repId, from, to) => `/api/users/${repId}/days-off?from=${from}&to=${to}`;
// How far after a day off its next worked day is looked for (a long leave ends within it, mostly).
const NEXT_WITHIN = 31;
// The first day after `day` absent from `offs` (the server's days off from `day` on), or null.
const nextWorked = (day, offs) => {
  const off = new Set(offs.map((o) => o.date));
  for (let n = 1; n <= NEXT_WITHIN; n += 1) if (!off.has(addDays(day, n))) return addDays(day, n);
  return null;
};

// The first Monday–Friday after `day`: the day "Autre créneau" opens on until the rep's days off are
// read (a Saturday's or Friday's tomorrow is not a day to offer).
const nextWeekday = (day) => {
  let next = addDays(day, 1);
  while ([0, 6].includes(new Date(`${next}T12:00:00`).getDay())) next = addDays(next, 1);
  return next;
};

// The week of `day` (the day the agent books for), or one before or after it by the arrows: not
// before the current week, whose past days can take no booking.
function Week({ repId, repName, version, day: first }) {
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
      ${(day.stops || []).map((s) => html`<div class=${`week-stop ${s.kind}`} data-testid=${s.kind === 'appointment' ? 'week-appt' : 'week-stop'}
        data-account-id=${s.account_id} title=${s.name}><b>${fmtTime(s.booked_start || s.arrive)}</b> <${Badge} segment=${s.segment} />
        <span class="stop-name">${s.name}</span></div>`)}
    </div>`)}</div></div>`;
}

// Slots come best first (server/tours/slots.py): the fewest whole minutes of added driving,
// then the earliest. One line per day, in the order of its best slot: the day, why (that slot's
// driving), its best times in the day's order; a time with more driving than the best says so.
function groups(slots) {
  const days = new Map();
  for (const s of slots) {
    const day = s.start.slice(0, 10);
    if (!days.has(day)) days.set(day, { day, added: s.added_drive_min, slots: [] });
    days.get(day).slots.push(s);
  }
  return [...days.values()].slice(0, 5)
    .map((g) => ({ ...g, slots: g.slots.slice(0, 6).sort((a, b) => new Date(a.start) - new Date(b.start)) }));
}
const why = (added) => (added === 0 ? w('onTheWay') : w('addedDrive', { n: added }));
// A date-time without offset: the rep's own time on the server (API.md → Tours and appointments).
const localIso = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
const endOf = (start, minutes) => {
  const end = new Date(new Date(start).getTime() + minutes * 60000);
  return start.length === 19 ? localIso(end) : end.toISOString();
};

// `slots`: GET /api/reps/{id}/slots's answer (useApi); `otherDay`: the day "Autre créneau" opens on
// (the rep's next worked day) until one is typed.
function Slots({ slots: { data, error }, chosen, onChoose, dayOff, nextDay, otherDay }) {
  const [typed, setDay] = useState(null);
  const day = typed || otherDay;
  const [time, setTime] = useState('10:00');
  const manual = (d, hm) => d && hm && onChoose({ start: `${d}T${hm}:00`, manual: true });
  const placed = data?.[0] && data[0].reason !== 'no_location';
  return html`<div class="slots">
    <h2>${w('slots')}</h2>
    ${error && html`<p class="error">${problemText(error)}</p>`}
    ${data && !data.length && html`<p class="muted">${w('noSlots')}</p>`}
    ${data?.length > 0 && html`<p class="muted" data-testid="slots-order">${w(placed ? 'slotsOrder' : 'slotsByDate')}</p>`}
    <ol class="slot-groups">${groups(data || []).map((g) => html`<li data-testid="slot-group">
      <b>${fmtDate(g.day, { weekday: 'long', day: 'numeric', month: 'long' })}</b>
      ${placed && html`<span class=${g.added === 0 ? 'why way' : 'why'} data-testid="slot-why">${why(g.added)}</span>`}
      <div>${g.slots.map((s) => html`<button data-testid="slot" class=${chosen?.start === s.start ? 'slot on' : 'slot'}
        title=${placed ? why(s.added_drive_min) : null} onClick=${() => onChoose(s)}>${fmtTime(s.start)}${placed && s.added_drive_min > g.added
          && html` <small data-testid="slot-extra">${w('extraMin', { n: s.added_drive_min })}</small>`}</button>`)}</div></li>`)}</ol>
    <details data-testid="manual-slot" onToggle=${(e) => e.target.open && manual(day, time)}><summary>${w('manualSlot')}</summary>
      <p class="muted">${w('manualHint')}</p><div class="row">
      <label>${w('date')}<input type="date" data-testid="manual-date" value=${day} onInput=${(e) => { setDay(e.target.value); manual(e.target.value, time); }} /></label>
      <label>${w('time')}<input type="time" data-testid="manual-time" step="900" value=${time} onInput=${(e) => { setTime(e.target.value); manual(day, e.target.value); }} /></label>
      <button data-testid="manual-use" class=${chosen?.manual ? 'slot on' : 'slot'} onClick=${() => manual(day, time)}>${w('useSlot')}</button></div>
      ${dayOff && html`<p class="notice warn" role="status"><span data-testid="manual-day-off">${offText(dayOff)}</span>${
        nextDay && html` <button data-testid="manual-next-day" onClick=${() => { setDay(nextDay); manual(nextDay, time); }}>${
          w('nextWorkedDay', { d: fmtDate(nextDay, { weekday: 'long', day: 'numeric', month: 'long' }) })}</button>`}</p>`}</details>
  </div>`;
}

// Why the rep would be late, in the desk's words: at this visit, at the next appointment, home
// after the day's end; and a day left without its lunch break.
function reachText(r) {
  const late = r.late_min > 0 && w(r.from ? 'reach.from' : 'reach.home', { name: r.from?.name, t: fmtTime(r.arrive), n: r.late_min });
  const next = r.next?.late_min > 0 && w('reach.next', { name: r.next.name, t: fmtTime(r.next.start), n: r.next.late_min });
  const end = r.day_end && w('reach.dayEnd', { t: fmtTime(r.day_end.back), n: r.day_end.over_min, end: fmtTime(r.day_end.end) });
  return [late, next, end, r.lunch === false && w('reach.lunch'), w('reach.anyway')].filter(Boolean).join(' ');
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
  const today = isoDay();
  const slots = useApi(`/api/reps/${account.owner_id}/slots?account_id=${account.id}&from=${today}&to=${addDays(today, 14)}&duration=${minutes}&limit=40&v=${version}`);
  // The rep's days off from today on: the day booked for is today if the rep works it and a slot of it
  // remains, else the next worked day (the week shown is that day's; "Autre créneau" opens on it).
  const ahead = useApi(daysOffPath(account.owner_id, today, addDays(today, NEXT_WITHIN))).data?.items;
  const next = ahead && nextWorked(today, ahead);
  const todayOpen = ahead && !ahead.some((o) => o.date === today) && slots.data?.some((s) => s.start.slice(0, 10) === today);
  const bookingDay = ahead && (slots.data || slots.error) ? (todayOpen ? today : next || today) : null;
  // A day typed by hand: the server's days off from it on say whether the rep works it, and if
  // not, which day comes next. Until they are read, or while it is off, there is nothing to book.
  const typed = slot?.manual ? slot.start.slice(0, 10) : null;
  const offs = useApi(typed ? daysOffPath(account.owner_id, typed, addDays(typed, NEXT_WITHIN)) : null);
  const dayOff = typed && !offs.loading ? offs.data?.items?.find((o) => o.date === typed) : null;
  const nextDay = dayOff ? nextWorked(typed, offs.data.items) : null;
  const checking = typed && offs.loading;
  // Reach is asked for a day the rep works only: a day off is refused whatever the time.
  const at = slot && !checking && !dayOff
    && `account_id=${account.id}&start=${encodeURIComponent(slot.start)}&end=${encodeURIComponent(endOf(slot.start, minutes))}`;
  const reach = useApi(at ? `/api/reps/${account.owner_id}/reach?${at}` : null).data;
  async function book() {
    setSending(true);
    try {
      await post('/api/appointments', { rep_id: account.owner_id, account_id: account.id, contact_id: contactId || null,
        start: slot.start, end: endOf(slot.start, minutes), purpose: purpose || null });
      toast(w('booked'));
      setSlot(null); setPurpose(''); setVersion(version + 1);
    } catch (e) {
      toast(problemText(e, { start: null }), 'error'); // the server's reason: taken, a holiday, outside the hours…
    } finally { setSending(false); }
  }
  // Another duration, other proposals: a proposed slot is chosen again; a typed one keeps its start.
  const setDuration = (n) => { setMinutes(n); if (slot && !slot.manual) setSlot(null); };
  return html`<div class="book-grid">
    <div>
      <div class="card"><h1><${Badge} segment=${account.segment} /> ${account.name}</h1>
        <p class="muted">${account.address || ''} ${account.postcode || ''} ${account.city || ''} · ${account.phone || ''}</p>
        <p>${w('rep')}${colon()}<strong>${rep?.name || account.owner_id}</strong></p></div>
      <div class="card"><${Slots} slots=${slots} chosen=${slot} otherDay=${next || nextWeekday(today)}
        onChoose=${setSlot} dayOff=${dayOff} nextDay=${nextDay} />
      <div class="row">
        <label>${w('duration')}<input data-testid="book-duration" type="number" min="15" max="240" step="15" value=${minutes}
          onInput=${(e) => setDuration(Number(e.target.value) || 30)} /></label>
        <label>${w('contact')}<select data-testid="book-contact" value=${contactId} onChange=${(e) => setContactId(e.target.value)}>
          <option value="">–</option>${contacts.filter((c) => !c.left_at).map((c) => html`<option value=${c.id}>${c.name}${c.phone ? ` · ${c.phone}` : ''}</option>`)}
        </select></label></div>
      <label>${w('purpose')}<input data-testid="book-purpose" value=${purpose} onInput=${(e) => setPurpose(e.target.value)} /></label>
      <div class="book-actions"><p>${w('chosenSlot')}${colon()}<strong data-testid="book-chosen">${slot ? `${fmtDateTime(slot.start)}–${fmtTime(endOf(slot.start, minutes))}` : '–'}</strong></p>
      ${dayOff && html`<p class="notice warn" data-testid="book-blocked">${w('dayOffBlocked', { why: offText(dayOff) })}</p>`}
      <button class="primary" data-testid="book-submit" disabled=${!slot || sending || checking || !!dayOff} onClick=${book}>${w('confirmBooking')}</button>
      ${slot && !dayOff && reach && (!reach.reachable || reach.lunch === false) && html`<p class="notice warn" role="status" data-testid="book-reach">${reachText(reach)}</p>`}</div></div>
    </div>
    <div class="card"><${Week} repId=${account.owner_id} repName=${rep?.name} version=${version} day=${bookingDay} /></div>
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
