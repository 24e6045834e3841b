// The traffic shape's charts (shape.html), as plain JSON specs like every other chart
// (charts.ts): the per-bucket series over the log's time, and each distribution's histogram.
import { counted } from '../numbers.ts';
import type { DistributionFigures, Shape } from '../shape/schema.ts';
import { COLOUR, line, MAX_POINTS, title, type ChartSpec } from './charts.ts';
import { asPoints, minMaxDownsample, round3, type Point } from './chart-data.ts';

/** One series of shape.json's buckets over seconds since the log's start, as a rate when `perSecond`. */
export function shapeSeriesSpec(shape: Shape, key: 'requests' | 'opened' | 'open', label: string, perSecond: boolean): ChartSpec {
  const { bucketMs } = shape.series;
  const values = perSecond ? shape.series[key].map((v) => (v * 1000) / bucketMs) : shape.series[key];
  const start = new Date(shape.series.fromMs).toISOString();
  const endS = round3((values.length * bucketMs) / 1000);
  // each bucket's value held over its own time (line()'s steps), the last one closed at the end
  const points: Point[] = [...minMaxDownsample(asPoints(values, bucketMs), MAX_POINTS), [endS, values[values.length - 1]]];
  return {
    type: 'line',
    data: { datasets: [line(label, points, COLOUR.blue, { borderWidth: 1.5 })] },
    options: {
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { title: title(`${label} (${bucketMs / 1000} s buckets)`), legend: { display: false } },
      scales: {
        x: { type: 'linear', min: 0, max: endS, title: { display: true, text: `seconds since ${start}` }, ticks: { dtFormat: 'thousands' } },
        y: { beginAtZero: true, title: { display: true, text: label }, ticks: { dtFormat: 'thousands' } },
      },
    },
  };
}

/** A distribution's fixed buckets as bars, each labelled by its range in the figure's unit. */
export function histogramSpec(d: DistributionFigures, what: string, unit: string): ChartSpec {
  const { edges, counts } = d.histogram;
  const labels = counts.map((_, i) => (i === 0 ? `< ${edges[0]}` : i === edges.length ? `≥ ${edges[i - 1]}` : `${edges[i - 1]}–${edges[i]}`));
  return {
    type: 'bar',
    data: { labels, datasets: [{ label: what, data: counts, backgroundColor: 'rgba(9,105,218,0.45)', borderColor: COLOUR.blue, borderWidth: 1 }] },
    options: {
      plugins: { title: title(`${what}: ${counted(d.count, 'value')}`), legend: { display: false } },
      scales: {
        x: { title: { display: true, text: unit }, ticks: { autoSkip: false } },
        y: { beginAtZero: true, title: { display: true, text: 'count' }, ticks: { dtFormat: 'thousands' } },
      },
    },
  };
}
