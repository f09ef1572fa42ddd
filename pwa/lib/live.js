// The tablet's views and its local store (lib/db.js): live queries as hooks, and a local
// write that failed, in words.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { live } from './db.js';
import { t } from './i18n.js';
import { toast } from './ui.js';

/** A local write failed: a full tablet is said in words (the shell's banner says it too). */
export const failed = (err) => toast(err?.name === 'StorageFull' ? t('errQuota') : err.message, 'error');

/** Re-render with the result of a local query whenever the data changes (any tab). */
export function useLive(querier, deps, initial) {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    const sub = live(querier).subscribe({ next: setValue, error: (e) => console.error(e) });
    return () => sub.unsubscribe();
  }, deps);
  return value;
}
