// The language follows the user (its locale), for every role: the saved one wins at each start and
// sign-in; a choice made here is saved, again on reconnection if it could not be, so the older
// never returns (API.md → Language: the user's locale first).
import { signal, effect } from '../vendor/signals-core.mjs';
import { user, online } from './ui.js';
import { lang, setLang, onLangChange } from './lang.js';
import { api } from './api.js';

const UNSAVED = 'tournee-lang-unsaved';
/** The last answer of GET /api/me: the tablet also keeps the rep's home from it (views/shell.js). */
export const me = signal(null);
let saving = Promise.resolve(); // in turn: the last tap is the last saved
let choices = 0;

function saveLanguage(id, code) {
  const mark = `${id} ${code}`;
  localStorage.setItem(UNSAVED, mark);
  saving = saving.then(() => api(`/api/users/${id}`, { method: 'PATCH', body: { locale: code } }))
    .then(() => localStorage.getItem(UNSAVED) === mark && localStorage.removeItem(UNSAVED), () => {});
}

export function followUserLanguage() {
  onLangChange((code) => { choices += 1; if (user.value) saveLanguage(user.value.id, code); });
  effect(() => {
    const id = user.value?.id;
    const asked = choices; // a choice made meanwhile beats the answer
    if (!id || !online.value) return;
    const [who, code] = (localStorage.getItem(UNSAVED) || '').split(' ');
    if (who === id) saveLanguage(id, code);
    api('/api/me').then((answer) => {
      if (who !== id && asked === choices && answer.locale_chosen && answer.locale !== lang.value) setLang(answer.locale, { save: false });
      me.value = answer;
    }, () => {});
  });
}
