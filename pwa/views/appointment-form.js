// Move or cancel one of the rep's appointments from the agenda, offline too (lib/outbox.js).
import { html, isoDay } from '../lib/ui.js';
import { t, word, lang, fmtDate } from '../lib/i18n.js';
import { useState } from '../vendor/preact-hooks.mjs';
import { changeAppointment } from '../lib/outbox.js';
import { dayOff } from '../lib/days-off.js';

// "HH:MM" of an ISO date-time, on the tablet's clock (the rep's own time zone).
const hhmm = (iso) => new Date(iso).toTimeString().slice(0, 5);
const utc = (date) => date.toISOString().replace('.000Z', 'Z');

// Why a day is off, in words: the holiday's name, the absence's reason, or the weekly hours.
const why = (off) => (off.kind === 'holiday' ? off.names?.[lang.value] || off.name
  : off.kind === 'absence' ? word('absence', off.name) : t('appt.weekly'));

/** The form of appointment `appt` ({id, start, end, account_id}); `onClose()` once saved or left.
 * A move keeps the length. A day the tablet knows the rep does not work (lib/days-off.js) is
 * refused here, nothing queued; the server still checks (a day off declared since, an overlap):
 * Synchro lists its refusals. A done appointment offers only its account. */
export function AppointmentForm({ appt, onClose }) {
  const [day, setDay] = useState(isoDay(new Date(appt.start)));
  const [time, setTime] = useState(hhmm(appt.start));
  const [refused, setRefused] = useState('');
  const move = async (e) => {
    e.preventDefault();
    const off = await dayOff(day);
    if (off) { setRefused(t('appt.dayOff', { d: fmtDate(day), why: why(off) })); return; }
    const start = new Date(`${day}T${time}:00`);
    const end = new Date(start.getTime() + (new Date(appt.end) - new Date(appt.start)));
    await changeAppointment(appt.id, { start: utc(start), end: utc(end) });
    onClose();
  };
  const cancel = async () => {
    if (!confirm(t('appt.confirmCancel'))) return;
    await changeAppointment(appt.id, { status: 'cancelled' });
    onClose();
  };
  // A done visit stays where it was logged: no move, no cancel (the server refuses them too).
  const live = appt.status === 'booked';
  return html`<form class="appt-form" data-testid="appointment-form" onSubmit=${move}>
    ${live && html`<label>${t('appt.day')}<input type="date" required data-testid="appointment-day" value=${day} onInput=${(e) => { setDay(e.target.value); setRefused(''); }} /></label>
    <label>${t('appt.time')}<input type="time" required data-testid="appointment-time" value=${time} onInput=${(e) => setTime(e.target.value)} /></label>
    ${refused && html`<p class="error" role="alert" data-testid="appointment-refused">${refused}</p>`}
    <button type="submit" class="primary" data-testid="appointment-move">${t('absence.move')}</button>
    <button type="button" class="danger" data-testid="appointment-cancel" onClick=${cancel}>${t('appt.cancel')}</button>`}
    <a class="button" href=${`#/account/${appt.account_id}`}>${t('appt.account')}</a>
    <button type="button" onClick=${onClose}>${t('back')}</button>
  </form>`;
}
