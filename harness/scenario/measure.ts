// The scenario behind `npm run measure` (and `npm run gate -- --url`): a URL the harness did not
// start, switched by your command at a fixed interval, or only watched.
import { applyOverrides, validateScenario, withoutContradictions, type Override } from './resolve.ts';
import { durationFlag, MIN_SWITCH_SPACING_MS, type Scenario, type ScenarioInput } from './schema.ts';

export interface MeasureOptions {
  url: string;
  /** your switch command; none: watch only */
  command?: string;
  /** how many times to run it (default 1 with a command, 0 without) */
  switches?: number;
  /** time between switches, e.g. "10s" */
  interval?: string;
  name?: string;
}

const WARMUP_MS = 2000;
const COOLDOWN_MS = 3000;
/** How long a watch-only run lasts unless --duration says otherwise. */
const WATCH_MS = 30_000;

export function measureScenario(o: MeasureOptions, overrides: Override[] = []): Scenario {
  const switches = o.switches ?? (o.command ? 1 : 0);
  const intervalMs = durationFlag('interval', o.interval ?? '10s', MIN_SWITCH_SPACING_MS);
  const input: ScenarioInput = {
    name: o.name ?? 'measure',
    description: `${o.url}${o.command ? `, switched by: ${o.command}` : ', watched'}`,
    target: { url: o.url },
    load: {
      warmupMs: WARMUP_MS,
      cooldownMs: COOLDOWN_MS,
      durationMs: switches > 0 ? WARMUP_MS + switches * intervalMs + COOLDOWN_MS : WATCH_MS,
    },
    switches: { count: switches, ...(o.command ? { command: o.command } : {}) },
  };
  return withoutContradictions(validateScenario(applyOverrides(input, overrides)), overrides);
}
