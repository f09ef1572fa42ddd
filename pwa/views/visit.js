// Log a visit on the spot (verified within 500 m when located). Until the server has it, the
// screen shows the saved visit, not a blank form inviting a second entry.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, user, busy, toast, distance } from '../lib/ui.js';
import { useLive, failed } from '../lib/live.js';
import { t, fmtDateTime } from '../lib/i18n.js';
import { getRecord, pendingVisits } from '../lib/db.js';
import { logVisit } from '../lib/outbox.js';
import { Icon } from '../lib/icons.js';
import { Photos } from './quote.js';

const OUTCOMES = ['interested', 'follow-up', 'quote-requested', 'order', 'not-interested', 'absent'];
const KINDS = ['onsite', 'phone', 'video'];
const VERIFIED_WITHIN_M = 500;
// No check-in after now: the server refuses a visit in the future.
const localInput = (d = new Date()) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

function useCheckInPosition(account) {
  const [geo, setGeo] = useState(null);
  useEffect(() => {
    if (!account || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((pos) => {
      const here = { lat: pos.coords.latitude, lon: pos.coords.longitude };
      const metres = account.lat != null ? Math.round(distance(here, account)) : null;
      setGeo({ ...here, metres, verified: metres != null && metres <= VERIFIED_WITHIN_M });
    }, () => setGeo(false), { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }, [account?.id]);
  return geo;
}

function Saved({ accountId, visit, waiting, onAnother }) {
  return html`<section class="card done" data-testid="visit-saved">
    <h1>✓ ${t('visitSaved')}</h1>
    ${waiting && html`<p class="notice" role="status" data-testid="visit-waiting">${t('visitWaiting')}</p>`}
    <dl class="saved-visit">
      <dt>${t('checkIn')}</dt><dd>${fmtDateTime(visit.started_at)} · ${t(`kind.${visit.kind || 'onsite'}`)}</dd>
      <dt>${t('outcome')}</dt><dd data-testid="visit-saved-outcome">${t(`outcome.${visit.outcome}`)}</dd>
      ${visit.maturity && html`<dt>${t('maturity')}</dt><dd>${visit.maturity} · ${t(`maturity.${visit.maturity}`)}</dd>`}
      ${visit.notes && html`<dt>${t('notes')}</dt><dd data-testid="visit-saved-notes">${visit.notes}</dd>`}
      ${visit.next_action && html`<dt>${t('nextAction')}</dt><dd>${visit.next_action}</dd>`}
    </dl>
    <div class="actions">
      <a class="button primary" data-testid="request-quote" href=${`#/account/${accountId}/quote?visit=${visit.id}`}>${t('requestQuote')}</a>
      <a class="button" href=${`#/account/${accountId}`}>${t('backToAccount')}</a>
      <button type="button" data-testid="visit-another" onClick=${onAnother}>${t('visitAnother')}</button>
    </div></section>`;
}

export function VisitForm({ accountId, appointmentId }) {
  const account = useLive(() => getRecord('account', accountId), [accountId]);
  const geo = useCheckInPosition(account);
  const [form, setForm] = useState({ started_at: localInput(), kind: 'onsite', outcome: 'interested', notes: '', maturity: '', next_action: '', next_due: '' });
  const [saved, setSaved] = useState(null);
  const waiting = useLive(() => pendingVisits(accountId), [accountId]);
  const [another, setAnother] = useState(false); // a new form despite a waiting visit
  const [photos, setPhotos] = useState([]);
  const set = (field) => (e) => { setForm({ ...form, [field]: e.target.value }); busy.value = true; };

  async function save(e) {
    e.preventDefault();
    try {
      const visit = await logVisit({
        ...form, account_id: accountId, appointment_id: appointmentId || null, rep_id: user.value.id,
        started_at: new Date(form.started_at).toISOString(), geo: geo || null, photos,
      });
      busy.value = false;
      toast(t('visitSaved'));
      setSaved(visit);
    } catch (err) { failed(err); }
  }

  const shown = saved || (!another && waiting?.[0]);
  if (shown) {
    return html`<${Saved} accountId=${accountId} visit=${shown} waiting=${!!waiting?.some((v) => v.id === shown.id)}
      onAnother=${() => { setSaved(null); setAnother(true); }} />`;
  }
  if (waiting === undefined) return html`<p class="muted">…</p>`; // the outbox not read yet
  return html`
    <form class="card form" onSubmit=${save}>
      <h1>${t('logVisit')}${account?.name ? ` · ${account.name}` : ''}</h1>
      <div class="row">
        <label>${t('checkIn')}<input type="datetime-local" data-testid="visit-started-at" required max=${localInput()}
          value=${form.started_at} onInput=${set('started_at')} /></label>
        <label>${t('kind')}<select value=${form.kind} onChange=${set('kind')}>
          ${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}</select></label>
        <label>${t('outcome')}<select data-testid="visit-outcome" value=${form.outcome} onChange=${set('outcome')}>
          ${OUTCOMES.map((o) => html`<option value=${o}>${t(`outcome.${o}`)}</option>`)}</select></label>
      </div>
      <label>${t('notes')}<textarea data-testid="visit-notes" rows="4" maxlength="20000" value=${form.notes} onInput=${set('notes')}></textarea></label>
      <fieldset class="maturity"><legend>${t('maturity')}</legend>
        ${[1, 2, 3, 4, 5].map((m) => html`<label class=${`chip ${String(m) === form.maturity ? 'on' : ''}`}>
          <input type="radio" name="maturity" value=${m} checked=${String(m) === form.maturity} onChange=${set('maturity')} />
          <b>${m}</b> ${t(`maturity.${m}`)}</label>`)}
      </fieldset>
      <div class="row">
        <label class="grow">${t('nextAction')}<input data-testid="visit-next-action" maxlength="300" value=${form.next_action} onInput=${set('next_action')} /></label>
        <label>${t('dueDate')}<input type="date" value=${form.next_due} onInput=${set('next_due')} /></label>
      </div>
      <${Photos} photos=${photos} setPhotos=${setPhotos} testid="visit-photo" />
      <p class="muted geo"><${Icon} name="pin" size=${18} /> ${geo === null ? '…' : geo === false ? t('geoNone')
        : geo.verified ? t('geoOk', { m: geo.metres }) : t('geoFar', { m: geo.metres ?? '?' })}</p>
      <div class="actions">
        <button class="primary" data-testid="visit-save" type="submit">${t('save')}</button>
        <a class="button" href=${`#/account/${accountId}`} onClick=${() => { busy.value = false; }}>${t('cancel')}</a>
      </div>
    </form>`;
}
