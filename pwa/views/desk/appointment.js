// One booked appointment, opened from the booking screen (the rep's week, or the account's "already
// booked" warning): cancel it, after a confirmation, or move it to another day or time (the slots
// that add the least driving, or one typed, with the day-off and reach checks a booking has), and
// to another rep of the account owner's team when the rep is ill or a colleague is better placed
// (the slots, days off and reach are then that rep's; the account keeps its owner). All are
// PATCH /api/appointments/{id} with the version read when the panel opened (API.md → Records):
// `{"status": "cancelled"}`, or the new `start` and `end` (the same length) and `rep_id`. A
// refusal is said in the desk's words, with the server's reason when it gives one.
import { useState, useEffect, useRef } from '../../vendor/preact-hooks.mjs';
import { html, toast, isoDay, addDays } from '../../lib/ui.js';
import { fmtDate, fmtTime, fmtDateTime, colon } from '../../lib/lang.js';
import { useApi, patch, problemText } from './fetch.js';
import { w } from './words.js';
import { Slots, ReachNotice, refusedAt, useTypedDay, useReach, offText, daysOffPath, nextWorked, nextWeekday, endOf, NEXT_WITHIN } from './slots.js';

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

// The reps an appointment may move to: those of `reps` (GET /api/reps) in the team of the account's
// owner, the owner first (server/agenda/entity.py refuses any other).
export const teamReps = (reps, ownerId) => {
  const team = reps.find((r) => r.id === ownerId)?.team_id;
  return reps.filter((r) => r.id === ownerId || (team && r.team_id === team))
    .sort((a, b) => (b.id === ownerId) - (a.id === ownerId));
};

// The other day, time or rep: the chosen rep's best slots for the appointment's length, or one typed.
function MoveChoice({ appt, ownerId, sending, onMove, onBack }) {
  const minutes = Math.round((new Date(appt.end) - new Date(appt.start)) / 60000);
  const [slot, setSlot] = useState(null);
  const [repId, setRepId] = useState(appt.rep_id);
  const reps = teamReps(useApi('/api/reps').data || [], ownerId || appt.rep_id);
  const today = isoDay();
  const read = useApi(`/api/reps/${repId}/slots?account_id=${appt.account_id}&from=${today}&to=${addDays(today, 14)}&duration=${minutes}&limit=40`);
  const slots = read.loading ? { data: null, error: null } : read; // never the previous rep's slots, to pick from
  const offAhead = useApi(daysOffPath(repId, today, addDays(today, NEXT_WITHIN))).data?.items;
  const { dayOff, nextDay, checking } = useTypedDay(repId, slot);
  const reach = useReach({ repId, accountId: appt.account_id, slot, minutes, skip: checking || dayOff,
    moving: repId === appt.rep_id ? appt.id : null });
  const other = repId !== appt.rep_id;
  const pickRep = (id) => { setRepId(id); setSlot(null); }; // another rep: its own slots and days off, chosen afresh
  return html`<div data-testid="appt-move-choice">
    ${reps.length > 1 && html`<label>${w('appt.rep')}<select data-testid="appt-move-rep" value=${repId}
      onChange=${(e) => pickRep(e.target.value)}>${reps.map((r) => html`<option value=${r.id}>${r.name}${
        r.id === ownerId ? ` (${w('appt.owner')})` : ''}</option>`)}</select></label>`}
    ${other && html`<p class="muted" data-testid="appt-move-other-rep">${w('appt.otherRep')}</p>`}
    <${Slots} key=${repId} slots=${slots} chosen=${slot} otherDay=${(offAhead && nextWorked(today, offAhead)) || nextWeekday(today)}
      onChoose=${setSlot} dayOff=${dayOff} nextDay=${nextDay} />
    <p>${w('appt.newTime')}${colon()}<strong data-testid="appt-move-chosen">${slot ? `${fmtDateTime(slot.start)}–${fmtTime(endOf(slot.start, minutes))}` : '–'}</strong></p>
    ${dayOff && html`<p class="notice warn" data-testid="appt-move-blocked">${w('dayOffBlocked', { why: offText(dayOff) })}</p>`}
    ${slot && !dayOff && html`<${ReachNotice} reach=${reach} testid="appt-move-reach" />`}
    <div class="appt-actions">
      <button class="primary" data-testid="appt-move-confirm" disabled=${!slot || sending || checking || !!dayOff || refusedAt(reach)}
        onClick=${() => onMove({ start: slot.start, end: endOf(slot.start, minutes), ...(other ? { rep_id: repId } : {}) },
          other ? { name: reps.find((r) => r.id === repId)?.name } : null)}>${w('appt.moveHere')}</button>
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
  async function change(changes, done, values) {
    setSending(true); setProblem(null);
    try {
      const saved = await patch(`/api/appointments/${id}`, { base_version: appt.version, changes });
      // Cancelled by someone else meanwhile: the merge keeps that (another field), so the move leaves no visit.
      if (!changes.status && saved.status !== 'booked') { setProblem(w('appt.cancelledMeanwhile')); return; }
      toast(w(done, values));
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
      ${open && step === 'move' && html`<${MoveChoice} appt=${appt} ownerId=${account?.owner_id} sending=${sending}
        onMove=${(changes, to) => change(changes, to ? 'appt.movedTo' : 'appt.moved', to)} onBack=${() => setStep('menu')} />`}
      <div class="appt-actions"><button data-testid="appt-close" onClick=${onClose}>${w('close')}</button></div>
    </div></div>`;
}
