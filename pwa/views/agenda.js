// The week ahead: appointments booked for the rep and follow-up tasks, day by day.
import { html, useLive, isoDay, addDays } from '../lib/ui.js';
import { t, fmtDate, fmtTime } from '../lib/i18n.js';
import { appointmentsBetween, allOf, accountsByIds } from '../lib/db.js';
import { completeTask } from '../lib/outbox.js';

export function Agenda({ day = isoDay() }) {
  const d = new Date(`${day}T12:00:00`);
  const monday = addDays(day, -((d.getDay() + 6) % 7));
  const days = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i));
  const data = useLive(async () => {
    const from = new Date(`${monday}T00:00:00`).toISOString();
    const to = new Date(`${addDays(monday, 7)}T00:00:00`).toISOString();
    const appts = (await appointmentsBetween(from, to)).filter((a) => a.status !== 'cancelled');
    const tasks = (await allOf('task')).filter((x) => x.due_at && x.status === 'open' && x.due_at < to);
    const accounts = await accountsByIds([...appts, ...tasks].map((x) => x.account_id || ''));
    const names = new Map(accounts.filter(Boolean).map((a) => [a.id, a.name]));
    return { appts, tasks, names };
  }, [monday], null);
  if (!data) return html`<p class="muted">…</p>`;
  const onDay = (x, at) => isoDay(new Date(at)) === x;
  return html`
    <section class="agenda">
      <div class="weekdays">
        <a href=${`#/agenda/${addDays(monday, -7)}`}>‹</a>
        <strong>${t('week')} ${fmtDate(monday, { day: 'numeric', month: 'long' })}</strong>
        <a href=${`#/agenda/${addDays(monday, 7)}`}>›</a>
      </div>
      <div class="week">${days.map((x) => {
        const appts = data.appts.filter((a) => onDay(x, a.start)).sort((a, b) => (a.start < b.start ? -1 : 1));
        const tasks = data.tasks.filter((k) => onDay(x, k.due_at) || (x === isoDay() && k.due_at < x));
        return html`<div class=${`day card ${x === isoDay() ? 'today' : ''}`}>
          <h2><a href=${`#/tour/${x}`}>${fmtDate(x)}</a></h2>
          ${!appts.length && !tasks.length && html`<p class="muted">${t('noAppointments')}</p>`}
          ${appts.map((a) => html`<a class="appt" href=${`#/account/${a.account_id}`}>
            <b>${fmtTime(a.start)}–${fmtTime(a.end)}</b> ${data.names.get(a.account_id) || ''}<small>${a.purpose || ''}</small></a>`)}
          ${tasks.map((k) => html`<div class="task">• ${k.title} <small>${data.names.get(k.account_id) || ''}</small>
            <button class="small" onClick=${() => completeTask(k.id)}>✓</button></div>`)}
        </div>`;
      })}</div>
    </section>`;
}
