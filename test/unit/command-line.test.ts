// One set of units and flags, and messages that lead somewhere: the duration rule every command
// shares, flags npm kept for itself, the nearest field and the expected type, --fields.
import { describe, expect, it } from 'vitest';
import { asRun, flagsNpmSwallowed, parseCommandLine, swallowedMessage } from '../../harness/cli/command-line.ts';
import { overridesFrom, SCENARIO_OPTIONS } from '../../harness/cli/scenario-options.ts';
import { durationFlag } from '../../harness/scenario/schema.ts';
import { formatFields, listFields, nearest } from '../../harness/scenario/fields.ts';
import { FORWARDED_MS, onSignal } from '../../harness/cli/signals.ts';
import { calibrationVerdict, edgeAllowance } from '../../harness/run/calibration.ts';
import { OUTCOME, recordSetOf } from '../../harness/records/records.ts';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import { messageOf } from './cannot-measure.ts';

describe('one duration rule', () => {
  it('units everywhere; a bare number is milliseconds', () => {
    expect(durationFlag('max-gap', '50')).toBe(50);
    expect(durationFlag('max-gap', '50ms')).toBe(50);
    expect(durationFlag('duration', '15s', 1000)).toBe(15_000);
    expect(durationFlag('durations', '0.5s', 1, 10_000)).toBe(500);
    expect(durationFlag('duration', '1.5m')).toBe(90_000);
  });

  it('a bare number too short for a whole run says how to write seconds', () => {
    expect(messageOf(() => durationFlag('duration', '10', 1000))).toBe('--duration 10: 10 ms is shorter than 1 s; a bare number is milliseconds: for 10 seconds write 10s');
    expect(messageOf(() => overridesFrom({ duration: '10' }))).toContain('for 10 seconds write 10s');
    expect(messageOf(() => durationFlag('durations', '20s', 1, 10_000))).toBe('--durations 20s: 20000 ms is longer than 10 s');
    expect(messageOf(() => durationFlag('duration', 'soon'))).toContain('expected a duration such as 500ms, 2s or 1.5m (a bare number is milliseconds)');
  });
});

describe('the protocol flags', () => {
  it('--tls and --http2 set proxy.tls and load.http2', () => {
    expect(overridesFrom({ tls: true, http2: true })).toEqual([
      { path: 'proxy.tls', value: true },
      { path: 'load.http2', value: true },
    ]);
    expect(overridesFrom({})).toEqual([]);
  });
});

describe('flags npm kept for itself', () => {
  const npmRun = { npm_command: 'run', npm_lifecycle_event: 'scenario', npm_lifecycle_script: 'node --import tsx harness/cli/scenario.ts', npm_config_switches: 'true', npm_config_json: 'true' };
  const script = '/repo/harness/cli/scenario.ts';

  it('are found under npm run, by this command\'s own option names', () => {
    expect(flagsNpmSwallowed(['switches', 'json', 'set', 'max-gap'], npmRun, script)).toEqual(['--switches', '--json']);
    expect(flagsNpmSwallowed(['max-gap'], { ...npmRun, npm_config_max_gap: 'true' }, script)).toEqual(['--max-gap']);
  });

  it('are not looked for outside npm run, or when npm ran another script (a test runner)', () => {
    expect(flagsNpmSwallowed(['switches'], { ...npmRun, npm_command: 'exec' }, script)).toEqual([]);
    expect(flagsNpmSwallowed(['switches'], { ...npmRun, npm_lifecycle_script: 'vitest run' }, script)).toEqual([]);
  });

  it('the message says how to pass them', () => {
    const m = swallowedMessage(['--switches'], npmRun);
    expect(m).toContain('npm run scenario -- <arguments and flags>');
    expect(m).toContain('npx downtime-harness scenario <arguments and flags>');
  });
});

