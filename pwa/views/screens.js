// The rep's tablet screens by route: loaded by the shell (shell.js) once a rep is signed
// in, so that the desk roles, which never show them, do not download them.
import { html } from '../lib/ui.js';
import { Tour } from './tour.js';
import { Accounts } from './accounts.js';
import { Account } from './account.js';
import { AccountNew } from './account-new.js';
import { ContactEdit } from './contact-edit.js';
import { VisitForm } from './visit.js';
import { QuoteForm } from './quote.js';
import { Quotes } from './quotes.js';
import { Pipeline } from './pipeline.js';
import { Agenda } from './agenda.js';
import { SyncScreen } from './sync.js';

// Forms keyed by record: Preact would reuse the last one, state and all.
export function screen({ parts, query }) {
  const [name, id, sub] = parts;
  if (name === 'tour') return html`<${Tour} day=${id} />`;
  if (name === 'accounts') return html`<${Accounts} />`;
  if (name === 'account' && sub === 'visit') return html`<${VisitForm} key=${`visit-${id}`} accountId=${id} appointmentId=${query.get('appointment')} />`;
  if (name === 'account' && id === 'new') return html`<${AccountNew} />`;
  if (name === 'account' && sub === 'contact') return html`<${ContactEdit} key=${`contact-${id}-${parts[3]}`} accountId=${id} contactId=${parts[3] || 'new'} />`;
  if (name === 'account' && sub === 'quote') return html`<${QuoteForm} key=${`quote-${id}`} accountId=${id} visitId=${query.get('visit')} />`;
  if (name === 'account') return html`<${Account} id=${id} />`;
  if (name === 'quotes') return html`<${Quotes} />`;
  if (name === 'pipeline') return html`<${Pipeline} />`;
  if (name === 'agenda') return html`<${Agenda} day=${id} />`;
  if (name === 'sync') return html`<${SyncScreen} />`;
  return html`<${Tour} />`;
}

