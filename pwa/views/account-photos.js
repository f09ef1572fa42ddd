// The account's photos, whoever took them: those taken on this tablet (kept until synced)
// and, once online, those of colleagues and the manager, on the account or its visits
// (GET /api/accounts/{id}/photos). Their thumbnails stay on the tablet for offline use,
// within a size cap (lib/db.js THUMBS_MAX_BYTES), so the storefront is there in a basement.
import { useEffect, useState } from '../vendor/preact-hooks.mjs';
import { html, online } from '../lib/ui.js';
import { useLive } from '../lib/live.js';
import { t, fmtDate } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { getAttachment, attachmentByServerId, thumbsOf, keepThumbs } from '../lib/db.js';

/** Fetch the list and the thumbnails not held yet; errors leave the cached ones on screen. */
async function refresh(accountId) {
  const { items } = await api(`/api/accounts/${accountId}/photos`);
  const held = new Set((await thumbsOf(accountId)).map((x) => x.id));
  const fetched = [];
  for (const p of items.filter((x) => !held.has(x.id))) {
    const blob = await api(`/api/attachments/${p.id}/thumbnail`, { as: 'blob' });
    fetched.push({ id: p.id, blob, size: blob.size, taken_by_name: p.taken_by_name, taken_at: p.taken_at, source: p.source });
  }
  await keepThumbs(accountId, items, fetched);
}

function useObjectUrls(blobs) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    const made = blobs.map((b) => ({ ...b, url: URL.createObjectURL(b.blob) }));
    setUrls(made);
    return () => made.forEach((m) => URL.revokeObjectURL(m.url));
  }, [blobs.map((b) => b.id).join(',')]);
  return urls;
}

export function AccountPhotos({ account }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (online.value) refresh(account.id).then(() => setFailed(false), () => setFailed(true));
  }, [account.id, online.value, (account.attachment_ids || []).join(',')]);
  const photos = useLive(async () => {
    const mine = [];
    for (const pid of account.attachment_ids || []) {
      const local = (await getAttachment(pid)) || (await attachmentByServerId(pid));
      if (local?.blob) mine.push({ id: local.server_id || pid, blob: local.blob, mine: true });
    }
    const ids = new Set(mine.map((p) => p.id));
    const others = (await thumbsOf(account.id)).filter((x) => !ids.has(x.id))
      .sort((a, b) => (a.taken_at < b.taken_at ? 1 : -1));
    return [...mine, ...others];
  }, [account.id, (account.attachment_ids || []).join(',')], []);
  const shown = useObjectUrls(photos);
  if (!shown.length && online.value && !failed) return null;
  return html`<div class="photos" data-testid="account-photos">
    ${shown.map((p) => html`<figure data-testid="account-photo" data-photo-id=${p.id}>
      <img src=${p.url} alt=${t('photos')} />
      ${p.taken_by_name && html`<figcaption>${t('photoBy', { name: p.taken_by_name, d: fmtDate(p.taken_at) })}</figcaption>`}
    </figure>`)}
    ${(!online.value || failed) && html`<small class="muted" data-testid="photos-offline">${t('photosOffline')}</small>`}
  </div>`;
}
