// Today's tour, its map and the week's other days. Drawn from IndexedDB (the plan fetched or
// pulled, refetched in the background); a day never stored falls back to the due accounts.
import { useEffect, useRef, useState } from '../vendor/preact-hooks.mjs';
import { html, user, online, isoDay, addDays } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, count, lang, fmtDate, fmtDateTime, fmtTime, colon } from '../lib/i18n.js';
import { api, ApiError } from '../lib/api.js';
import { tourPlanFor, tourPlansBetween, putTourPlans, accountsByIds, accountCount, dueAccounts, visitsBetween, stopSkips, rejectedAll } from '../lib/db.js';
import { offOn, useCalendar } from '../lib/days-off.js';
import { lastSync } from '../lib/sync-client.js';
import { me } from '../lib/user-lang.js';
import { TourMap } from './tour-map.js';
import { Stop, Leg, Milestone } from './tour-stop.js';

export { navigateUrl } from './tour-stop.js';

const mondayOf = (day) => addDays(day, -((new Date(`${day}T12:00:00`).getDay() + 6) % 7));
const stored = (rep, plan) => ({ id: `tour:${rep}:${plan.date}`, rep_id: rep, date: plan.date, plan, fetched_at: new Date().toISOString() });
const weeksFetched = new Set(); // once per page load: a week changes little

/** Fetch the day, then its week, as tour_plan records; a provisional day again every 5 s (12 times at most). */
function useFetchedTour(rep, day) {
  const [state, setState] = useState({ loading: false, error: null });
  const [again, setAgain] = useState(0);
  useEffect(() => setAgain(0), [rep, day]);
  useEffect(() => {
    if (!online.value || !rep || !day) return undefined;
    let live = true;
    let timer;
    setState({ loading: true, error: null });
    api(`/api/tours/${rep}/${day}`)
      .then((plan) => {
        if (plan.provisional && again < 12) timer = setTimeout(() => live && setAgain(again + 1), 5000);
        return putTourPlans([stored(rep, plan)]);
      })
      .then(() => live && setState({ loading: false, error: null }))
      .catch((e) => live && setState({ loading: false, error: e instanceof ApiError && e.status === 0 ? null : e }))
      .then(() => {
        const week = `${rep}:${mondayOf(day)}`;
        if (weeksFetched.has(week)) return null;
        weeksFetched.add(week);
        return api(`/api/tours/${rep}/week/${day}`).then((w) => putTourPlans(w.days.map((p) => stored(rep, p))))
          .catch(() => weeksFetched.delete(week));
      });
    return () => { live = false; clearTimeout(timer); };
  }, [rep, day, online.value, again]);
  return state;
}

const worked = (plan) => (plan ? plan.working_day ?? plan.working : undefined);
// A holiday's name in the language on screen (`names`); `name` for a plan kept before.
const holiday = (off) => (off?.kind === 'holiday' ? off.names?.[lang.value] || off.name || null : null);

/** The day opened when the route names none: today, or the next working day the server named
 * when today is not worked (API.md → Working days). */
function useShownDay(rep, asked) {
  const today = isoDay();
  const kept = useLive(() => (asked ? null : tourPlanFor(rep, today)), [rep, asked, today]);
  const ahead = useLive(() => (asked ? new Map() : tourPlansBetween(rep, addDays(today, 1), addDays(today, 7))), [rep, asked, today], new Map());
  const calendar = useCalendar();
  if (asked) return { day: asked, off: null };
  const plan = kept?.plan;
  if (plan && worked(plan) === false && plan.next_working_day) return { day: plan.next_working_day, off: plan };
  const known = plan ? undefined : offOn(calendar, today);
  if (known) { // today not stored, and not worked
    let next = addDays(today, 1);
    while (offOn(calendar, next)) next = addDays(next, 1);
    return { day: next, off: { day_off: known } };
  }
  const weekend = new Date(`${today}T12:00:00`).getDay() % 6 === 0;
  if (!plan && known === undefined && weekend) { // offline beyond the calendar: first stored working day
    const next = [...ahead.keys()].sort().find((x) => worked(ahead.get(x)?.plan) !== false);
    if (next) return { day: next, off: { day_off: { kind: 'weekly' } } };
  }
  return { day: today, off: null };
}

