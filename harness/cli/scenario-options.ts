// The options every command that runs scenarios shares (scenario, compare, gate), parsed one way.
import { CannotMeasure } from '../errors.ts';
import { parseOverride, type Override } from '../scenario/resolve.ts';
import { DURATION_RULE, parseDurationMs } from '../scenario/schema.ts';

export const SCENARIO_OPTIONS = {
  set: { type: 'string', multiple: true },
  duration: { type: 'string' },
  connections: { type: 'string' },
  switches: { type: 'string' },
  out: { type: 'string', default: 'reports' },
} as const;

export function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CannotMeasure(`--${flag} ${v}: expected a whole number >= ${min}`);
  return n;
}

/**
 * A duration flag by the one rule (units, or bare milliseconds). A value below `minMs` that
 * was written without a unit is most likely seconds meant as such: the message says so.
 */
export function durationFlag(flag: string, v: string, minMs = 0, maxMs = Number.POSITIVE_INFINITY): number {
  const value = parseDurationMs(v);
  if (!Number.isFinite(value)) throw new CannotMeasure(`--${flag} ${v}: expected ${DURATION_RULE}`);
  if (value < minMs || value > maxMs) {
    const bare = /^\s*\d+(\.\d+)?\s*$/.test(v);
    const limit = (x: number) => (x >= 1000 ? `${x / 1000} s` : `${x} ms`);
    throw new CannotMeasure(
      `--${flag} ${v}: ${value} ms is ${value < minMs ? `shorter than ${limit(minMs)}` : `longer than ${limit(maxMs)}`}` +
        (bare && value < minMs ? `; a bare number is milliseconds: for ${v} seconds write ${v}s` : ''),
    );
  }
  return value;
}

/** A whole run needs at least a second: warm-up, a switch, cool-down. */
const MIN_RUN_MS = 1000;

/** --set, --duration, --connections, --switches as scenario overrides, in that order. */
export function overridesFrom(values: { set?: string[]; duration?: string; connections?: string; switches?: string }): Override[] {
  const overrides = (values.set ?? []).map(parseOverride);
  if (values.duration) overrides.push({ path: 'load.durationMs', value: durationFlag('duration', values.duration, MIN_RUN_MS) });
  if (values.connections) overrides.push({ path: 'load.connections', value: wholeNumber('connections', values.connections, 1) });
  if (values.switches) overrides.push({ path: 'switches.count', value: wholeNumber('switches', values.switches, 0) });
  return overrides;
}
