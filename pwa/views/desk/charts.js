// uPlot, loaded only when a chart is first shown (it is not part of the tablet's
// start-up), with its stylesheet (a <link>: the CSP forbids inline styles).
import { useEffect, useRef } from '../../vendor/preact-hooks.mjs';
import { html } from '../../lib/ui.js';
import { locale, fmtNumber } from '../../lib/lang.js';
import { w } from './words.js';

let loading = null;
function loadUplot() {
  if (!loading) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/vendor/uplot.css';
    document.head.append(link);
    loading = import('../../vendor/uplot.mjs').then((m) => m.default);
  }
  return loading;
}

export const SEG_COLORS = { A: '#d4a017', B: '#7d8a99', C: '#b0703c' };
// Values from 0, as bars must be (uPlot starts near the lowest value); below only for a value below 0.
export const Y_SCALE = { range: { min: { soft: 0, mode: 2 }, max: { pad: 0.1, mode: 3 } } };
/** The (i) of a figure's explanation, on the dashboard and the forecast. */
export const InfoIcon = () => html`<svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
  stroke-width="2" stroke-linecap="round"><circle cx="12" cy="12" r="9" /><path d="M12 11v6M12 7.5v.5" /></svg>`;

// A last point still growing (the current month, half-way through): each series' stretch to it is a
// series of its own, dashed and lighter, left out of the legend; the full ones stop before it (their
// legend still says its value: `all`).
function withPartial(series) {
  const last = series[0]?.values.length - 1;
  const keep = (values, from) => values.map((v, i) => (i >= from ? v : null));
  return [...series.map((s) => ({ ...s, all: s.values, values: s.values.map((v, i) => (i === last ? null : v)) })),
    ...series.map((s) => ({ ...s, partial: true, values: keep(s.values, s.bars ? last : last - 1) }))];
}

/** A uPlot chart: `x` = Unix seconds, `series` = [{label, values, color, bars}], redrawn when `data` changes.
 * `partial`: the last x is not over yet (drawn dashed and lighter, see withPartial). Bars keep half a
 * step of room at each end, so that the first and last are drawn whole. */
export function Chart({ x, series: given, title, height = 240, yFormat, testid, partial = false }) {
  const series = partial ? withPartial(given) : given;
  const box = useRef(null);
  useEffect(() => {
    let plot = null;
    let alive = true;
    loadUplot().then((uPlot) => {
      if (!alive || !box.current) return;
      const bars = uPlot.paths.bars({ size: [0.6, 60] });
      const half = x.length > 1 ? (x[1] - x[0]) / 2 : 15 * 86400;
      const month = new Intl.DateTimeFormat(locale(), { month: 'short', year: '2-digit' });
      const day = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric' });
      const opts = {
        title, width: box.current.clientWidth || 600, height,
        // uPlot's x range ends at the first and last x: a bar centred there would be cut in half.
        scales: { x: { time: true, ...(series.some((s) => s.bars) && { range: (u, min, max) => [min - half, max + half] }) }, y: Y_SCALE },
        // Axis ticks and legend values through Intl, in the user's language (uPlot's own are English).
        axes: [{ values: (u, ticks) => ticks.map((v) => month.format(new Date(v * 1000))) },
          { values: (u, ticks) => ticks.map((v) => (yFormat ? yFormat(v) : fmtNumber(v, 1))), size: 70 }],
        // The x series' legend label: uPlot writes its own English "Time" for an empty one.
        series: [{ label: w('fc.by.month'), value: (u, v) => (v == null ? '–' : day.format(new Date(v * 1000))) },
          ...series.map((s) => ({ label: s.label, value: (u, raw, si, i) => {
            const v = raw ?? s.all?.[i];
            return v == null ? '–' : yFormat ? yFormat(v) : fmtNumber(v, 1);
          },
            stroke: s.partial ? `${s.color}99` : s.color, fill: s.bars ? `${s.color}${s.partial ? '44' : '99'}` : undefined,
            dash: s.partial ? [6, 4] : undefined, width: 2, paths: s.bars ? bars : undefined, points: { show: !s.bars } }))],
      };
      plot = new uPlot(opts, [x, ...series.map((s) => s.values)], box.current);
      series.forEach((s, i) => s.partial && plot.root.querySelectorAll('.u-legend .u-series')[i + 1]?.classList.add('partial'));
      box.current.plot = plot; // the browser tests read its scales
    });
    return () => { alive = false; if (plot) plot.destroy(); };
  }, [JSON.stringify([x, series.map((s) => [s.label, s.values])]), title, partial]);
  return html`<div class="chart" ref=${box} data-testid=${testid} />`;
}