/** "Dimanche — voici votre tournée de lundi 30 novembre" (or the holiday's name, or the absence). */
function DayOffNotice({ off, day }) {
  const today = isoDay();
  const what = holiday(off.day_off) || (off.day_off?.kind === 'absence' ? t('absent')
    : fmtDate(today, { weekday: 'long' }).replace(/^./, (c) => c.toUpperCase()));
  return html`<p class="notice" role="status" data-testid="tour-day-off">${t('dayOffShowing', { off: what, day: fmtDate(day, { weekday: 'long', day: 'numeric', month: 'long' }) })}</p>`;
}

function WeekDays({ rep, day, calendar }) {
  const monday = mondayOf(day);
  const week = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i));
  const plans = useLive(() => tourPlansBetween(rep, addDays(monday, -7), addDays(monday, 13)), [rep, monday], new Map());
  // Days not worked (or weekend days the server said nothing about) are left out; the day on screen stays.
  const works = (x) => worked(plans.get(x)?.plan) ?? (offOn(calendar, x) === undefined
    ? new Date(`${x}T12:00:00`).getDay() % 6 !== 0 : !offOn(calendar, x));
  const days = week.filter((x) => x === day || works(x));
  const step = (n) => { // previous (-1) or next (1) working day, a week away at most
    let x = addDays(day, n);
    for (let i = 1; i < 7 && !works(x); i++) x = addDays(x, n);
    return `#/tour/${x}`;
  };
  // Short labels: a week fits between ‹ and › at 768 px.
  const row = useRef(null);
  useEffect(() => {
    const r = row.current;
    const active = r?.querySelector('.active');
    if (active && (active.offsetLeft < r.scrollLeft || active.offsetLeft + active.offsetWidth > r.scrollLeft + r.clientWidth)) {
      r.scrollLeft = active.offsetLeft - (r.clientWidth - active.offsetWidth) / 2;
    }
  }, [day, days.length]);
  const today = isoDay();
  return html`<nav class="weekdays" aria-label=${t('week')}>
    <a href=${step(-1)} class="step" data-testid="tour-prev" aria-label=${t('prevDay')}>‹</a>
    <div class="days" ref=${row}>${days.map((x) => {
      const n = plans.get(x)?.plan?.stops?.length;
      return html`<a href=${`#/tour/${x}`} class=${x === day ? 'active' : ''} data-testid="tour-day" data-day=${x}
        aria-current=${x === day ? 'page' : undefined} title=${fmtDate(x, { weekday: 'long', day: 'numeric', month: 'long' })}>
        ${x === today ? t('today') : fmtDate(x, { weekday: 'short', day: 'numeric' })}${n ? html`<small> · ${n}</small>` : ''}</a>`;
    })}</div>
    <a href=${step(1)} class="step" data-testid="tour-next" aria-label=${t('nextDay')}>›</a></nav>`;
}

/** Stops with the legs, lunch break, leaving and coming back between them. */
function Timeline({ plan, byId, day, rep, marks }) {
  const rows = [];
  // A plan kept before days off with appointments were timed leaves and comes back at midnight: no trip to show.
  const trip = plan.start?.at !== plan.end?.at;
  if (trip && plan.start?.at && plan.stops.length) rows.push(html`<${Milestone} key="leave" label=${t('leave')} at=${plan.start.at} />`);
  let lunch = plan.lunch;
  for (const s of plan.stops) {
    if (lunch && s.arrive >= lunch.start) { rows.push(html`<${Milestone} key="lunch" cls="lunch" label=${t('lunch')} at=${lunch.start} />`); lunch = null; }
    rows.push(html`<${Leg} key=${`leg${s.seq}`} min=${s.drive_min} km=${s.drive_km} />`);
    rows.push(html`<${Stop} key=${s.account_id + s.seq} stop=${s} account=${byId.get(s.account_id)} day=${day} rep=${rep} state=${marks(s)} />`);
  }
  if (lunch && plan.stops.length) rows.push(html`<${Milestone} key="lunch" cls="lunch" label=${t('lunch')} at=${lunch.start} />`);
  if (trip && plan.end?.at && plan.stops.length) rows.push(html`<${Milestone} key="back" label=${t('back')} at=${plan.end.at} />`);
  return html`<ol class="stops">${rows}</ol>`;
}

