// Today's tour: stops in order with time, segment, why each account is due and the
// drive; a map (Leaflet online, a schematic offline) and the other days of the week.
// The plan is fetched when online and kept as a tour_plan record for offline days.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, user, online, useLive, isoDay, addDays, daysBetween, Badge } from '../lib/ui.js';
import { t, fmtTime, fmtDate } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { tourPlanFor, putTourPlan, accountsByIds, dueAccounts } from '../lib/db.js';
import { TourMap } from './tour-map.js';
import { Icon } from '../lib/icons.js';

function reason(stop, account, day) {
  if (stop.kind === 'appointment') return t('appointment');
  const due = account?.next_due_at;
  if (!due) return stop.kind === 'overdue' ? t('overdue', { n: '?' }) : t('due');
  const late = daysBetween(due, day);
  return late > 0 ? t('overdue', { n: late }) : late < 0 ? t('dueIn', { n: -late }) : t('due');
}

export const navigateUrl = (a) => (/Android/i.test(navigator.userAgent)
  ? `geo:${a.lat},${a.lon}?q=${a.lat},${a.lon}`
  : `https://www.google.com/maps/dir/?api=1&destination=${a.lat},${a.lon}`);

function Stop({ stop, account, day }) {
  const overdue = stop.kind === 'overdue' || (account?.next_due_at && daysBetween(account.next_due_at, day) > 0);
  return html`
    <li class="stop">
      <a class="stop-main" data-testid="tour-stop" data-account-id=${stop.account_id} href=${`#/account/${stop.account_id}`}>
        <span class="seq">${stop.seq}</span>
        <span class="time">${fmtTime(stop.arrive)}</span>
        <${Badge} segment=${stop.segment || account?.segment} />
        <span class="who"><strong>${stop.name || account?.name}</strong><small>${account?.city || ''}</small></span>
        <span class=${`why ${stop.kind === 'appointment' ? 'appt' : overdue ? 'late' : ''}`}>${reason(stop, account, day)}</span>
        <span class="drive">${stop.drive_min != null && html`<${Icon} name="car" size=${18} /> ${Math.round(stop.drive_min)} ${t('min')}`}</span>
      </a>
      ${account?.lat != null && html`<a class="nav-link" href=${navigateUrl(account)} target="_blank" rel="noopener">${t('navigate')}</a>`}
    </li>`;
}

function WeekDays({ day }) {
  const d = new Date(`${day}T12:00:00`);
  const monday = addDays(day, -((d.getDay() + 6) % 7));
  const days = [0, 1, 2, 3, 4, 5].map((i) => addDays(monday, i));
  return html`<div class="weekdays">${days.map((x) => html`
    <a href=${`#/tour/${x}`} class=${x === day ? 'active' : ''}>${x === isoDay() ? t('today') : fmtDate(x)}</a>`)}</div>`;
}

export function Tour({ day = isoDay() }) {
  const rep = user.value?.id;
  const plan = useLive(() => tourPlanFor(rep, day), [rep, day]);
  const stops = plan?.plan?.stops || [];
  const accounts = useLive(() => accountsByIds(stops.map((s) => s.account_id)), [plan], []);
  const due = useLive(() => (plan === null ? dueAccounts(`${day}T23:59:59`) : []), [plan, day], []);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!online.value || !rep) return;
    setLoading(true);
    api(`/api/tours/${rep}/${day}`)
      .then((tour) => putTourPlan({ id: `tour:${rep}:${day}`, rep_id: rep, date: day, plan: tour, fetched_at: new Date().toISOString() }))
      .catch(() => {}) // offline or not planned: the stored plan stays on screen
      .finally(() => setLoading(false));
  }, [rep, day, online.value]);

  const byId = new Map((accounts || []).filter(Boolean).map((a) => [a.id, a]));
  const totals = plan?.plan?.totals;
  return html`
    <section class="tour">
      <${WeekDays} day=${day} />
      <div class="tour-grid">
        <div class="tour-list">
          <h1>${t('tour')} · ${fmtDate(day, { weekday: 'long', day: 'numeric', month: 'long' })} ${loading ? '…' : ''}</h1>
          ${totals && html`<p class="totals">${stops.length} ${t('stops')} · ${t('drive')} ${Math.round(totals.drive_min)} ${t('min')} / ${Math.round(totals.drive_km)} ${t('km')}</p>`}
          ${plan === null && html`<p class="muted">${t('noTour')}</p>`}
          <ol class="stops">${stops.map((s) => html`<${Stop} key=${s.account_id + s.seq} stop=${s} account=${byId.get(s.account_id)} day=${day} />`)}</ol>
          ${plan === null && due.length > 0 && html`<h2>${t('dueAccounts')}</h2>
            <ol class="stops">${due.map((a, i) => html`<${Stop} key=${a.id} day=${day} account=${a}
              stop=${{ seq: i + 1, account_id: a.id, name: a.name, segment: a.segment, kind: 'due' }} />`)}</ol>`}
          ${plan?.plan?.unplanned?.length > 0 && html`<p class="muted">${t('unplanned')}: ${plan.plan.unplanned.length}</p>`}
        </div>
        <${TourMap} plan=${plan?.plan} accounts=${byId} />
      </div>
    </section>`;
}
