// The tour on a map. Online: Leaflet with OpenStreetMap tiles, loaded only here.
// Offline (no tiles): a schematic SVG drawn from the stops' coordinates.
// The vendored Leaflet holds only what this file uses (vendor/refresh.sh → LEAFLET_PARTS).
import { useEffect, useRef } from '../vendor/preact-hooks.mjs';
import { html, online, go } from '../lib/ui.js';
import { t } from '../lib/i18n.js';

const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const COLORS = { A: '#d4a017', B: '#7d8a99', C: '#b0703c' };

function points(plan, accounts) {
  const stops = (plan?.stops || []).map((s) => ({ ...s, ...(accounts.get(s.account_id) || {}), seq: s.seq, segment: s.segment || accounts.get(s.account_id)?.segment }))
    .filter((p) => p.lat != null && p.lon != null);
  const ends = [plan?.start, plan?.end].filter((p) => p?.lat != null);
  return { stops, ends };
}

let leaflet = null;
const loadLeaflet = () => {
  if (!leaflet) {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' });
    document.head.append(link);
    leaflet = import('../vendor/leaflet/leaflet.mjs');
  }
  return leaflet;
};

function LeafletMap({ plan, accounts }) {
  const el = useRef(null);
  useEffect(() => {
    let map = null;
    let cancelled = false;
    loadLeaflet().then((L) => {
      if (cancelled || !el.current) return;
      const { stops, ends } = points(plan, accounts);
      map = L.map(el.current, { zoomControl: true, attributionControl: true });
      L.tileLayer(TILES, { maxZoom: 18, attribution: '© OpenStreetMap' }).addTo(map);
      const path = [plan?.start, ...stops, plan?.end].filter((p) => p?.lat != null).map((p) => [p.lat, p.lon]);
      if (path.length > 1) L.polyline(path, { color: '#1f4e79', weight: 3, opacity: 0.7 }).addTo(map);
      for (const s of stops) {
        L.circleMarker([s.lat, s.lon], { radius: 13, color: '#fff', weight: 2, fillColor: COLORS[s.segment] || '#1f4e79', fillOpacity: 1 })
          .bindTooltip(String(s.seq), { permanent: true, direction: 'center', className: 'seq-label' })
          .on('click', () => go(`/account/${s.account_id}`)).addTo(map);
      }
      for (const e of ends) L.circleMarker([e.lat, e.lon], { radius: 7, color: '#1f4e79', fillOpacity: 1 }).addTo(map);
      if (path.length) map.fitBounds(path, { padding: [30, 30] }); else map.setView([47.32, 5.04], 9);
    });
    return () => { cancelled = true; map?.remove(); };
  }, [plan, accounts.size]);
  return html`<div class="map leaflet-host" ref=${el}></div>`;
}

function Schematic({ plan, accounts }) {
  const { stops, ends } = points(plan, accounts);
  const all = [...stops, ...ends];
  if (!all.length) return html`<div class="map schematic empty"><p class="muted">${t('mapOffline')}</p></div>`;
  const W = 600, H = 600, pad = 40;
  const lats = all.map((p) => p.lat), lons = all.map((p) => p.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180); // keep distances honest east-west
  const span = Math.max((maxLon - minLon) * k, maxLat - minLat, 0.01);
  const xy = (p) => [pad + (((p.lon - minLon) * k) / span) * (W - 2 * pad), H - pad - ((p.lat - minLat) / span) * (H - 2 * pad)];
  const path = [plan?.start, ...stops, plan?.end].filter((p) => p?.lat != null).map((p) => xy(p).join(',')).join(' ');
  return html`
    <figure class="map schematic">
      <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${t('mapOffline')}>
        <polyline points=${path} fill="none" stroke="#1f4e79" stroke-width="3" stroke-dasharray="8 6" />
        ${ends.map((e) => { const [x, y] = xy(e); return html`<rect x=${x - 7} y=${y - 7} width="14" height="14" fill="#1f4e79" />`; })}
        ${stops.map((s) => { const [x, y] = xy(s); return html`
          <g class="pin" onClick=${() => go(`/account/${s.account_id}`)}>
            <circle cx=${x} cy=${y} r="18" fill=${COLORS[s.segment] || '#1f4e79'} stroke="#fff" stroke-width="3" />
            <text x=${x} y=${y + 6} text-anchor="middle" font-size="17" fill="#fff" font-weight="bold">${s.seq}</text>
          </g>`; })}
      </svg>
      <figcaption>${t('mapOffline')}</figcaption>
    </figure>`;
}

export function TourMap({ plan, accounts }) {
  return online.value ? html`<${LeafletMap} plan=${plan} accounts=${accounts} />` : html`<${Schematic} plan=${plan} accounts=${accounts} />`;
}