/** A new rep with no account: why the tour is empty, whom to ask. */
function NoAccounts() {
  const boss = me.value?.manager;
  return html`<div class="notice" role="status" data-testid="tour-no-accounts">
    <p>${t('noAccounts')}</p>
    <p>${boss ? t('noAccountsAsk', { name: boss.name }) : t('noAccountsAskAny')}</p>
    ${boss?.email && html`<a class="button" href=${`mailto:${boss.email}`}>${t('writeTo', { name: boss.name })}</a>`}
  </div>`;
}

const CLASH = 'booked during an absence: ';
const warning = (w) => (w.startsWith('cannot reach appointment') ? t('warn.reach') : t(`warn.${w}`));

/** The appointments booked on a day of absence, {id, name, start}: the server's `alerts`, or, for a
 * plan kept before them, the ids its `warnings` end with, named from the stops. */
function absenceClashes(plan) {
  if (plan?.alerts) return plan.alerts.filter((a) => a.code === 'absence_clash').map((a) => ({ id: a.appointment_id, name: a.name, start: a.start }));
  const stops = new Map((plan?.stops || []).map((s) => [s.appointment_id, s]));
  return (plan?.warnings || []).filter((w) => w.startsWith(CLASH)).map((w) => w.slice(CLASH.length))
    .map((id) => ({ id, name: stops.get(id)?.name, start: stops.get(id)?.booked_start || stops.get(id)?.arrive }));
}

/** One banner for the absence and the appointments still booked on it, each named with its time. */
const AbsenceClashes = ({ clashes }) => html`<div class="notice warn" role="status" data-testid="tour-absence-clashes">
  <p>${count('absence.toMove', clashes.length)}</p>
  <ul>${clashes.map((c) => html`<li key=${c.id} data-appointment-id=${c.id}>${fmtTime(c.start)} · ${c.name || t('appointment')}</li>`)}</ul></div>`;

