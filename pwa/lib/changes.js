// Pure helpers of the store and the outbox: how a mutation's `changes` apply to a record.

/** Fields whose changes name keys (the server's MAP policy). */
export const MAP_FIELDS = new Set(['custom']);

/** tags take {add, remove}, custom {key: value|null}. */
export function applyChanges(record, changes) {
  const next = { ...record };
  for (const [field, value] of Object.entries(changes || {})) {
    if (field === 'tags' && value && !Array.isArray(value)) {
      const tags = new Set(next.tags || []);
      for (const tag of value.add || []) tags.add(tag);
      for (const tag of value.remove || []) tags.delete(tag);
      next.tags = [...tags];
    } else if (MAP_FIELDS.has(field) && value && typeof value === 'object') {
      // sync/PROTOCOL.md M7.
      const map = { ...(next[field] || {}) };
      for (const [key, item] of Object.entries(value)) {
        if (item === null) delete map[key]; else map[key] = item;
      }
      next[field] = map;
    } else {
      next[field] = value;
    }
  }
  return next;
}

/** The account after a visit at `started_at`, moved as server/visits/entity.py does; the cadence
 * is the gap between the two dates last sent (without both, no due date). Null when nothing moves. */
export function afterVisit(account, { kind, started_at }) {
  const last = account?.last_visit_at ? Date.parse(account.last_visit_at) : null;
  const started = Date.parse(started_at);
  if (!account || (kind || 'onsite') !== 'onsite' || (last != null && last >= started)) return null;
  const interval = last != null && account.next_due_at ? Date.parse(account.next_due_at) - last : 0;
  return { ...account, last_visit_at: started_at, next_due_at: interval > 0 ? new Date(started + interval).toISOString() : null };
}

/** The server's record with the pending mutations on top (DESIGN.md offline rule 4). */
export function rebase(serverRecord, pending, localRecord) {
  let record = { ...serverRecord };
  for (const mutation of pending) {
    if (mutation.op === 'delete') return null;
    record = applyChanges(record, mutation.changes);
  }
  // Local-only "_" fields survive a pull; "_local" (not pushed yet) does not.
  for (const [key, value] of Object.entries(localRecord || {})) {
    if (key.startsWith('_') && key !== '_local') record[key] = value;
  }
  return record;
}

/** UUIDv7: 48-bit Unix milliseconds, then random bits (RFC 9562). */
export function uuidv7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) { bytes[i] = ms % 256; ms = Math.floor(ms / 256); }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