describe('flags, in one line that names them', () => {
  // The scenario command's own options, as every command passes its own to the one parser.
  const parse = (...args: string[]) => parseCommandLine({ args, allowPositionals: true, options: { ...SCENARIO_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const says = (...args: string[]) => messageOf(() => parse(...args));

  it('a mistyped flag comes with the nearest real one, as a mistyped field does; nothing near: the flags', () => {
    // Node's own words were "place it at the end of the command after '--'": the wrong way
    expect(says('keepalive-60s', '--switch', '3')).toBe('unknown flag --switch; did you mean --switches?');
    expect(says('keepalive-60s', '--durations=5s')).toBe('unknown flag --durations; did you mean --duration?');
    expect(says('keepalive-60s', '--zzzz')).toMatch(/^unknown flag --zzzz \(the flags: --set, --duration, .*--json, --help\)$/);
  });

  it('a negative number reaches the flag\'s own check; no "ambiguous", no help text', () => {
    expect(messageOf(() => overridesFrom(parse('keepalive-60s', '--switches', '-1').values))).toBe('--switches -1: expected a whole number >= 0');
    expect(parse('x', '--set', 'load.rate=-1').values.set).toEqual(['load.rate=-1']);
    expect(parse('x', '--body', '-1').values.body).toBe('-1');
  });

  it('a missing value, or a value for a switch that takes none, says which flag', () => {
    expect(says('keepalive-60s', '--duration')).toBe('--duration needs a value, and none followed it');
    expect(says('keepalive-60s', '--switches', '--tls')).toBe('--switches needs a value, but --tls followed it (a value that starts with a dash is written --switches=--tls)');
    expect(says('keepalive-60s', '--tls=yes')).toBe('--tls takes no value (it is on when given): write --tls, not --tls=yes');
    expect(messageOf(() => parseCommandLine({ args: ['stray'], options: { json: { type: 'boolean' } } }))).toBe('unexpected argument stray: this command takes flags only (--json)');
  });
});

describe('signals', () => {
  it('under npm run, the same signal again at once is npm\'s copy of a Ctrl-C; a later one, or another signal, exits', () => {
    const first = { name: 'SIGINT' as const, atMs: 1000 };
    expect(onSignal('SIGINT', null, 1000, true)).toBe('stop');
    expect(onSignal('SIGINT', first, 1000 + 5, true)).toBe('ignore');
    expect(onSignal('SIGINT', first, 1000 + FORWARDED_MS, true)).toBe('exit');
    expect(onSignal('SIGTERM', first, 1000 + 5, true)).toBe('exit');
    // not started by npm run: nothing forwards, so a second signal is the user's
    expect(onSignal('SIGINT', first, 1000 + 5, false)).toBe('exit');
  });
});

describe('validation messages', () => {
  const bad = (...sets: string[]) => messageOf(() => resolveScenario('keepalive-60s', sets.map(parseOverride)));

  it('an unknown field comes with the nearest real one', () => {
    expect(bad('proxy.keepAliveTimeout=3s')).toContain('proxy.keepAliveTimeout: unknown field; did you mean proxy.keepaliveTimeout?');
    expect(bad('prxy.workerProcesses=1')).toContain('did you mean proxy?');
    // nothing near: the fields that exist there
    expect(bad('proxy.zzz=1')).toMatch(/\(known here: kind, .*workerProcesses, /);
    expect(bad('proxy.zzz=1')).toContain('(every field with its default: --fields)');
  });

  it('a value of the wrong kind says what the field expects', () => {
    expect(bad('proxy.workerProcesses=abc')).toContain('proxy.workerProcesses: "abc" is not valid: expected "auto" or an integer 1–64');
    expect(bad('proxy.extraHttp=keepalive_time 1s;')).toContain('proxy.extraHttp: "keepalive_time 1s;" is not valid: expected a JSON list of strings');
    expect(bad('load.warmupMs=soon')).toContain('load.warmupMs: expected a duration');
  });

  it('a run too short for its switches names the warm-up and the cool-down it spends, with their values', () => {
    const m = messageOf(() => resolveScenario('keepalive-60s', overridesFrom({ duration: '5s', switches: '1' })));
    expect(m).toContain('load.durationMs: 5000 ms less the warm-up (load.warmupMs 2000 ms) and the cool-down (load.cooldownMs 3000 ms) leaves 0 ms for each switch');
    expect(m).toContain('1 switch needs at least 5500 ms (2000 + 1 × 500 + 3000)');
  });

  it('nearest only suggests what is near', () => {
    expect(nearest('keepAliveTimeout', ['keepaliveTimeout', 'keepaliveRequests'])).toBe('keepaliveTimeout');
    expect(nearest('colour', ['keepaliveTimeout'])).toBeNull();
  });

  it('--fields lists every field with its type and default, and the JSON form for lists', () => {
    const fields = Object.fromEntries(listFields().map((f) => [f.path, f]));
    expect(fields['proxy.workerProcesses']).toMatchObject({ defaultValue: 'auto', type: '"auto" or an integer 1–64' });
    expect(fields['load.durationMs']).toMatchObject({ defaultValue: 25_000 });
    expect(fields['proxy.extraHttp'].defaultValue).toEqual([]);
    expect(fields.name).toBeUndefined(); // the scenario file's own, not a setting
    expect(fields['expect.maxGapMs'].type).toContain('{"limit": n, "stat"');
    const text = formatFields();
    expect(text).toContain(`--set 'proxy.extraHttp=["keepalive_time 10s;"]'`);
    expect(text).toMatch(/proxy\.keepaliveTimeout\s+"60s"\s+an nginx time/);
  });
});

describe('calibrate says why it exits 1', () => {
  it('names each outage outside the tolerance, by how much', () => {
    const row = { mode: '503' as const, plannedMs: 20, truthMs: 20, errorWindowMs: 24.45, maxGapMs: 23.59, failedRequests: 30, withinTolerance: false, pathAllowance: { belowMs: 3, aboveMs: 1 } };
    const text = calibrationVerdict([row, { ...row, plannedMs: 200, truthMs: 200, errorWindowMs: 201, maxGapMs: 200, withinTolerance: true }]);
    expect(text).toContain('1 of 2 outages measured outside the tolerance max(2 ms, 5 %): 503 20 ms (errorWindow +4.45 ms, maxGap +3.59 ms, tolerance ±2.00 ms) (exit 1)');
    expect(calibrationVerdict([{ ...row, withinTolerance: true }])).toContain('within the tolerance');
  });
  it("says when the path, not the meter, moved errorWindow: within the tolerance plus the records' bounds", () => {
    const row = { mode: 'reset' as const, plannedMs: 200, truthMs: 200, errorWindowMs: 187, maxGapMs: 201, failedRequests: 700, withinTolerance: false, pathAllowance: { belowMs: 4, aboveMs: 1 } };
    expect(calibrationVerdict([row])).toContain("errorWindow within the path's bounds −4.00/+1.00 ms, so the path, not the meter, moved it");
    expect(calibrationVerdict([{ ...row, errorWindowMs: 185.9 }])).not.toContain('path');
    expect(calibrationVerdict([{ ...row, pathAllowance: null }])).not.toContain('path');
    // errorWindow within the tolerance itself (maxGap broke it): nothing for the path to explain
    expect(calibrationVerdict([{ ...row, errorWindowMs: 195, maxGapMs: 215 }])).not.toContain('path');
  });
});

describe('the path allowance: how far the records let errorWindow lie from the truth', () => {
  // An outage at the app from 100 to 300 ms; times in ms, records in µs.
  const req = (start: number, end: number, ok: boolean) => ({ scheduled: start * 1000, start: start * 1000, end: end * 1000, outcome: ok ? OUTCOME.ok : OUTCOME.httpError, status: ok ? 200 : 502, errorCode: '', conn: 0, reused: true, colour: 1 });
  const horizon = { fromUs: 90_000, toUs: 1_300_000 };
  const outage = { startUs: 100_000, endUs: 300_000 };
  it("above: the first failure's own latency; below: to the earliest end of a success sent after the last failure, plus the gap since the last success that ended before the end", () => {
    const r = recordSetOf([
      req(97, 99, true), // ended before the end: reached the app before the start
      req(98, 106, false), // the first failure: sent 2 ms before the start, 8 ms long
      req(150, 151, false),
      req(290, 295, false), // the last failure
      req(292, 310, true), // sent after it, succeeded: reached the app after the end
      req(296, 304, true), // ends earlier: the tighter bound
    ]);
    const a = edgeAllowance(r, horizon, outage)!;
    expect(a.aboveMs).toBeCloseTo(8, 6);
    expect(a.belowMs).toBeCloseTo(304 - 290 + (98 - 97), 6);
  });
  it('null without a failure, or without a success to bound an edge', () => {
    expect(edgeAllowance(recordSetOf([req(97, 99, true), req(350, 351, true)]), horizon, outage)).toBeNull();
    expect(edgeAllowance(recordSetOf([req(98, 106, false), req(350, 351, true)]), horizon, outage)).toBeNull();
  });
});

describe('help as the user runs the command', () => {
  const help = 'Usage: npm run gate -- <scenario…> [options]\n  npm run -s scenario -- keepalive-60s --json\nfirst npm run setup';
  it('installed from the npm package (dist/<command>.mjs): npx downtime-harness <command>, no `--`; a clone-only script stays as it is', () => {
    expect(asRun(help, '/p/node_modules/downtime-harness/dist/gate.mjs')).toBe(
      'Usage: npx downtime-harness gate <scenario…> [options]\n  npx downtime-harness scenario keepalive-60s --json\nfirst npm run setup',
    );
  });
  it('in a clone: unchanged', () => {
    expect(asRun(help, '/repo/harness/cli/gate.ts')).toBe(help);
  });
});
