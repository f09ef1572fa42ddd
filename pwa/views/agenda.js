// The week ahead, day by day: appointments, follow-up tasks and days not worked (offline too).
import { html, isoDay, addDays, user } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, lang, fmtDate, fmtTime, taskTitle } from '../lib/i18n.js';
import { useState } from '../vendor/preact-hooks.mjs';
import { appointmentsBetween, allOf, accountsByIds } from '../lib/db.js';
import { offOn, useCalendar } from '../lib/days-off.js';
import { completeTask, declareAbsence } from '../lib/outbox.js';
import { AppointmentForm } from './appointment-form.js';

const REASONS = ['leave', 'training', 'sick', 'other'];

/** Declare an absence, offline too. `day` (YYYY-MM-DD): From and To when it opens. */
function AbsenceForm({ day }) {
  const [open, setOpen] = useState(false);
  const [first, setFirst] = useState(day);
  const [last, setLast] = useState(day);
  const [reason, setReason] = useState('leave');
  if (!open) return html`<button data-testid="absence-open" onClick=${() => { setFirst(day); setLast(day); setOpen(true); }}>${t('absence.declare')}</button>`;
  const save = async (e) => {
    e.preventDefault();
    await declareAbsence({ first_day: first, last_day: last < first ? first : last, reason });
    setOpen(false);
  };
  return html`<form class="card absence-form" onSubmit=${save}>
    <label>${t('absence.from')}<input type="date" required data-testid="absence-from" value=${first} onInput=${(e) => setFirst(e.target.value)} /></label>
    <label>${t('absence.to')}<input type="date" required data-testid="absence-to" value=${last} min=${first} onInput=${(e) => setLast(e.target.value)} /></label>
    <label>${t('absence.reason')}<select data-testid="absence-reason" value=${reason} onChange=${(e) => setReason(e.target.value)}>
      ${REASONS.map((r) => html`<option value=${r}>${t(`absence.${r}`)}</option>`)}</select></label>
    <button type="submit" data-testid="absence-save">${t('save')}</button>
    <button type="button" onClick=${() => setOpen(false)}>${t('cancel')}</button>
  </form>`;
}

// The first worked day from `from` (beyond next week, a day counts as worked).
function firstWorked(from, calendar) {
  for (let n = 0; n < 14; n += 1) {
    const day = addDays(from, n);
    if (!offOn(calendar, day)) return day;
  }
  return from;
}

// This week (on a weekend too), today's card holding the late tasks; › the next.
export function Agenda({ day: asked }) {
  const day = asked || isoDay();
  const d = new Date(`${day}T12:00:00`);
  const monday = addDays(day, -((d.getDay() + 6) % 7));
  const days = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i));
  const me = user.value?.id;
  const calendar = useCalendar(me, monday, addDays(monday, 13));
  const [editing, setEditing] = useState(null); // the id of the appointment whose form is open
  const data = useLive(async () => {
    const from = new Date(`${monday}T00:00:00`).toISOString();
    const to = new Date(`${addDays(monday, 7)}T00:00:00`).toISOString();
    const appts = (await appointmentsBetween(from, to)).filter((a) => a.status !== 'cancelled');
    const tasks = (await allOf('task')).filter((x) => x.due_at && x.status === 'open' && x.due_at < to);
    const accounts = await accountsByIds([...appts, ...tasks].map((x) => x.account_id || ''));
    const names = new Map(accounts.filter(Boolean).map((a) => [a.id, a.name]));
    const absences = (await allOf('absence')).filter((a) => a.last_day >= monday && a.first_day < addDays(monday, 7));
    return { appts, tasks, names, absences };
  }, [monday], null);
  if (!data) return html`<p class="muted">…</p>`;
  const today = isoDay();
  const onDay = (x, at) => isoDay(new Date(at)) === x;
  // A late task goes on today's card when this week holds today.
  const late = (k) => days.includes(today) && isoDay(new Date(k.due_at)) < today;
  return html`
    <section class="agenda">
      <div class="weekdays">
        <a href=${`#/agenda/${addDays(monday, -7)}`}>‹</a>
        <strong>${t('week')} ${fmtDate(monday, { day: 'numeric', month: 'long' })}</strong>
        <a href=${`#/agenda/${addDays(monday, 7)}`} data-testid="next-week">›</a>
      </div>
      <${AbsenceForm} day=${firstWorked(today > monday ? today : monday, calendar)} />
      <div class="week">${days.map((x) => {
        const appts = data.appts.filter((a) => onDay(x, a.start)).sort((a, b) => (a.start < b.start ? -1 : 1));
        const tasks = data.tasks.filter((k) => (late(k) ? x === today : onDay(x, k.due_at)));
        const away = data.absences.find((a) => a.first_day <= x && x <= a.last_day);
        const off = offOn(calendar, x);
        return html`<div class=${`day card ${x === today ? 'today' : ''}`}>
          <h2><a href=${`#/tour/${x}`}>${fmtDate(x)}</a></h2>
          ${off?.kind === 'holiday' && html`<p class="notice" data-testid="holiday-day">${off.names?.[lang.value] || off.name} · ${t('publicHoliday')}</p>`}
          ${away && html`<p class="notice" data-testid="absence-day">${t(`absence.${away.reason}`)}</p>`}
          ${(off?.kind === 'weekly' || (!appts.length && !tasks.length)) && html`<p class="muted">${t(off ? 'dayOff' : 'noAppointments')}</p>`}
          ${away && appts.some((a) => a.status === 'booked') && html`<p class="notice warn" data-testid="absence-clash">${t('absence.clash')}</p>`}
          ${appts.map((a) => html`<div class=${`appt ${away && a.status === 'booked' ? 'clash' : ''}`} data-appointment-id=${a.id}
              data-testid=${away && a.status === 'booked' ? 'clashing-appointment' : 'appointment'}>
            <button type="button" class="appt-open" onClick=${() => setEditing(editing === a.id ? null : a.id)}>
              <b>${fmtTime(a.start)}–${fmtTime(a.end)}</b> ${data.names.get(a.account_id) || ''}<small>${a.purpose || ''}</small>
              ${a.status === 'done' && html`<span class="tag" data-testid="appointment-done">✓ ${t('appointment.done')}</span>`}
              ${away && a.status === 'booked' && html`<span class="button small">${t('absence.move')}</span>`}</button>
            ${editing === a.id && html`<${AppointmentForm} appt=${a} onClose=${() => setEditing(null)} />`}</div>`)}
          ${tasks.map((k) => html`<div class="task" data-testid="agenda-task">• ${taskTitle(k)} <small>${data.names.get(k.account_id) || ''}</small>
            <button class="small" onClick=${() => completeTask(k.id)}>✓</button></div>`)}
        </div>`;
      })}</div>
    </section>`;
}
