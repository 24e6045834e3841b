// What a gate command line asks for, before anything runs: gateOptions is pure, so every check of
// the flags is tested here without a stack.
import { describe, expect, it } from 'vitest';
import { messageOf } from './cannot-measure.ts';
import { gateOptions, THRESHOLD_FLAGS, type GateOptions } from '../../harness/cli/gate-options.ts';
import { THRESHOLD_NAMES, THRESHOLDS } from '../../harness/scenario/thresholds.ts';

const options = (...argv: string[]) => gateOptions(argv) as GateOptions;

describe('gateOptions', () => {
  it('help and list ask for nothing else', () => {
    expect(gateOptions(['--help'])).toEqual({ help: true });
    expect(gateOptions(['-h', 'keepalive-60s'])).toEqual({ help: true });
    expect(gateOptions(['--list'])).toEqual({ list: true });
  });

  it('a threshold flag sets its threshold, with --stat when given; times take units', () => {
    const o = options('workers-1', '--max-failed', '0', '--max-gap', '50ms', '--stat', 'p95', '--repeat', '3');
    expect(o.repeat).toBe(3);
    expect(o.scenarios.map((s) => s.name)).toEqual(['workers-1']);
    expect(o.scenarios[0].expect.maxFailed).toEqual({ limit: 0, stat: 'p95' });
    expect(o.scenarios[0].expect.maxGapMs).toEqual({ limit: 50, stat: 'p95' });
    expect(o.stat).toBe('p95');
    expect(o.out).toBe('reports');
    expect(o.baseline).toEqual({ path: undefined, save: false, tolerance: { relative: 0.2, absolute: 0 }, compare: undefined });
  });

  it('every threshold has its flag, made from the one threshold table', () => {
    expect(Object.keys(THRESHOLD_FLAGS)).toEqual(THRESHOLD_NAMES.map((n) => THRESHOLDS[n].flag.slice(2)));
    expect(THRESHOLD_FLAGS['max-gap'].value).toBe('<time>');
    expect(THRESHOLD_FLAGS['max-failed'].value).toBe('<n>');
  });

  it('--all takes the scenarios that declare thresholds', () => {
    const names = options('--all').scenarios.map((s) => s.name);
    expect(names).toContain('connection-close');
    expect(names).not.toContain('workers-1');
  });

  it('refuses what cannot run, naming the flag', () => {
    expect(messageOf(() => gateOptions(['--all', 'workers-1']))).toBe('give scenario names, --all or --url, one of them');
    expect(messageOf(() => gateOptions([]))).toBe('name a scenario, --all, or --url.');
    expect(messageOf(() => gateOptions(['workers-1', '--max-failed', 'x']))).toBe('--max-failed x: expected a number >= 0 (expect.maxFailed)');
    expect(messageOf(() => gateOptions(['workers-1', '--max-failed', '0', '--stat', 'worst']))).toBe('--stat worst: expected one of max, min, median, mean, p95');
    expect(messageOf(() => gateOptions(['workers-1', '--stat', 'p95']))).toContain('--stat p95 applies to the thresholds given on the command line');
    expect(messageOf(() => gateOptions(['workers-1', '--max-failed', '0', '--compare', 'failed,nope', '--baseline', 'b.json']))).toBe(
      '--compare: unknown figure "nope" (known: failed, failedPerSwitch, errorWindowMs, maxGapMs, excessGapMs, backgroundFailures, okPerSecond, p99LatencyMs)',
    );
    expect(messageOf(() => gateOptions(['workers-1', '--max-failed', '0', '--max-regression', '10%']))).toBe('--max-regression needs --baseline <file>');
    expect(messageOf(() => gateOptions(['workers-1']))).toContain('workers-1 declares no thresholds');
  });

  it('tolerances and figures for the baseline comparison', () => {
    const o = options('workers-1', '--baseline', 'b.json', '--max-regression', '10%', '--max-regression', '5', '--compare', 'failed, maxGapMs');
    expect(o.baseline).toEqual({ path: 'b.json', save: false, tolerance: { relative: 0.1, absolute: 5 }, compare: ['failed', 'maxGapMs'] });
    expect(options('workers-1', '--save-baseline').baseline.save).toBe(true);
  });

  it('--url measures one system, its switches and command shaping the run, not overrides', () => {
    const o = options('--url', 'http://127.0.0.1:9/', '--max-failed', '0', '--switch-cmd', 'true', '--switches', '2', '--json');
    expect(o.scenarios).toHaveLength(1);
    expect(o.scenarios[0].target?.url).toBe('http://127.0.0.1:9/');
    expect(o.scenarios[0].switches).toMatchObject({ count: 2, command: 'true' });
    expect(o.json).toBe(true);
  });
});
