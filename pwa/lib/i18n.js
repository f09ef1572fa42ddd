// Words of the rep's app, French first, on top of the words both apps show (lib/words.js); the
// language and the formats are lib/lang.js's, re-exported here for the tablet's views.
// One module per language (lib/i18n/fr.js, en.js): a tablet downloads the words of the language
// on screen only; the service worker precaches both (precache.json lists every file of pwa/), so
// a switch works offline. Importing this module waits for the words of the language on screen:
// the views' t(), word() and count() stay synchronous.
import { signal, effect } from '../vendor/signals-core.mjs';
import { dictionaries as common, wordsOf } from './words.js';
import { lang } from './lang.js';

export * from './lang.js';
export { fmtHours, productLines, lineFor, productLine } from './words.js';

const loaded = signal({}); // language → its words, as each arrives (views re-render then)
const loading = {};
/** The tablet's words in `code`, fetched once (again after a failure). */
export const loadWords = (code) => (loading[code] ??= import(`./i18n/${code}.js`).then(
  (module) => { loaded.value = { ...loaded.value, [code]: { ...common[code], ...module.default } }; },
  (error) => { loading[code] = null; throw error; }));

// Until a switched-to language's words arrive (a few ms from the service worker's cache), the
// words of the language still loaded, never a key.
export const { t, word, count } = wordsOf(() => loaded.value);
await loadWords(lang.value).catch(() => {});
effect(() => { loadWords(lang.value).catch(() => {}); });
// A switch made offline in the very first session (before the service worker controls the page)
// cannot fetch the words: they come with the network.
addEventListener('online', () => loadWords(lang.value).catch(() => {}));
