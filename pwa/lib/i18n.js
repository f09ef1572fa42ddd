// The tablet's words on top of lib/words.js, with lib/lang.js re-exported. One module per
// language (lib/i18n/<code>.js), the one on screen downloaded (both precached: a switch works
// offline). Importing this waits for it, so t(), word() and count() stay synchronous.
import { signal, effect } from '../vendor/signals-core.mjs';
import { dictionaries as common, wordsOf } from './words.js';
import { lang } from './lang.js';

export * from './lang.js';
export { fmtHours, productLines, lineFor, productLine, taskTitle } from './words.js';

const loaded = signal({}); // language → its words
const loading = {};
/** Fetched once (again after a failure). */
export const loadWords = (code) => (loading[code] ??= import(`./i18n/${code}.js`).then(
  (module) => { loaded.value = { ...loaded.value, [code]: { ...common[code], ...module.default } }; },
  (error) => { loading[code] = null; throw error; }));

// Until a switched-to language's words arrive, the loaded language's, never a key.
export const { t, word, count } = wordsOf(() => loaded.value);
await loadWords(lang.value).catch(() => {});
effect(() => { loadWords(lang.value).catch(() => {}); });
// Offline in the very first session (no service worker yet): the words come with the network.
addEventListener('online', () => loadWords(lang.value).catch(() => {}));
