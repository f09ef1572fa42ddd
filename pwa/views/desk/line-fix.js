// A quote request whose product line was typed freely and names none of the company's lines
// (server/quotes/line_fix.py): flagged "gamme non reconnue" on the board's cards and in the
// detail, where the back office sets the right line (POST /api/quotes/{id}/product-line). The
// server routes it again by the routing rules: to the line's team, never twice to a team that
// has it already; a quote that leaves this team's queue closes the detail.
import { useState } from '../../vendor/preact-hooks.mjs';
import { html, toast } from '../../lib/ui.js';
import { lang } from '../../lib/lang.js';
import { productLines, lineFor } from '../../lib/words.js';
import { post, problemText } from './fetch.js';
import { w } from './words.js';

// The statuses whose line may still change: no technical team works on the quote yet.
const FIXABLE = new Set(['submitted', 'routed', 'undeliverable']);

/** Whether the quote's line is text that names no line of the company (the list the desk read). */
export const unrecognised = (q) => !!q?.product_line?.trim() && !lineFor(q.product_line);

/** The flag of a card or of the detail: the words, the text as typed in its title. */
export const LineFlag = ({ q }) => html`<span class="status st-undeliverable line-flag" data-testid="line-unrecognised"
  title=${q.product_line}>${w('line.unrecognised')}</span>`;

/** The detail's fix: `recognised` the server's word (history), `onFixed(saved, left)` after the change
 * (`left`: the quote is no longer this team's, it is on its way to the line's team). */
export function LineFix({ q, recognised, onFixed }) {
  const [key, setKey] = useState('');
  const [sending, setSending] = useState(false);
  if (recognised !== false) return null;
  async function send() {
    setSending(true);
    try {
      const saved = await post(`/api/quotes/${q.id}/product-line`, { product_line: key });
      const left = saved.team_id !== q.team_id || saved.status !== q.status;
      toast(w(left ? 'line.rerouted' : 'line.fixed'));
      onFixed(saved, left);
    } catch (e) { toast(problemText(e), 'error'); } finally { setSending(false); }
  }
  return html`<div class="notice warn" data-testid="line-fix" role="status">
    <p><${LineFlag} q=${q} /> ${w('line.typed', { text: q.product_line })}</p>
    ${FIXABLE.has(q.status) ? html`<div class="row">
      <label>${w('line.right')}<select data-testid="line-fix-select" value=${key} onChange=${(e) => setKey(e.target.value)}>
        <option value="">–</option>${productLines.value.map((l) => html`<option value=${l.key}>${l.label[lang.value] || l.label.fr}</option>`)}
      </select></label>
      <button class="primary" data-testid="line-fix-save" disabled=${!key || sending} onClick=${send}>${w('line.save')}</button></div>
      <small class="muted">${w('line.help')}</small>` : html`<small class="muted">${w('line.inHand')}</small>`}
  </div>`;
}
