// What turns a chart spec (plain JSON from charts.ts) into a Chart.js configuration: the
// plugin that draws switch events and shaded spans, and the tick formats a spec names. One
// source for both renderers: report.html inlines this file's text as it is (no build step),
// and png.ts requires it. Plain ES2020 in CommonJS form, no dependencies, no Node APIs.
'use strict';

/** @typedef {any} ChartJs a Chart.js chart, its options, or a spec: typed by Chart.js, not here */

/** Vertical lines (switch events) and shaded spans (error window, longest gap) on the x axis. */
const markersPlugin = {
  id: 'dtMarkers',
  /** @param {ChartJs} chart @param {unknown} _args @param {ChartJs} opts */
  beforeDatasetsDraw(chart, _args, opts) {
    const spans = (opts && opts.spans) || [];
    const { ctx, chartArea: a, scales } = chart;
    const x = scales.x;
    ctx.save();
    for (const s of spans) {
      const from = Math.max(a.left, x.getPixelForValue(s.from));
      const to = Math.min(a.right, x.getPixelForValue(s.to));
      if (to < a.left || from > a.right) continue;
      ctx.fillStyle = s.color;
      ctx.fillRect(from, a.top, Math.max(1, to - from), a.bottom - a.top);
    }
    ctx.restore();
  },
  /** @param {ChartJs} chart @param {unknown} _args @param {ChartJs} opts */
  afterDatasetsDraw(chart, _args, opts) {
    const lines = (opts && opts.lines) || [];
    const { ctx, chartArea: a, scales } = chart;
    const x = scales.x;
    ctx.save();
    /** @type {{ px: number, m: ChartJs }[]} */
    const shown = [];
    for (const m of lines) {
      const px = x.getPixelForValue(m.x);
      if (px < a.left || px > a.right) continue;
      shown.push({ px, m });
      ctx.strokeStyle = m.color;
      ctx.lineWidth = m.width || 1;
      ctx.setLineDash(m.dash || []);
      ctx.beginPath();
      ctx.moveTo(px, a.top);
      ctx.lineTo(px, a.bottom);
      ctx.stroke();
    }
    // Labels after every line, so no later line crosses one; rows packed so none overlaps.
    ctx.font = `${LABEL_FONT_PX}px sans-serif`;
    ctx.textBaseline = 'top';
    ctx.setLineDash([]);
    const labelled = shown.filter((s) => s.m.label);
    const placed = placeLabels(
      labelled.map((s) => ({ px: s.px, width: ctx.measureText(s.m.label).width })),
      a.left,
      a.right,
    );
    /** @type {ChartJs[]} */
    const boxes = [];
    placed.forEach((p, i) => {
      const { px, m } = labelled[i];
      const y = a.top + 2 + p.row * LABEL_ROW_PX;
      ctx.fillStyle = 'rgba(255,255,255,0.92)';
      ctx.fillRect(p.x - 1, y - 1, p.width + 2, LABEL_ROW_PX - 1);
      // the leader: a tick from the event's line to its label, on the label's side
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, y + LABEL_FONT_PX / 2);
      ctx.lineTo(p.side === 'right' ? p.x - 1 : p.x + p.width + 1, y + LABEL_FONT_PX / 2);
      ctx.stroke();
      ctx.fillStyle = m.color;
      ctx.fillText(m.label, p.x, y);
      boxes.push({ label: m.label, lineX: px, x: p.x, y, width: p.width, height: LABEL_ROW_PX - 1, side: p.side, row: p.row });
    });
    // what was drawn where, for the browser tests
    chart.$dtLabels = { boxes, area: { left: a.left, right: a.right, top: a.top, bottom: a.bottom } };
    ctx.restore();
  },
};

const LABEL_FONT_PX = 10;
const LABEL_ROW_PX = 12;
/** Room left between two labels in a row, and between a line and its label. */
const LABEL_GAP_PX = 4;

/**
 * Where each event label goes: beside its line, to the right or else to the left, in the
 * first row from the top where it overlaps no label already placed. Events close together
 * (six within 60 ms at a reload) so fall into separate rows, each label beside its own line.
 * A side where another event's line runs about as close to the label's near edge as its own
 * (lines a few pixels apart) would read as that line's label: such a side is taken only when
 * no clear one fits in the first LABEL_CLEAR_ROWS rows.
 * items in any order; returns, per item, its text's left edge, side and row.
 * @param {{ px: number, width: number }[]} items
 * @param {number} left @param {number} right
 * @returns {{ x: number, width: number, side: 'right' | 'left', row: number }[]}
 */
