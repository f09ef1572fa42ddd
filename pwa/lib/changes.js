// Pure helpers shared by the local store and the outbox: how a mutation's
// `changes` apply to a record, and how two pending changes fold together.

/** Fields whose changes name keys, as the server's registry declares them (MAP policy). */
export const MAP_FIELDS = new Set(['custom']);

/** Apply API.md-shaped changes to a record; tags take {add, remove}, custom takes {key: value|null}. */
export function applyChanges(record, changes) {
  const next = { ...record };
  for (const [field, value] of Object.entries(changes || {})) {
    if (field === 'tags' && value && !Array.isArray(value)) {
      const tags = new Set(next.tags || []);
      for (const tag of value.add || []) tags.add(tag);
      for (const tag of value.remove || []) tags.delete(tag);
      next.tags = [...tags];
    } else if (MAP_FIELDS.has(field) && value && typeof value === 'object') {
      // Map fields change only the keys named; null removes a key (sync/PROTOCOL.md M7).
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

/** A record as the server last sent it, then every pending mutation on top (DESIGN.md offline rule 4). */
export function rebase(serverRecord, pending, localRecord) {
  let record = { ...serverRecord };
  for (const mutation of pending) {
    if (mutation.op === 'delete') return null;
    record = applyChanges(record, mutation.changes);
  }
  // Local-only fields (prefixed "_") survive a pull; "_local" (never pushed yet) does not.
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
