// A stored run's views from the synthetic run (no nginx): PNG charts that are real PNGs of the
// expected size and not blank, a self-contained report.html carrying the same chart specs, the
// run index and the comparison report.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { timelineSpec, zoomSpec, latencySpec } from '../../harness/report/charts.ts';
import { buildComparison, compareCharts, renderCompare } from '../../harness/report/compare.ts';
import { runCharts } from '../../harness/report/html.ts';
import { indexEntries, writeIndex } from '../../harness/report/index-page.ts';
import { PNG_SIZE } from '../../harness/report/png.ts';
import { RUNTIME } from '../../harness/report/page.ts';
import { harnessClientOf } from '../../harness/run/run.ts';
import { analyzeRun, newRunDir, reportRun, storeRun } from '../../harness/run/store.ts';
import { buildReport, type Report } from '../../harness/stored/report.ts';
import { formatSummary } from '../../harness/report/summary.ts';
import { syntheticRun, syntheticRunAs } from './report-fixture.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and the share of pixels that differ from the first one (decoded from IDAT). */
function inspectPng(buf: Buffer): { width: number; height: number; varied: number } {
  expect(buf.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(buf.toString('latin1', 12, 16)).toBe('IHDR');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const bitDepth = buf[24];
  const colourType = buf[25];
  expect(bitDepth).toBe(8);
  const channels = { 2: 3, 6: 4 }[colourType as 2 | 6];
  expect(channels).toBeDefined();
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    if (buf.toString('latin1', off + 4, off + 8) === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  // Undo the per-row filters (PNG spec 9.2) to compare real pixel values.
  const stride = width * channels!;
  const prev = Buffer.alloc(stride);
  const cur = Buffer.alloc(stride);
  let varied = 0;
  let first: string | null = null;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels! ? cur[i - channels!] : 0;
      const b = prev[i];
      const c = i >= channels! ? prev[i - channels!] : 0;
      const p = a + b - c;
      const pred = [0, a, b, Math.floor((a + b) / 2), Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][filter];
      cur[i] = (row[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const px = cur.subarray(x * channels!, x * channels! + 3).toString('hex');
      first ??= px;
      if (px !== first) varied++;
    }
    cur.copy(prev);
  }
  return { width, height, varied: varied / (width * height) };
}

let dir: string;
let root: string;
let report: Report;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'downtime-report-test-'));
  dir = await newRunDir(root, 'keepalive-60s', new Date('2026-11-24T12:00:00Z'));
  report = await storeRun(dir, syntheticRun());
}, 60_000);

describe('PNG charts', () => {
  it('are written for the timeline, latency and each switch: valid PNGs, expected sizes, not blank', () => {
    const files = readdirSync(join(dir, 'charts')).sort();
    expect(files).toEqual(['latency.png', 'switch-01.png', 'timeline.png', 'worst-switch.png']);
    const expected = { 'timeline.png': PNG_SIZE.timeline, 'latency.png': PNG_SIZE.latency, 'switch-01.png': PNG_SIZE.zoom, 'worst-switch.png': PNG_SIZE.zoom };
    for (const [file, size] of Object.entries(expected)) {
      const png = inspectPng(readFileSync(join(dir, 'charts', file)));
      expect({ file, width: png.width, height: png.height }).toEqual({ file, ...size });
      // White background plus axes, lines and text: a blank or one-colour image fails.
      expect(png.varied, file).toBeGreaterThan(0.01);
      expect(png.varied, file).toBeLessThan(0.9);
    }
  });
});

