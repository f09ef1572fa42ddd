// A handful of line icons as inline SVG (no icon font, no emoji font needed on the tablet).
import { html } from './ui.js';

const PATHS = {
  tour: 'M9 4 3 6v14l6-2 6 2 6-2V4l-6 2-6-2zm0 0v14m6-12v14',
  accounts: 'M4 21V5l8-2v18M12 9h8v12M7 8h2M7 12h2M7 16h2M15 13h2M15 17h2M2 21h20',
  agenda: 'M4 6h16v15H4zM4 10h16M8 3v5M16 3v5',
  quotes: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7',
  pipeline: 'M4 20h16M6 16v-4M10 16V8M14 16v-6M18 16V5',
  sync: 'M20 11a8 8 0 0 0-14.5-4.5M4 4v4h4M4 13a8 8 0 0 0 14.5 4.5M20 20v-4h-4',
  car: 'M5 16h14M6 16l1.5-5h9L18 16v3H6zM8 19v1M16 19v1',
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2',
  mail: 'M3 6h18v12H3zM3 6l9 7 9-7',
  pin: 'M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12zM12 11.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5',
  camera: 'M4 8h4l2-3h4l2 3h4v11H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8',
};

export const Icon = ({ name, size = 24 }) => html`
  <svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" fill="none"
    stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d=${PATHS[name]} /></svg>`;
