// One stop of the tour (why due; done, refused or not visited) and the legs between stops.
import { useState } from '../vendor/preact-hooks.mjs';
import { html, daysBetween, Badge } from '../lib/ui.js';
import { t, fmtTime } from '../lib/i18n.js';
import { skipStop } from '../lib/db.js';
import { Icon } from '../lib/icons.js';

export const SKIP_REASONS = ['closed', 'absent', 'no-time', 'moved', 'other'];

/** A position that is only its commune's centre. */
export const approximate = (a) => a?.geo_precision === 'commune';
export const postalAddress = (a) => [a.address, [a.postcode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');

/** Directions by coordinates, or by postal address for a commune's centre (the maps app locates it better). */
export function navigateUrl(a) {
  const android = /Android/i.test(navigator.userAgent);
  if (approximate(a) && a.city) {
    const q = encodeURIComponent(postalAddress(a));
    return android ? `geo:0,0?q=${q}` : `https://www.google.com/maps/dir/?api=1&destination=${q}`;
  }
  return android ? `geo:${a.lat},${a.lon}?q=${a.lat},${a.lon}` : `https://www.google.com/maps/dir/?api=1&destination=${a.lat},${a.lon}`;
}

export const Approximate = ({ account, testid }) => (approximate(account)
  ? html`<span class="approx" data-testid=${testid}>${t('approxPosition')}</span>` : null);

/** Why on today's tour: an appointment (late_min: out of reach), due, or overdue. */
export function why(stop, account, day) {
  if (stop.kind === 'appointment') return stop.late_min > 0
    ? { text: t('apptLate', { h: fmtTime(stop.booked_start), n: stop.late_min }), cls: 'is-late' } : { text: t('appointment'), cls: 'is-appt' };
  const due = account?.next_due_at;
  if (!due) return stop.kind === 'overdue' ? { text: t('late'), cls: 'is-late' } : { text: t('due'), cls: '' };
  const late = daysBetween(due, day);
  if (late > 0) return { text: t('overdue', { n: late }), cls: 'is-late' };
  return { text: late < 0 ? t('dueIn', { n: -late }) : t('due'), cls: '' };
}

export const Leg = ({ min, km }) => (min == null ? null : html`
  <li class="leg" aria-label=${`${t('drive')} ${Math.round(min)} ${t('min')}`}>
    <${Icon} name="car" size=${18} /> ${Math.round(min)} ${t('min')}${km != null ? ` · ${Math.round(km)} ${t('km')}` : ''}</li>`);

export const Milestone = ({ label, at, cls = '' }) => html`
  <li class=${`milestone ${cls}`}><span class="time">${fmtTime(at)}</span> ${label}</li>`;

function SkipPicker({ onPick, onCancel }) {
  return html`<div class="skip-picker" role="group" aria-label=${t('skipWhy')}>
    <strong>${t('skipWhy')}</strong>
    ${SKIP_REASONS.map((r) => html`<button type="button" data-testid="skip-reason" data-reason=${r}
      onClick=${() => onPick(r)}>${t(`skip.${r}`)}</button>`)}
    <button type="button" class="link" onClick=${onCancel}>${t('cancel')}</button>
    <small class="muted">${t('skipLocal')}</small>
  </div>`;
}

/** state: {done, refused, skip: {reason}|null, over}. "Not visited": the rep said so, or its time
 * is over without a visit (the server's rule, so an offline tablet agrees); a refused visit is none. */
export function Stop({ stop, account, day, rep, state }) {
  const [picking, setPicking] = useState(false);
  const reason = why(stop, account, day);
  const where = account?.lat != null ? account : stop.lat != null ? stop : null;
  const skipped = !state.done && (state.skip || state.over);
  const status = state.done ? 'done' : state.refused ? 'refused' : skipped ? 'skipped' : '';
  const pick = (r) => { setPicking(false); skipStop(rep, day, stop.account_id, r); };
  return html`
    <li class=${`stop ${status}`} data-status=${status || 'planned'}>
      <a class="stop-main" data-testid="tour-stop" data-account-id=${stop.account_id} href=${`#/account/${stop.account_id}`}>
        <span class="seq">${state.done ? '✓' : stop.seq}</span>
        <span class="time">${fmtTime(stop.arrive)}</span>
        <${Badge} segment=${stop.segment || account?.segment} />
        <span class="who"><strong>${stop.name || account?.name}</strong>
          ${account?.city && html`<small>${account.city}</small>`}
          <span class="chips"><span class=${`why ${reason.cls}`}>${reason.text}</span>
            <${Approximate} account=${account} testid="stop-approx" />
            ${status && html`<span class=${`state ${status}`} data-testid="stop-state">${state.done ? t('done')
              : state.refused ? t('visitRefused')
                : state.skip ? `${t('skipped')} · ${t(`skip.${state.skip.reason}`)}` : t('skipped')}</span>`}</span></span>
      </a>
      <div class="stop-actions">
        ${state.refused && html`<a class="button" data-testid="stop-refused" href="#/sync">${t('seeWhy')}</a>`}
        ${where && html`<a class="button" href=${navigateUrl(where)} target="_blank" rel="noopener">${t('navigate')}</a>`}
        ${!state.done && (state.skip
          ? html`<button type="button" data-testid="stop-unskip" onClick=${() => skipStop(rep, day, stop.account_id, null)}>${t('unskip')}</button>`
          : html`<button type="button" data-testid="stop-skip" onClick=${() => setPicking(!picking)}>${t('skip')}</button>`)}
      </div>
      ${picking && html`<${SkipPicker} onPick=${pick} onCancel=${() => setPicking(false)} />`}
    </li>`;
}