describe('report.html', () => {
  it('is self-contained: Chart.js, the runtime and every chart spec inlined, no external URL loaded', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<canvas id="timeline"');
    expect(html).toContain('<canvas id="zoom-1"');
    expect(html).toContain('<canvas id="latency"');
    expect(html).toContain('window.DowntimeCharts');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/);
    const specs = JSON.parse(/<script id="chart-specs" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);
    expect(specs.map((c: { id: string }) => c.id)).toEqual(['timeline', 'zoom-1', 'latency']);
    expect(html).toContain('UND_ERR_SOCKET');
    expect(html).toContain('other side closed');
    expect(html).toContain('charts/timeline.png');
    expect(html).toContain('nginx.conf');
    // verdict first: before the timeline
    expect(html.indexOf('class="verdict')).toBeLessThan(html.indexOf('<canvas'));
  });

  it('chart specs are plain JSON, and the one runtime makes Chart.js configs of them for both renderers', () => {
    const specs = runCharts(report, []).map((c) => c.spec);
    for (const spec of [...specs, timelineSpec(report), latencySpec(report)]) {
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
    const runtime = createRequire(import.meta.url)(RUNTIME);
    const html = runtime.hydrate(latencySpec(report), 'html');
    const png = runtime.hydrate(latencySpec(report), 'png');
    expect(html.options.responsive).toBe(true);
    expect(png.options.responsive).toBe(false);
    expect(typeof png.options.scales.x.ticks.callback).toBe('function');
    expect(png.options.scales.x.ticks.callback(1000)).toBe('99.9%');
    expect(png.options.scales.x.ticks.callback(1500)).toBe('');
    expect(png.plugins.map((p: { id: string }) => p.id)).toContain('dtMarkers');
  });

  it('the timeline stays within its point budget for a long run', () => {
    const long = structuredClone(report);
    const n = 60_000; // 10 minutes at 10 ms
    long.analysis.timeline = { ...long.analysis.timeline, ok: new Array(n).fill(100), blue: new Array(n).fill(100), green: new Array(n).fill(0), failed: new Array(n).fill(0), failedByCode: {} };
    long.analysis.timeline.blue[33_333] = 0;
    const spec = timelineSpec(long);
    const blue = spec.data.datasets[0].data as [number, number][];
    expect(blue.length).toBeLessThanOrEqual(2000);
    expect(Math.min(...blue.map((p) => p[1]))).toBeLessThan(10_000); // the dip is still there
  });

  it('a zoom spec shades the error window and the gap and draws the reload', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const specs = JSON.parse(/<script id="chart-specs" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);
    const zoom = specs[1].spec;
    expect(zoom.options.plugins.dtMarkers.spans).toHaveLength(2);
    const labels = zoom.options.plugins.dtMarkers.lines.map((l: { label: string }) => l.label);
    // every step of the switch, so a dip before the reload is read as the new colour starting
    expect(labels).toEqual(['new colour starting', 'new colour healthy', 'include written', 'nginx -t', 'reload', 'new workers up', 'old workers gone', 'old colour told to stop']);
    expect(zoomSpec).toBeTypeOf('function');
  });
});

describe("the meter's own health in every report", () => {
  it('summary.txt and report.html carry the load threads\' stalls, also beside the switch they fall in', () => {
    // The fixture's one stall: 1.2 ms at 1.5 s, inside its switch's horizon.
    const summary = readFileSync(join(dir, 'summary.txt'), 'utf8');
    expect(summary).toContain('load threads: 1; their event-loop stalls >= 1 ms: 1 (0 >= 5 ms), longest 1.20 ms at 1.50 s; inside switch horizons');
    expect(report.analysis.disruptions[0].loadStallMs).toBe(1.2);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('load shape and meter');
    expect(html).toContain('their event-loop stalls &gt;= 1 ms: 1');
    // Stored with the run, so a re-analysis finds them again.
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).loadStalls).toEqual([{ thread: 0, atUs: 1_500_000, lengthUs: 1200 }]);
  });
});

