// npm run calibrate: checks the meter against outages the harness injects itself.
import { CannotMeasure } from '../errors.ts';
import { calibrate, calibrationVerdict, pathText, tolerance, type CalibrationRow } from '../run/calibration.ts';
import { DRIVERS } from '../reference/drivers/index.ts';
import { crossCheck, REFERENCES, type CrossCheck, type Reference } from '../run/cross-check.ts';
import type { OutageMode } from '../run/plans.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { progressLine } from './progress.ts';
import { durationFlag } from '../scenario/schema.ts';
import { helpLines, HELP_FLAG, jsonFlag, overridesOf, parserOptions, type Flags } from './flags.ts';
import { SCENARIO_FLAGS } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

const MODES: OutageMode[] = ['503', 'reset', 'refuse'];
const CALIBRATE_FLAGS = {
  modes: { type: 'string', default: MODES.join(','), value: '<list>', help: `outage kinds, comma-separated (default: ${MODES.join(',')})` },
  durations: {
    type: 'string',
    default: '20,50,200,1000,2000',
    value: '<list>',
    help: 'outage lengths, comma-separated, e.g. 20ms,0.5s,2s; a bare number\nis milliseconds (default: 20,50,200,1000,2000)',
  },
  set: { ...SCENARIO_FLAGS.set, help: 'override the load (e.g. --set load.connections=64), repeatable' },
  'cross-check': {
    type: 'boolean',
    help: `instead: the harness's load against an independent client, same nginx,
same reloads, runs interleaved; prints failed requests per reload of each
and whether they agree within max(2, 25 %) of the reference (exit 0
agree, 1 not)`,
  },
  reference: {
    type: 'string',
    default: 'undici',
    value: '<name>',
    help: `cross-check: undici (default): undici clients, one connection each on its
own schedule, at the idle-clients shape (open model, 2,000 req/s over 200
connections); wrk: Debian's wrk, one connection per thread, at the
keepalive-60s shape (closed loop, 32 connections); or a real client
library's driver (docs/CLIENTS.md):
${DRIVERS.filter((d) => d.name !== 'undici').map((d) => d.name).join(', ')}`,
  },
  pairs: { type: 'string', default: '3', value: '<n>', help: 'cross-check: interleaved pairs of runs (default: 3)' },
  delay: { type: 'string', default: '0', value: '<ms>', help: 'cross-check: added each way by the delay line (default: 0, loopback)' },
  ...jsonFlag('rows as JSON'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run calibrate -- [options]

Runs steady keep-alive load through a real nginx while the live app fails on purpose for a
known time (answers 503, resets connections, or refuses them), and compares what the harness
measures (errorWindowMs, maxGapMs) with the app's own record of the outage. Tolerance:
max(2 ms, 5 %). docs/MEASUREMENT.md defines every figure and the calibration.

Options:
${helpLines(CALIBRATE_FLAGS, 21)}

Exit codes: 0 every outage measured within tolerance, 1 some were not, 2 could not measure.`;

async function main(): Promise<number> {
  const parsed = parseCommandLine({ options: parserOptions(CALIBRATE_FLAGS) });
  const { values } = parsed;
  if (values.help) return print(HELP);
  const modes = values.modes!.split(',') as OutageMode[];
  const bad = modes.find((m) => !MODES.includes(m));
  if (bad) throw new CannotMeasure(`--modes: unknown mode "${bad}" (known: ${MODES.join(', ')})`);
  const durations = values.durations!.split(',').map((d) => durationFlag('durations', d.trim(), 1, 10_000));
  const overrides = overridesOf({ set: CALIBRATE_FLAGS.set }, values);

  const progress = progressLine();
  const stopped = stopOnSignals(progress, 'ending the load, stopping nginx and the app…');
  if (values['cross-check']) {
    const pairs = Number(values.pairs);
    if (!Number.isInteger(pairs) || pairs < 1 || pairs > 20) throw new CannotMeasure(`--pairs: expected a whole number from 1 to 20, got "${values.pairs}"`);
    const delayMs = durationFlag('delay', values.delay!, 0, 1000);
    const reference = values.reference as Reference;
    if (!(reference in REFERENCES)) throw new CannotMeasure(`--reference: expected one of ${Object.keys(REFERENCES).join(', ')}, got "${values.reference}"`);
    const result = await crossCheck(
      { reference, pairs, switches: 10, spacingMs: 1000, delayMs, overrides },
      {
        signal: stopped.signal,
        onProgress: (p) => progress.update(`cross-check: ${p.step}, ${p.requests.toLocaleString('en-US')} requests`),
        onRun: (r) => {
          progress.clear();
          process.stderr.write(`cross-check pair ${r.pair} ${r.client}: ${r.failedPerSwitch.toFixed(1)} failed per reload (${r.failed} of ${r.requests})${r.error ? `, not used: ${r.error}` : ''}\n`);
        },
      },
    );
    if (stopped.exitCode !== null) return stopped.exitCode;
    progress.clear();
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${crossCheckText(result)}\n`);
    return result.agrees ? 0 : 1;
  }
  const rows: CalibrationRow[] = [];
  for (const mode of modes) {
    const { run, rows: measured, unrelatedFailures } = await calibrate(mode, durations, overrides, {
      signal: stopped.signal,
      onProgress: (p) => progress.update(`calibrating ${mode}: ${p.step}, ${p.requests.toLocaleString('en-US')} requests`),
    });
    if (stopped.exitCode !== null) return stopped.exitCode;
    if (run.meta.error) throw new CannotMeasure(`calibration run (${mode}) failed: ${run.meta.error}`);
    if (unrelatedFailures > 0) {
      throw new CannotMeasure(`calibration run (${mode}): ${unrelatedFailures} failures unrelated to any outage; the baseline is not clean`);
    }
    rows.push(...measured);
  }
  progress.clear();
  if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else process.stdout.write(`${formatRows(rows)}\n`);
  process.stderr.write(`${calibrationVerdict(rows)}\n`);
  return rows.every((r) => r.withinTolerance) ? 0 : 1;
}

