// The rep's days off for the tour, the agenda and its appointment form: GET /api/me's calendar
// (meta `calendar`); online, days beyond it from GET /api/users/{id}/days-off.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { api } from './api.js';
import { allOf, getMeta } from './db.js';
import { useLive } from './live.js';
import { online } from './ui.js';

/** `day`'s {date, kind, name, names} in `calendar` ({from, to, days_off}); null: worked; undefined: beyond. */
export const offOn = (calendar, day) => (!calendar || day < calendar.from || day > calendar.to ? undefined
  : calendar.days_off.find((d) => d.date === day) || null);

/** Why the rep does not work `day` (YYYY-MM-DD), offline too: its {date, kind, name, names} from
 * the calendar kept, or {kind: 'absence', name: reason} of an absence stored here (one declared
 * offline included); null when worked or beyond the calendar (the server then decides). */
export async function dayOff(day) {
  const away = (await allOf('absence')).find((a) => a.first_day <= day && day <= a.last_day);
  return away ? { date: day, kind: 'absence', name: away.reason } : offOn(await getMeta('calendar'), day) || null;
}

/** The calendar, or one of `from`…`to` when it does not reach them. */
export function useCalendar(userId, from, to) {
  const kept = useLive(() => getMeta('calendar'), [], null);
  const [asked, setAsked] = useState(null);
  const beyond = from && (!kept || from < kept.from || to > kept.to);
  useEffect(() => {
    if (beyond && online.value) {
      api(`/api/users/${userId}/days-off?from=${from}&to=${to}`).then((r) => setAsked({ from, to, days_off: r.items }), () => {});
    }
  }, [userId, from, beyond, online.value]);
  return beyond && asked?.from === from ? asked : kept;
}