describe('edge cases', () => {
  it('runs started in the same second into one directory each get their own, made at once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'downtime-report-same-second-'));
    const at = new Date('2026-12-02T01:02:03Z');
    const dirs = await Promise.all(Array.from({ length: 5 }, () => newRunDir(root, 'keepalive-60s', at)));
    expect(new Set(dirs).size).toBe(5);
    expect(readdirSync(root).sort()).toEqual(['20261202-010203-keepalive-60s', ...[2, 3, 4, 5].map((i) => `20261202-010203-keepalive-60s-${i}`)]);
  });

  it('a run with no requests and no switches still gets its page and PNGs', async () => {
    const run = syntheticRun();
    run.records = { ...run.records, count: 0, start: new Float64Array(0), end: new Float64Array(0), outcome: new Uint8Array(0), status: new Uint16Array(0), error: new Uint8Array(0), conn: new Uint32Array(0), reused: new Uint8Array(0), colour: new Uint8Array(0) };
    run.disruptions = [];
    run.meta.error = 'stopped before the load';
    const empty = await newRunDir(mkdtempSync(join(tmpdir(), 'downtime-report-empty-')), 'keepalive-60s');
    const r = await storeRun(empty, run);
    expect(r.analysis.totals.requests).toBe(0);
    const html = readFileSync(join(empty, 'report.html'), 'utf8');
    expect(html).toContain('COULD NOT MEASURE');
    expect(readdirSync(join(empty, 'charts')).sort()).toEqual(['latency.png', 'timeline.png']);
  });
});