function crossCheckText(c: CrossCheck): string {
  const where = c.delayMs > 0 ? `${c.delayMs} ms added each way` : 'loopback';
  const rows = c.runs.map((r) => `  pair ${r.pair}  ${r.client.padEnd(Math.max(7, c.reference.length))}  ${r.failedPerSwitch.toFixed(1).padStart(6)} failed per reload  (${r.failed} of ${r.requests.toLocaleString('en-US')} requests${r.error ? `; not used: ${r.error}` : ''})`);
  const shape = c.model === 'open' ? `${c.rate.toLocaleString('en-US')} req/s over ${c.connections} connections` : `closed loop over ${c.connections} connections`;
  return [
    `cross-check against ${c.reference}, ${where}, ${c.scenario} (${shape}):`,
    ...rows,
    `median failed per reload: harness ${c.harness.toFixed(1)}, ${c.reference} ${c.referenceFailed.toFixed(1)}; ${c.agrees ? 'agree' : 'DISAGREE'} (bound ±${c.bound.toFixed(1)})`,
  ].join('\n');
}

function formatRows(rows: CalibrationRow[]): string {
  const head = ['mode', 'planned ms', 'truth ms', 'errorWindow ms', 'Δ', 'path', 'maxGap ms', 'Δ', 'tolerance', 'failed', ''];
  const body = rows.map((r) => [
    r.mode,
    String(r.plannedMs),
    r.truthMs.toFixed(2),
    r.errorWindowMs.toFixed(2),
    (r.errorWindowMs - r.truthMs).toFixed(2),
    pathText(r),
    r.maxGapMs.toFixed(2),
    (r.maxGapMs - r.truthMs).toFixed(2),
    `±${tolerance(r.truthMs).toFixed(2)}`,
    String(r.failedRequests),
    r.withinTolerance ? 'ok' : 'OUT',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

main().then((code) => process.exit(code), exitOnError);
