// One booked appointment, opened from the booking screen (the rep's week, or the account's "already
// booked" warning): cancel it, after a confirmation, or move it to another day or time (the slots
// that add the least driving, or one typed, with the day-off and reach checks a booking has). Both
// are PATCH /api/appointments/{id} with the version read when the panel opened (API.md → Records):
// `{"status": "cancelled"}`, or the new `start` and `end` (the same length). A refusal is said in
// the desk's words, with the server's reason when it gives one.
import { useState, useEffect, useRef } from '../../vendor/preact-hooks.mjs';
import { html, toast, isoDay, addDays } from '../../lib/ui.js';
import { fmtDate, fmtTime, fmtDateTime, colon } from '../../lib/lang.js';
import { useApi, patch, problemText } from './fetch.js';
import { w } from './words.js';
import { Slots, ReachNotice, useTypedDay, useReach, offText, daysOffPath, nextWorked, nextWeekday, endOf, NEXT_WITHIN } from './slots.js';

// Who may cancel or move an appointment from the desk: the roles the server lets change an
// appointment's status, start and end (server/agenda/entity.py, `updatable`), reps aside (no desk).
const CHANGERS = new Set(['telemarketer', 'manager', 'admin']);
/** Whether the signed-in user `me` ({role}) may cancel or move appointments. */
export const mayChange = (me) => !!me && CHANGERS.has(me.role);

/** A refused change (ApiError) in the desk's words: what happened by its status and problem type,
 * then the server's own reason (already in the user's language) when it sent one. */
export function refusalText(e) {
  const kind = e?.problem?.type?.split('/').pop();
  const head = e?.status === 409 ? w(kind === 'overlap' ? 'appt.overlap' : 'appt.conflict')
    : e?.status === 404 ? w('appt.gone') : e?.status === 422 ? w('appt.invalid') : w('appt.failed');
  return e?.problem?.detail ? `${head} (${problemText(e, { start: null, end: null })})` : head;
}

const longDay = (iso) => fmtDate(iso, { weekday: 'long', day: 'numeric', month: 'long' });

// The other day or time: the account's best slots for the appointment's length, or one typed.
function MoveChoice({ appt, sending, onMove, onBack }) {
  const minutes = Math.round((new Date(appt.end) - new Date(appt.start)) / 60000);
  const [slot, setSlot] = useState(null);
  const today = isoDay();
  const slots = useApi(`/api/reps/${appt.rep_id}/slots?account_id=${appt.account_id}&from=${today}&to=${addDays(today, 14)}&duration=${minutes}&limit=40`);
  const offAhead = useApi(daysOffPath(appt.rep_id, today, addDays(today, NEXT_WITHIN))).data?.items;
  const { dayOff, nextDay, checking } = useTypedDay(appt.rep_id, slot);
  const reach = useReach({ repId: appt.rep_id, accountId: appt.account_id, slot, minutes, skip: checking || dayOff, moving: appt.id });
  return html`<div data-testid="appt-move-choice">
    <${Slots} slots=${slots} chosen=${slot} otherDay=${(offAhead && nextWorked(today, offAhead)) || nextWeekday(today)}
      onChoose=${setSlot} dayOff=${dayOff} nextDay=${nextDay} />
    <p>${w('appt.newTime')}${colon()}<strong data-testid="appt-move-chosen">${slot ? `${fmtDateTime(slot.start)}–${fmtTime(endOf(slot.start, minutes))}` : '–'}</strong></p>
    ${dayOff && html`<p class="notice warn" data-testid="appt-move-blocked">${w('dayOffBlocked', { why: offText(dayOff) })}</p>`}
    ${slot && !dayOff && html`<${ReachNotice} reach=${reach} testid="appt-move-reach" />`}
    <div class="appt-actions">
      <button class="primary" data-testid="appt-move-confirm" disabled=${!slot || sending || checking || !!dayOff}
        onClick=${() => onMove({ start: slot.start, end: endOf(slot.start, minutes) })}>${w('appt.moveHere')}</button>
      <button data-testid="appt-back" onClick=${onBack}>${w('appt.back')}</button></div>
  </div>`;
}

/** The panel of appointment `id`: `moving` opens it on the move; `onChanged()` after a cancel or
 * a move the server took (the screen reads its week and slots again), `onClose()` otherwise. */
export function AppointmentPanel({ id, moving, onClose, onChanged }) {
  const { data: appt, error } = useApi(`/api/appointments/${id}`);
  const account = useApi(appt ? `/api/accounts/${appt.account_id}` : null).data;
  const [step, setStep] = useState(moving ? 'move' : 'menu');
  const [problem, setProblem] = useState(null);
  const [sending, setSending] = useState(false);
  const panel = useRef(null);
  useEffect(() => panel.current?.focus(), []); // the keyboard starts in the panel: Escape closes it
  async function change(changes, done) {
    setSending(true); setProblem(null);
    try {
      const saved = await patch(`/api/appointments/${id}`, { base_version: appt.version, changes });
      // Cancelled by someone else meanwhile: the merge keeps that (another field), so the move leaves no visit.
      if (!changes.status && saved.status !== 'booked') { setProblem(w('appt.cancelledMeanwhile')); return; }
      toast(w(done));
      onChanged();
    } catch (e) {
      setProblem(refusalText(e));
    } finally { setSending(false); }
  }
  const open = appt?.status === 'booked';
  const name = account?.name || '';
  return html`<div class="appt-backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}
    onKeyDown=${(e) => e.key === 'Escape' && onClose()}>
    <div class="card appt-panel" ref=${panel} tabIndex="-1" role="dialog" aria-modal="true" aria-labelledby="appt-title" data-testid="appt-panel">
      <h2 id="appt-title">${name || w('appointment')}</h2>
      ${error && html`<p class="notice warn" role="alert" data-testid="appt-problem">${refusalText(error)}</p>`}
      ${appt && html`<p data-testid="appt-when">${longDay(appt.start)} · ${fmtTime(appt.start)}–${fmtTime(appt.end)}${
        appt.purpose ? ` · ${appt.purpose}` : ''}</p>`}
      ${appt && !open && html`<p class="notice warn" data-testid="appt-status">${w(`appt.status.${appt.status}`)}</p>`}
      ${problem && html`<p class="notice warn" role="alert" data-testid="appt-problem">${problem}</p>`}
      ${open && step === 'menu' && html`<div class="appt-actions">
        <button class="danger" data-testid="appt-cancel" onClick=${() => setStep('cancel')}>${w('appt.cancel')}</button>
        <button class="primary" data-testid="appt-move" onClick=${() => setStep('move')}>${w('appt.move')}</button></div>`}
      ${open && step === 'cancel' && html`<p>${w('appt.cancelSure', { name, d: longDay(appt.start), t: fmtTime(appt.start) })}</p>
        <div class="appt-actions">
          <button class="danger" data-testid="appt-cancel-confirm" disabled=${sending}
            onClick=${() => change({ status: 'cancelled' }, 'appt.cancelled')}>${w('appt.cancelYes')}</button>
          <button data-testid="appt-back" onClick=${() => setStep('menu')}>${w('appt.keep')}</button></div>`}
      ${open && step === 'move' && html`<${MoveChoice} appt=${appt} sending=${sending}
        onMove=${(times) => change(times, 'appt.moved')} onBack=${() => setStep('menu')} />`}
      <div class="appt-actions"><button data-testid="appt-close" onClick=${onClose}>${w('close')}</button></div>
    </div></div>`;
}
