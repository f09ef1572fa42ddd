// The language on screen (navigator.language unless the user picked one: kept in localStorage
// and as the user's locale, lib/user-lang.js) and the user's formats, for every role.
import { signal } from '../vendor/signals-core.mjs';

const stored = globalThis.localStorage?.getItem('tournee-lang');
const guess = (globalThis.navigator?.language || 'fr').slice(0, 2);
export const lang = signal(stored || (guess === 'en' ? 'en' : 'fr'));

const savers = new Set();
/** Called with the new language when the user switches (lib/user-lang.js saves it as the user's locale). */
export const onLangChange = (fn) => { savers.add(fn); return () => savers.delete(fn); };

/** `save: false` when the language comes from the user's saved one: nothing new to save. */
export function setLang(code, { save = true } = {}) {
  lang.value = code;
  localStorage.setItem('tournee-lang', code);
  document.documentElement.lang = code;
  if (save) savers.forEach((fn) => fn(code));
}

/** "Nom : " in French (narrow no-break space before the colon), "Name: " in English. */
export const colon = () => (lang.value === 'fr' ? '\u202f: ' : ': ');

export const locale = () => (lang.value === 'en' ? 'en-GB' : 'fr-FR');
export const fmtTime = (iso) => iso ? new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' }) : '';
// A day at noon (a bare date is local, not UTC midnight), a date-time as it is.
const at = (iso) => new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
/** `d` formatted by Intl with `opts`, the same way with or without a year: en-GB writes
 * "Thu 7 May" but "Wed, 5 Nov 2025", so the comma after the weekday is dropped ("Wed 5 Nov 2025"). */
const dateText = (d, opts) => new Intl.DateTimeFormat(locale(), opts).formatToParts(d)
  .map((p, i, parts) => (p.type === 'literal' && parts[i - 1]?.type === 'weekday' ? ' ' : p.value)).join('');
export const fmtDate = (iso, opts) => (iso ? (opts ? dateText(at(iso), opts) : fmtDay(iso, true)) : '');
export const fmtDateTime = (iso) => iso ? `${fmtDate(iso)} ${fmtTime(iso)}` : '';

// Numbers, amounts and dates in the user's language, through Intl.* (STYLE habit 15):
// "1 234,50 €", "0,85", "12 mars" (durations and counts need words: lib/words.js).
const nf = (opts) => new Intl.NumberFormat(locale(), opts);
/** 6.3 → "6,3" (fr) / "6.3" (en); at most `digits` decimals. */
export const fmtNumber = (n, digits = 1) => (n == null ? '–' : nf({ maximumFractionDigits: digits }).format(n));
/** An amount as a quote states it: 1234.5 → "1 234,50 €"; 1235 → "1 235 €": cents only when there are cents. */
export const fmtCents = (n) => {
  if (n == null) return '–';
  const cents = Math.round(n * 100) % 100 !== 0;
  return nf({ style: 'currency', currency: 'EUR', minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(n);
};
/** An amount in a list or a tile: whole euros from 100 € (12345.67 → "12 346 €"), as fmtCents below. */
export const fmtMoney = (n) => (n != null && Math.abs(n) >= 100
  ? nf({ style: 'currency', currency: 'EUR', minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(n) : fmtCents(n));
/** 0.8502 → "85 %"; with digits = 1, 0.1406 → "14,1 %" (fr) / "14.1%" (en). */
export const fmtPercent = (x, digits = 0) => (x == null ? '–' : nf({ style: 'percent', maximumFractionDigits: digits }).format(x));
/** '2026-11' → "nov. 2026" (fr) / "Nov 2026" (en). */
export const fmtMonth = (ym) => (ym ? new Date(`${ym.slice(0, 7)}-15T12:00:00`).toLocaleDateString(locale(), { month: 'short', year: 'numeric' }) : '');
/** A date with its year only when it is not the current one: "12 mars" / "12 mars 2024";
 * with its weekday, "Thu 7 May" / "Wed 5 Nov 2025" (en), "jeu. 7 mai" / "mer. 5 nov. 2025" (fr). */
export function fmtDay(iso, withWeekday = false) {
  if (!iso) return '';
  const d = at(iso);
  const opts = { day: 'numeric', month: 'short', ...(withWeekday ? { weekday: 'short' } : {}) };
  if (d.getFullYear() !== new Date().getFullYear()) opts.year = 'numeric';
  return dateText(d, opts);
}
/** 120000 → "120 k€" (fr) / "€120K" (en): chart axes. */
export const compactMoney = (n) => (n == null ? '–'
  : nf({ style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(n));
