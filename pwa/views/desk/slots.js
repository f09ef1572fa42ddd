// Choosing a time for one of the rep's visits: the slots that add the least driving (GET
// /api/reps/{rep}/slots, each day's line saying why) or one typed ("Autre créneau"), the rep's days
// off in words (GET /api/users/{id}/days-off), and whether the rep can reach the time chosen (GET
// /api/reps/{id}/reach). Shared by booking a visit (booking.js) and moving one (appointment.js).
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, addDays } from '../../lib/ui.js';
import { fmtDate, fmtTime, lang } from '../../lib/lang.js';
import { useApi, problemText } from './fetch.js';
import { w } from './words.js';

// A day off in the desk's words: the holiday's name in the language on screen, or why.
export const offText = (off) => (off.kind === 'holiday' ? w('dayOff.holiday', { name: off.names?.[lang.value] || off.name })
  : w(`dayOff.${off.kind}`));
export const daysOffPath = (repId, from, to) => `/api/users/${repId}/days-off?from=${from}&to=${to}`;
// How far after a day off its next worked day is looked for (a long leave ends within it, mostly).
export const NEXT_WITHIN = 31;
// The first day after `day` absent from `offs` (the server's days off from `day` on), or null.
export const nextWorked = (day, offs) => {
  const off = new Set(offs.map((o) => o.date));
  for (let n = 1; n <= NEXT_WITHIN; n += 1) if (!off.has(addDays(day, n))) return addDays(day, n);
  return null;
};

// The first Monday–Friday after `day`: the day "Autre créneau" opens on until the rep's days off are
// read (a Saturday's or Friday's tomorrow is not a day to offer).
export const nextWeekday = (day) => {
  let next = addDays(day, 1);
  while ([0, 6].includes(new Date(`${next}T12:00:00`).getDay())) next = addDays(next, 1);
  return next;
};

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
export const endOf = (start, minutes) => {
  const end = new Date(new Date(start).getTime() + minutes * 60000);
  return start.length === 19 ? localIso(end) : end.toISOString();
};

// `slots`: GET /api/reps/{id}/slots's answer (useApi); `otherDay`: the day "Autre créneau" opens on
// (the rep's next worked day) until one is typed.
export function Slots({ slots: { data, error }, chosen, onChoose, dayOff, nextDay, otherDay }) {
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

// Whether the server would refuse the time `r` (useReach's answer) is booked at: outside the day's
// working hours, or over another of the rep's appointments (409): "Réserver" / "Déplacer ici" wait.
export const refusedAt = (r) => r?.within_hours === false || !!r?.overlap;

// Why the rep would be late, in the desk's words: at this visit, at the next appointment, home
// after the day's end; and a day left without its lunch break. A time refused says only why.
export function reachText(r) {
  if (r.within_hours === false) return w('reach.hours', { start: r.hours[0], end: r.hours[1] }); // refused if booked
  if (r.overlap) return w('reach.overlap', { name: r.overlap.name, start: fmtTime(r.overlap.start), end: fmtTime(r.overlap.end) });
  const late = r.late_min > 0 && w(r.from ? 'reach.from' : 'reach.home', { name: r.from?.name, t: fmtTime(r.arrive), n: r.late_min });
  const next = r.next?.late_min > 0 && w('reach.next', { name: r.next.name, t: fmtTime(r.next.start), n: r.next.late_min });
  const end = r.day_end && w('reach.dayEnd', { t: fmtTime(r.day_end.back), n: r.day_end.over_min, end: fmtTime(r.day_end.end) });
  return [late, next, end, r.lunch === false && w('reach.lunch'), w('reach.anyway')].filter(Boolean).join(' ');
}

/** The day typed by hand in `slot` (`{start, manual}`), checked against the rep's days off from it on:
 * `{dayOff, nextDay, checking}`: the server's day off it falls on (or null), the next worked day
 * after it, and whether the days off are still being read (nothing to book until they are). */
export function useTypedDay(repId, slot) {
  const typed = slot?.manual ? slot.start.slice(0, 10) : null;
  const offs = useApi(typed ? daysOffPath(repId, typed, addDays(typed, NEXT_WITHIN)) : null);
  const dayOff = typed && !offs.loading ? offs.data?.items?.find((o) => o.date === typed) : null;
  return { dayOff, nextDay: dayOff ? nextWorked(typed, offs.data.items) : null, checking: !!typed && offs.loading };
}

/** GET /api/reps/{repId}/reach for a visit of `minutes` at `accountId` from `slot.start`, or null
 * (no slot, or `skip`: a day off is refused whatever the time). `moving`: the id of the
 * appointment being moved, left out of its day. */
export function useReach({ repId, accountId, slot, minutes, skip, moving }) {
  const at = slot && !skip && `account_id=${accountId}&start=${encodeURIComponent(slot.start)}`
    + `&end=${encodeURIComponent(endOf(slot.start, minutes))}${moving ? `&moving=${moving}` : ''}`;
  return useApi(at ? `/api/reps/${repId}/reach?${at}` : null).data;
}

/** The reach warning of `reach` (useReach's answer), or nothing when the rep is in time. */
export const ReachNotice = ({ reach, testid }) => reach && (!reach.reachable || reach.lunch === false)
  && html`<p class="notice warn" role="status" data-testid=${testid}>${reachText(reach)}</p>`;
