// Boot: who is signed in picks what loads: a rep the tablet, the other roles the desk, nobody
// the sign-in pages (the last two without Dexie or the tablet's words).
import { render } from './vendor/preact.mjs';
import './vendor/signals.mjs'; // components re-render on the signals they read
import { signal } from './vendor/signals-core.mjs';
import { html, user, go, route } from './lib/ui.js';
import { lang } from './lib/lang.js';
import { authState } from './lib/api.js';
import { sessionUser, sessionFromStore } from './lib/session.js';
import { followUserLanguage } from './lib/user-lang.js';
import { startUpdates, resumeUpdate } from './lib/update.js';
import { isDesk, deskHome } from './views/desk/roles.js';

const root = document.getElementById('app');
const PUBLIC_PAGES = ['login', 'forgot', 'password']; // reachable signed out (e-mailed links)

// Each frame fetched when first shown: a tablet never downloads the desk.
const FRAMES = {
  // The words beside the shell, not after it.
  tablet: () => Promise.all([import('./views/shell.js'), import(`./lib/i18n/${lang.value}.js`).catch(() => {})])
    .then(async ([m]) => { await m.prepare(); return m.Shell; }),
  desk: () => import('./views/desk/shell.js').then((m) => m.DeskShell),
  signin: () => import('./views/signin.js').then((m) => m.SignIn),
  // The desk works online: a session the server closed means signing in again.
  relogin: () => import('./views/signin.js').then((m) => m.Login),
};
const frames = signal({});
const loading = {};
const load = (kind) => (loading[kind] ??= FRAMES[kind]().then(
  (frame) => { frames.value = { ...frames.value, [kind]: frame }; },
  (error) => { loading[kind] = null; throw error; })); // the next render tries again

function frameFor(me, page) {
  if (me && !isDesk(me)) return 'tablet';
  if (!me || PUBLIC_PAGES.includes(page)) return 'signin';
  return authState.value === 'lost' ? 'relogin' : 'desk';
}

function Root() {
  const kind = frameFor(user.value, route.value.parts[0]);
  const Frame = frames.value[kind];
  if (!Frame) {
    load(kind).catch(() => {});
    return html`<p class="boot">Tournée…</p>`;
  }
  return html`<${Frame} />`;
}

async function boot() {
  document.documentElement.lang = lang.value;
  // The user's saved language, and a choice made here saved as their locale (API.md → Language).
  followUserLanguage();
  user.value = sessionUser() ?? await sessionFromStore();
  const rep = user.value && !isDesk(user.value);
  if (PUBLIC_PAGES.includes(route.value.parts[0]) && route.value.parts[0] !== 'login') { /* an e-mailed link */ }
  else if (!user.value) go('/login');
  else if (!rep) { if (route.value.parts[0] !== 'desk') go(deskHome(user.value)); }
  else if (!route.value.parts.length || route.value.parts[0] === 'login') go('/tour');
  // The tablet loaded before the first render: the tour at once, no placeholder.
  if (rep) await load('tablet').catch(() => {});
  root.textContent = '';
  render(html`<${Root} />`, root);
  if (rep) (await import('./lib/sync-client.js')).startSync();
  startUpdates();
  // Only a tablet accepts an update, so only it has an outbox to count.
  resumeUpdate(() => import('./lib/db.js').then((db) => db.outboxCount()));
}

boot();
