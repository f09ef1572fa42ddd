// The language on screen (the browser's unless the user picked one) and its formats, for every role.
import { signal } from '../vendor/signals-core.mjs';

const stored = globalThis.localStorage?.getItem('tournee-lang');
const guess = (globalThis.navigator?.language || 'fr').slice(0, 2);
export const lang = signal(stored || (guess === 'en' ? 'en' : 'fr'));

const savers = new Set();
/** `fn(code)` when the user switches (lib/user-lang.js saves it). */
export const onLangChange = (fn) => { savers.add(fn); return () => savers.delete(fn); };

/** `save: false`: the language is already the user's saved one. */
export function setLang(code, { save = true } = {}) {
  lang.value = code;
  localStorage.setItem('tournee-lang', code);
  document.documentElement.lang = code;
  if (save) savers.forEach((fn) => fn(code));
}

/** "Nom : " (narrow no-break space) in French, "Name: " in English. */
export const colon = () => (lang.value === 'fr' ? '\u202f: ' : ': ');

export const locale = () => (lang.value === 'en' ? 'en-GB' : 'fr-FR');
export const fmtTime = (iso) => iso ? new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' }) : '';
// A bare date at local noon, not UTC midnight.
const at = (iso) => new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
// en-GB writes "Wed, 5 Nov 2025" but "Thu 7 May": no comma after the weekday, year or not.
const dateText = (d, opts) => new Intl.DateTimeFormat(locale(), opts).formatToParts(d)
  .map((p, i, parts) => (p.type === 'literal' && parts[i - 1]?.type === 'weekday' ? ' ' : p.value)).join('');
export const fmtDate = (iso, opts) => (iso ? (opts ? dateText(at(iso), opts) : fmtDay(iso, true)) : '');
export const fmtDateTime = (iso) => iso ? `${fmtDate(iso)} ${fmtTime(iso)}` : '';

// Numbers and amounts through Intl.* (STYLE habit 15).
const nf = (opts) => new Intl.NumberFormat(locale(), opts);
/** 6.3 → "6,3" (fr) / "6.3" (en); at most `digits` decimals. */
export const fmtNumber = (n, digits = 1) => (n == null ? '–' : nf({ maximumFractionDigits: digits }).format(n));
/** 1234.5 → "1 234,50 €"; 1235 → "1 235 €": cents only when there are some. */
export const fmtCents = (n) => {
  if (n == null) return '–';
  const cents = Math.round(n * 100) % 100 !== 0;
  return nf({ style: 'currency', currency: 'EUR', minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(n);
};
/** For lists, tables and tiles: whole euros, 60.59 → "61 €", so a column reads alike (fmtCents for one typed or quoted amount). */
export const fmtMoney = (n) => (n == null ? '–'
  : nf({ style: 'currency', currency: 'EUR', minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(n));
/** 0.8502 → "85 %"; digits = 1: 0.1406 → "14,1 %". */
export const fmtPercent = (x, digits = 0) => (x == null ? '–' : nf({ style: 'percent', maximumFractionDigits: digits }).format(x));
/** '2026-11' → "nov. 2026". */
export const fmtMonth = (ym) => (ym ? new Date(`${ym.slice(0, 7)}-15T12:00:00`).toLocaleDateString(locale(), { month: 'short', year: 'numeric' }) : '');
/** "12 mars", with the year only when not the current one; "jeu. 7 mai" with the weekday. */
export function fmtDay(iso, withWeekday = false) {
  if (!iso) return '';
  const d = at(iso);
  const opts = { day: 'numeric', month: 'short', ...(withWeekday ? { weekday: 'short' } : {}) };
  if (d.getFullYear() !== new Date().getFullYear()) opts.year = 'numeric';
  return dateText(d, opts);
}
/** 120000 → "120 k€": chart axes. */
export const compactMoney = (n) => (n == null ? '–'
  : nf({ style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(n));
