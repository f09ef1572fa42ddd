// Online data for the desk screens: the desk works against the API directly (no
// local copy: telemarketers, back office and managers sit at a connected desk).
import { useEffect, useState, useCallback } from '../../vendor/preact-hooks.mjs';
import { api } from '../../lib/api.js';
import { toast } from '../../lib/ui.js';
import { problemText } from './problems.js';

export { problemText }; // the screens' one import for online data and its refusals

/** {data, error, loading, reload} of GET `path`; `path` null waits. */
// `version`: bump it to fetch the same path again (the lists refuse unknown query
// parameters, so no cache-busting parameter goes into the path). `loading` is true from the
// first render with a new path on: `data` is then the previous path's until the answer comes.
export function useApi(path, version = 0) {
  const [state, setState] = useState({ data: null, error: null, loading: !!path, path });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) { setState({ data: null, error: null, loading: false, path }); return undefined; }
    let alive = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api(path).then((data) => alive && setState({ data, error: null, loading: false, path }),
      (error) => alive && setState({ data: null, error, loading: false, path }));
    return () => { alive = false; };
  }, [path, tick, version]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const { path: answered, ...rest } = state;
  return { ...rest, loading: rest.loading || answered !== path, reload };
}

export const post = (path, body) => api(path, { method: 'POST', body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const patch = (path, body) => api(path, { method: 'PATCH', body });
export const del = (path) => api(path, { method: 'DELETE' });

/** GET /api/{kind}.csv?{query} saved as a file: a link cannot carry the bearer token, so a blob. */
export async function downloadCsv(kind, query) {
  try {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await api(`/api/${kind}.csv?${query}`, { as: 'blob' }));
    link.download = `${kind}-${query.replace(/[^0-9-]+/g, '_')}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (e) { toast(problemText(e), 'error'); }
}
