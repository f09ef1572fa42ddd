// The desk: the same app for the telemarketer, the back office and the manager,
// laid out for a desktop screen. The role picks the screens (PRODUCT.md's people).
import { html, route, user, toasts, go } from '../../lib/ui.js';
import { lang, setLang } from '../../lib/lang.js';
import { t } from '../../lib/words.js';
import { logout } from '../../lib/api.js';
import { w } from './words.js';
import { SCREENS, deskHome } from './roles.js';
import { refreshProductLines } from '../../lib/fields.js';
import { CallList } from './calls.js';
import { Booking } from './booking.js';
import { Board } from './board.js';
import { Dashboard } from './dashboard.js';
import { Forecast } from './forecast.js';
import { Plans } from './plans.js';
import { ModelEditor } from './model.js';
import { FieldsEditor } from './fields.js';
import { Duplicates } from './duplicates.js';
import { Records } from './records.js';
import { People } from './people.js';
import { Reassign } from './reassign.js';
import { Import } from './imports.js';
import { Quality } from './quality.js';
import { Routing } from './routing.js';

function screen(name, id, query) {
  if (name === 'calls') return html`<${CallList} />`;
  if (name === 'book') return html`<${Booking} accountId=${id} />`;
  if (name === 'board') return html`<${Board} quoteId=${id} />`;
  if (name === 'dashboard') return html`<${Dashboard} query=${query} />`;
  if (name === 'forecast') return html`<${Forecast} />`;
  if (name === 'plans') return html`<${Plans} planId=${id} />`;
  if (name === 'model') return html`<${ModelEditor} />`;
  if (name === 'fields') return html`<${FieldsEditor} />`;
  if (name === 'duplicates') return html`<${Duplicates} />`;
  if (name === 'accounts') return html`<${Records} accountId=${id} />`;
  if (name === 'people' && id?.startsWith('transfer-')) return html`<${Reassign} userId=${id.slice(9)} />`;
  if (name === 'people') return html`<${People} />`;
  if (name === 'import') return html`<${Import} />`;
  if (name === 'quality') return html`<${Quality} />`;
  if (name === 'routing') return html`<${Routing} />`;
  return null;
}

async function signOut() {
  await logout(); // the desk keeps nothing on the device but its session
  user.value = null;
  go('/login');
}

refreshProductLines(); // once per page load: the quote screens name each line in words

export function DeskShell() {
  const me = user.value;
  const screens = SCREENS[me.role];
  const [, name, id] = route.value.parts;
  const current = screens.includes(name) ? name : screens[0];
  return html`
    <header class="topbar desk-top">
      <a class="brand" href=${`#${deskHome(me)}`}>Tournée <small>${w(`role.${me.role}`)}</small></a>
      <span class="who">${me.name}</span>
      <button class="lang" onClick=${() => setLang(lang.value === 'fr' ? 'en' : 'fr')}>${t('language')}</button>
      <button data-testid="desk-sign-out" onClick=${signOut}>${w('logout')}</button>
    </header>
    <div class="desk">
      <nav class="desk-nav">${screens.map((s) => html`
        <a href=${`#/desk/${s}`} class=${s === current ? 'active' : ''} data-testid=${`desk-nav-${s}`}>${w(s)}</a>`)}
      </nav>
      <main class="desk-main">${screen(current, name === current ? id : undefined, route.value.query)}</main>
    </div>
    <div class="toasts" aria-live="polite">${toasts.value.map((x) => html`<div class=${`toast ${x.kind}`}>${x.text}</div>`)}</div>`;
}