function placeLabels(items, left, right) {
  /** @type {[number, number][][]} */
  const rows = [];
  /** @type {{ x: number, width: number, side: 'right' | 'left', row: number }[]} */
  const out = new Array(items.length);
  const order = items.map((_, i) => i).sort((i, j) => items[i].px - items[j].px);
  const free = (/** @type {number} */ row, /** @type {number} */ from, /** @type {number} */ to) =>
    (rows[row] || []).every(([a, b]) => to + LABEL_GAP_PX <= a || from >= b + LABEL_GAP_PX);
  for (const i of order) {
    const { px, width } = items[i];
    const clear = (/** @type {number} */ edge) => items.every((o, j) => j === i || Math.abs(o.px - edge) >= LABEL_GAP_PX + 2);
    /** @type {{ x: number, side: 'right' | 'left', clear: boolean }[]} */
    const sides = [];
    if (px + LABEL_GAP_PX + width <= right) sides.push({ x: px + LABEL_GAP_PX, side: 'right', clear: clear(px + LABEL_GAP_PX) });
    if (px - LABEL_GAP_PX - width >= left) sides.push({ x: px - LABEL_GAP_PX - width, side: 'left', clear: clear(px - LABEL_GAP_PX) });
    if (!sides.length) sides.push({ x: Math.max(left, Math.min(px + LABEL_GAP_PX, right - width)), side: 'right', clear: true });
    let fit = null;
    for (let row = 0; row < LABEL_CLEAR_ROWS && !fit; row++) {
      const s = sides.find((c) => c.clear && free(row, c.x, c.x + width));
      if (s) fit = { ...s, row };
    }
    for (let row = 0; !fit; row++) {
      const s = sides.find((c) => free(row, c.x, c.x + width));
      if (s) fit = { ...s, row };
    }
    (rows[fit.row] = rows[fit.row] || []).push([fit.x, fit.x + width]);
    out[i] = { x: fit.x, width, side: fit.side, row: fit.row };
  }
  return out;
}

/** Rows in which a label waits for a side no other line crowds before taking a crowded one. */
const LABEL_CLEAR_ROWS = 4;

/**
 * Range bars: for each category a whisker (a vertical line with end caps) from min to max, and
 * the median's value written above the bar, so a zero bar is still labelled and read.
 */
const rangesPlugin = {
  id: 'dtRanges',
  /** @param {ChartJs} chart @param {unknown} _args @param {ChartJs} opts */
  afterDatasetsDraw(chart, _args, opts) {
    const ranges = (opts && opts.ranges) || [];
    if (!ranges.length) return;
    const { ctx, scales } = chart;
    const x = scales.x;
    const y = scales.y;
    ctx.save();
    ctx.strokeStyle = '#24292f';
    ctx.fillStyle = '#24292f';
    ctx.lineWidth = 1.5;
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ranges.forEach((/** @type {ChartJs} */ r, /** @type {number} */ i) => {
      const px = x.getPixelForValue(i);
      const top = y.getPixelForValue(r.max);
      const bottom = y.getPixelForValue(r.min);
      if (r.max > r.min) {
        ctx.beginPath();
        ctx.moveTo(px, bottom);
        ctx.lineTo(px, top);
        for (const at of [top, bottom]) {
          ctx.moveTo(px - 6, at);
          ctx.lineTo(px + 6, at);
        }
        ctx.stroke();
      }
      const labelY = Math.min(top, y.getPixelForValue(r.median)) - 3;
      ctx.fillText(r.text, px, Math.max(chart.chartArea.top + 12, labelY));
    });
    ctx.restore();
  },
};

/** White behind the chart: a PNG is otherwise transparent, and unreadable on dark viewers. */
const backgroundPlugin = {
  id: 'dtBackground',
  /** @param {ChartJs} chart */
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

const PERCENTILE_TICKS = [1, 10, 100, 1000, 10000, 100000, 1000000];
/** @type {Record<string, (value: number | string) => string>} */
const FORMATS = {
  /** x = 1/(1-p): only the powers of ten are labelled, as percentiles */
  percentile(value) {
    const v = Number(value);
    if (!PERCENTILE_TICKS.some((t) => Math.abs(t - v) / t < 1e-6)) return '';
    const p = 100 * (1 - 1 / v);
    return `${Number(p.toFixed(4))}%`;
  },
  /** log axes: 1, 2, 5 times a power of ten, nothing between */
  log125(value) {
    const v = Number(value);
    const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? String(Number(v.toPrecision(3))) : '';
  },
  thousands(value) {
    return Number(value).toLocaleString('en-US');
  },
};

/**
 * A Chart.js configuration from a spec: a deep copy, tick formats named by `ticks.dtFormat`
 * turned into callbacks, the plugins added. target: 'html' (responsive) or 'png' (fixed size).
 */
/** @param {ChartJs} spec @param {'html' | 'png'} target @returns {ChartJs} */
function hydrate(spec, target) {
  /** @type {ChartJs} */
  const config = JSON.parse(JSON.stringify(spec));
  /** @type {ChartJs} */
  const options = (config.options = config.options || {});
  options.animation = false;
  if (target === 'png') {
    options.responsive = false;
    options.devicePixelRatio = 1;
  } else {
    options.responsive = true;
    options.maintainAspectRatio = false;
  }
  for (const scale of /** @type {ChartJs[]} */ (Object.values(options.scales || {}))) {
    const format = scale.ticks && scale.ticks.dtFormat;
    if (format) {
      delete scale.ticks.dtFormat;
      scale.ticks.callback = FORMATS[format];
    }
  }
  config.plugins = [markersPlugin, rangesPlugin, backgroundPlugin];
  return config;
}

module.exports = { hydrate, FORMATS, placeLabels };