export function Tour({ day: asked }) {
  const rep = user.value?.id;
  const { day, off } = useShownDay(rep, asked);
  // useLive keeps the last query's result until the new one's: not the previous day's stops.
  const stored = useLive(() => tourPlanFor(rep, day), [rep, day]);
  const kept = stored && (stored.date !== day || stored.rep_id !== rep) ? undefined : stored;
  const plan = kept?.plan;
  const stops = plan?.stops || [];
  const accounts = useLive(() => accountsByIds([...stops, ...(plan?.unplanned || [])].map((s) => s.account_id)), [kept], []);
  const visits = useLive(() => visitsBetween(new Date(`${day}T00:00:00`).toISOString(), new Date(`${addDays(day, 1)}T00:00:00`).toISOString()), [day], []);
  const skips = useLive(() => stopSkips(rep, day), [rep, day], {});
  const refused = useLive(rejectedAll, [], []);
  const fetched = useFetchedTour(rep, day);
  const fallback = kept === null && (!online.value || fetched.error);
  const calendar = useCalendar();
  // Offline, a day never stored and not worked: the server's words, no due list.
  const dayOff = fallback ? offOn(calendar, day) : undefined;
  const due = useLive(() => (fallback && !dayOff ? dueAccounts(day) : []), [fallback, day, !!dayOff], []);
  const owned = useLive(accountCount, [], null);
  const noAccounts = owned === 0 && !!lastSync.value; // not before the first sync
  const notWorked = plan ? (worked(plan) === false ? plan.day_off || {} : null) : dayOff;

  const byId = new Map((accounts || []).filter(Boolean).map((a) => [a.id, a]));
  // The server's marks plus what the tablet knows since; a refused visit marks its stop "refused".
  const turnedDown = new Set(refused.filter((r) => r.entity === 'visit' && r.op === 'create').map((r) => r.record_id));
  const onsite = visits.filter((v) => (v.kind || 'onsite') === 'onsite');
  const visited = new Set(onsite.filter((v) => !turnedDown.has(v.id)).map((v) => v.account_id));
  const refusedAt = new Set(onsite.filter((v) => turnedDown.has(v.id)).map((v) => v.account_id));
  const now = new Date();
  const marks = (s) => {
    const done = !!s.done || visited.has(s.account_id);
    return { done, refused: !done && refusedAt.has(s.account_id), skip: skips[s.account_id] || null,
      over: !!s.depart && new Date(s.depart) < now };
  };
  const totals = plan?.totals;
  const clashes = absenceClashes(plan);
  const done = stops.filter((s) => marks(s).done).length;
  return html`
    <section class="tour">
      <${WeekDays} rep=${rep} day=${day} calendar=${calendar} />
      <div class="tour-grid">
        <div class="tour-list">
          <h1>${t('tour')} · ${fmtDate(day, { weekday: 'long', day: 'numeric', month: 'long' })} ${fetched.loading ? '…' : ''}</h1>
          ${totals && stops.length > 0 && html`<p class="totals" data-testid="tour-totals">${stops.length} ${t('stops')} · ${done} ${t('done').toLowerCase()} · ${t('drive')} ${Math.round(totals.drive_min)} ${t('min')} / ${Math.round(totals.drive_km)} ${t('km')}</p>`}
          ${plan?.provisional && html`<p class="notice" role="status" data-testid="tour-provisional">${t('provisional')}</p>`}
          ${plan?.stale && html`<p class="notice warn" role="status">${t('stale')}</p>`}
          ${clashes.length > 0 && html`<${AbsenceClashes} clashes=${clashes} />`}
          ${(plan?.warnings || []).filter((w) => !w.startsWith(CLASH)).map((w) => html`<p class="notice warn">${warning(w)}</p>`)}
          ${off && html`<${DayOffNotice} off=${off} day=${day} />`}
          ${notWorked && !clashes.length && html`<p class="muted" data-testid="tour-not-worked">${holiday(notWorked) ? `${holiday(notWorked)} · ` : ''}${t('dayOff')}</p>`}
          ${fetched.error && kept === null && html`<p class="error" role="alert">${t('tourFailed', { d: fetched.error.message })}</p>`}
          ${kept === null && !fallback && html`<p class="muted">…</p>`}
          ${noAccounts && html`<${NoAccounts} />`}
          ${fallback && !dayOff && !noAccounts && html`<p class="muted">${t('noTour')}</p>`}
          ${plan && html`<${Timeline} plan=${{ ...plan, stops }} byId=${byId} day=${day} rep=${rep} marks=${marks} />`}
          ${fallback && due.length > 0 && html`<h2>${t('dueAccounts')}</h2>
            <ol class="stops">${due.map((a, i) => html`<${Stop} key=${a.id} day=${day} rep=${rep} account=${a} state=${marks({ account_id: a.id })}
              stop=${{ seq: i + 1, account_id: a.id, name: a.name, segment: a.segment, kind: 'due' }} />`)}</ol>`}
          ${plan?.unplanned?.length > 0 && html`<details class="unplanned"><summary>${t('unplanned')}${colon()}${plan.unplanned.length}</summary>
            ${byReason(plan.unplanned, byId).map(([reason, names]) => html`<p><b>${t(`unplanned.${reason}`)}${colon()}${names.length}</b>${names.join(', ')}</p>`)}</details>`}
          ${plan?.planned_at && html`<p class="muted small-print">${t('plannedAt', { d: fmtDateTime(plan.planned_at) })}</p>`}
        </div>
        <${TourMap} plan=${plan} accounts=${byId} />
      </div>
    </section>`;
}

// One line per reason, not per account: a day can leave out dozens for the same reason.
function byReason(unplanned, byId) {
  const groups = new Map();
  for (const u of unplanned) {
    if (!groups.has(u.reason)) groups.set(u.reason, []);
    groups.get(u.reason).push(u.name || byId.get(u.account_id)?.name || u.account_id.slice(0, 8));
  }
  return [...groups];
}