describe('run index and comparison', () => {
  it('index.html lists runs newest first with verdict, failed and links', async () => {
    const older = await newRunDir(root, 'keepalive-60s', new Date('2026-11-24T11:00:00Z'));
    const run = syntheticRun();
    run.meta.startedAt = '2026-11-24T11:00:00.000Z';
    await storeRun(older, run);
    await writeIndex(root);
    const entries = await indexEntries(root);
    expect(entries.map((e) => e.startedAt)).toEqual(['2026-11-24T12:00:00.000Z', '2026-11-24T11:00:00.000Z']);
    expect(entries[0].failed).toBe(6);
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    expect(html).toContain('20261124-120000-keepalive-60s/report.html');
    expect(html.indexOf('20261124-120000')).toBeLessThan(html.indexOf('20261124-110000'));
  });

  it('the comparison shows ranges over repeats and links each run', () => {
    const out = join(root, 'cmp');
    const c = buildComparison([{ label: 'keepalive-60s', runs: [{ dir, report }, { dir, report: { ...report, analysis: { ...report.analysis, totals: { ...report.analysis.totals, failed: 10 } } } }] }], out);
    expect(c.groups[0].figures.failed).toMatchObject({ min: 6, max: 10, median: 8 });
    const html = renderCompare(c);
    expect(html).toContain('<canvas id="cmp-failed"');
    expect(html).toContain('<canvas id="cmp-p99LatencyMs"');
    expect(html).toContain('../20261124-120000-keepalive-60s/report.html');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});

describe('comparison charts', () => {
  it('label every bar with its median (a zero bar too) and draw the range as a whisker, not a second series', () => {
    const zero = { ...report, analysis: { ...report.analysis, totals: { ...report.analysis.totals, failed: 0 } } };
    const c = buildComparison([{ label: 'a', runs: [{ dir, report }] }, { label: 'b', runs: [{ dir, report: zero }] }], join(root, 'cmp2'));
    const spec = compareCharts(c).find((ch) => ch.id === 'cmp-failed')!.spec as unknown as { data: { datasets: unknown[] }; options: { plugins: { dtRanges: { ranges: { text: string; min: number; max: number }[] } } } };
    expect(spec.data.datasets).toHaveLength(1);
    expect(spec.options.plugins.dtRanges.ranges.map((r) => r.text)).toEqual(['6', '0']);
  });
});

describe('an open-model run that fell behind its schedule', () => {
  it('says so in the summary, with how late and how many never went out', () => {
    const run = syntheticRun();
    run.scenario = { ...run.scenario, load: { ...run.scenario.load, model: 'open', rate: 2000 } };
    run.meta.loadUnsent = 12;
    const a = analyzeRun(run.records, run.disruptions, run.scenario, run.loadStalls);
    const text = formatSummary(buildReport(run.meta, run.scenario, a));
    expect(text).toContain('open model: 2,000 req/s asked (constant)');
    expect(text).toContain('!! the load fell behind its schedule (sent late p50 ');
    expect(text).toContain('12 due requests never sent');
  });
});

describe('a retrying client\'s hidden attempts', () => {
  it('are stored with the run, found again by a re-analysis, and said beside what users saw', async () => {
    const run = syntheticRunAs('keepalive-60s', [{ path: 'load.client', value: 'retrying' }]);
    run.hiddenFailures = [{ startUs: 1_010_000, endUs: 1_011_000, code: 'UND_ERR_SOCKET' }];
    const stored = await newRunDir(mkdtempSync(join(tmpdir(), 'downtime-report-hidden-')), 'keepalive-60s');
    const r = await storeRun(stored, run);
    expect(r.analysis.totals.hiddenByRetry).toBe(1);
    expect(JSON.parse(readFileSync(join(stored, 'run.json'), 'utf8')).hiddenFailures).toEqual(run.hiddenFailures);
    expect((await reportRun(stored)).analysis.totals.hiddenByRetry).toBe(1);
    const summary = readFileSync(join(stored, 'summary.txt'), 'utf8');
    expect(summary).toMatch(/\(1 more hidden by the client's retry\)/);
    expect(summary).toContain('the retry hid 1 more (UND_ERR_SOCKET 1)');
    expect(summary).toMatch(/hidden by retry/);
    expect(readFileSync(join(stored, 'report.html'), 'utf8')).toContain('client retrying (as browsers, curl and Go for GET)');
  });

  it('a run stored before client profiles (no hiddenFailures, no load.client) is re-analysed as a raw client\'s', async () => {
    const stored = await newRunDir(mkdtempSync(join(tmpdir(), 'downtime-report-old-')), 'keepalive-60s');
    await storeRun(stored, syntheticRun());
    const file = JSON.parse(readFileSync(join(stored, 'run.json'), 'utf8'));
    delete file.scenario.load.client;
    delete file.hiddenFailures;
    writeFileSync(join(stored, 'run.json'), JSON.stringify(file));
    const again = await reportRun(stored);
    expect(again.scenario.load.client).toBe('raw');
    expect(again.analysis.totals.hiddenByRetry).toBe(0);
    expect(again.analysis.totals.failed).toBe(6);
  });
});

describe('which client made the load', () => {
  it('run.json says it, report.html names it, and a run stored while the load used undici still names undici', async () => {
    const run = syntheticRun();
    run.meta.client = harnessClientOf(false);
    expect(run.meta.client).toEqual({ name: 'downtime-harness h1', version: JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version });
    expect(harnessClientOf(true)).toEqual({ name: 'node:http2', version: process.versions.node });
    const stored = await newRunDir(mkdtempSync(join(tmpdir(), 'downtime-report-client-')), 'keepalive-60s');
    await storeRun(stored, run);
    expect(JSON.parse(readFileSync(join(stored, 'run.json'), 'utf8')).meta.client).toEqual(run.meta.client);
    expect(readFileSync(join(stored, 'report.html'), 'utf8')).toContain(`load client downtime-harness h1 ${run.meta.client.version}`);
    const file = JSON.parse(readFileSync(join(stored, 'run.json'), 'utf8'));
    delete file.meta.client;
    file.meta.undici = '6.21.0';
    writeFileSync(join(stored, 'run.json'), JSON.stringify(file));
    expect((await reportRun(stored)).meta).toMatchObject({ undici: '6.21.0' });
    expect(readFileSync(join(stored, 'report.html'), 'utf8')).toContain('load client undici 6.21.0');
  });
});
