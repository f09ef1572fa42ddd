// UI plumbing for every role: htm, a hash router, toasts, the busy-form flag (the store's hooks
// are lib/live.js's: the desk never loads Dexie).
import { h } from '../vendor/preact.mjs';
import { signal } from '../vendor/signals-core.mjs';
import htm from '../vendor/htm.mjs';

export const html = htm.bind(h);

// #/path/parts?query
const parse = () => {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
};
export const route = signal(parse());
addEventListener('hashchange', () => { route.value = parse(); busy.value = false; scrollTo(0, 0); });
export const go = (path) => { location.hash = path; };

export const user = signal(null);
export const online = signal(navigator.onLine);
addEventListener('online', () => { online.value = true; });
addEventListener('offline', () => { online.value = false; });
/** True while a form holds unsaved input: the update prompt waits (STYLE.md habit 10). */
export const busy = signal(false);

export const toasts = signal([]);
export function toast(text, kind = 'info') {
  const item = { id: Math.random(), text, kind };
  toasts.value = [...toasts.value, item];
  setTimeout(() => { toasts.value = toasts.value.filter((x) => x !== item); }, kind === 'error' ? 8000 : 3500);
}

/** Today and date arithmetic on local YYYY-MM-DD strings (the rep's own time zone). */
export const isoDay = (d = new Date()) => {
  const z = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return z.toISOString().slice(0, 10);
};
export const addDays = (day, n) => {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoDay(d);
};
export const daysBetween = (a, b) => Math.round((new Date(`${b.slice(0, 10)}T12:00:00`) - new Date(`${a.slice(0, 10)}T12:00:00`)) / 86400000);

/** Great-circle distance in metres. */
export function distance(a, b) {
  const rad = (x) => (x * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(s));
}

export const Badge = ({ segment }) => html`<span class=${`badge seg-${segment || 'C'}`}>${segment || '–'}</span>`;
