// npm run gate's flags, declared once (the thresholds' from scenario/thresholds.ts), and what a
// command line asks of the gate: which scenarios, resolved with their overrides, the repeats,
// the baseline and the outputs. Pure (no file is read, nothing runs): everything is checked here
// before anything runs, and bad input is a CannotMeasure that names the flag.
import { CannotMeasure } from '../errors.ts';
import type { Tolerance } from '../gate/baseline.ts';
import { parseTolerance } from '../gate/baseline.ts';
import { measureScenario } from '../scenario/measure.ts';
import { resolveScenario, scenarioNames } from '../scenario/resolve.ts';
import { durationFlag, type Scenario } from '../scenario/schema.ts';
import { declaresThresholds, FIGURE_NAMES, STATS, THRESHOLD_NAMES, THRESHOLDS, type FigureName, type Stat, type ThresholdName } from '../scenario/thresholds.ts';
import { scenarios as scenarioFiles } from '../../scenarios/index.ts';
import { parseCommandLine } from './command-line.ts';
import { HELP_FLAG, jsonFlag, parserOptions, type Flags } from './flags.ts';
import { MEASURE_OPTIONS, overridesFrom, REPEAT_FLAG, SCENARIO_OPTIONS, wholeNumber } from './scenario-options.ts';

/** A threshold's limit as its flag gives it: a duration for the *Ms ones, else a number >= 0. */
function limitOf(name: ThresholdName) {
  return (v: string, flag: string): number => {
    const limit = name.endsWith('Ms') ? durationFlag(flag, v) : Number(v);
    if (!Number.isFinite(limit) || limit < 0 || v.trim() === '') throw new CannotMeasure(`--${flag} ${v}: expected a number >= 0 (expect.${name})`);
    return limit;
  };
}

/** One flag per threshold, made from the threshold table: --max-failed sets expect.maxFailed.limit. */
export const THRESHOLD_FLAGS = Object.fromEntries(
  THRESHOLD_NAMES.map((name) => [
    THRESHOLDS[name].flag.slice(2),
    { type: 'string', value: name.endsWith('Ms') ? '<time>' : '<n>', help: THRESHOLDS[name].help, field: `expect.${name}.limit`, parse: limitOf(name) },
  ]),
) as Flags;

export const STAT_FLAG = {
  stat: {
    type: 'string',
    value: `<${STATS.join('|')}>`,
    help: `the statistic for the thresholds given on this command line
(e.g. --max-gap 50ms --stat p95), across every switch and
repeat, and for the baseline comparison (default median).
Without it a threshold takes the worst case (max for an upper
limit, min for a lower one). A scenario's own thresholds keep
theirs: --set expect.maxGapMs.stat=p95 changes one. Every check
names the statistic it used.`,
  },
} as const satisfies Flags;

export const RUN_FLAGS = {
  all: { type: 'boolean', help: 'every scenario that declares thresholds' },
  ...REPEAT_FLAG,
} as const satisfies Flags;

export const BASELINE_FLAGS = {
  baseline: { type: 'string', value: '<file>', help: 'compare with the figures stored in <file>' },
  'max-regression': {
    type: 'string',
    multiple: true,
    value: '<tol>',
    help: 'how much worse a figure may be: 20% (relative) and/or 5\n(absolute, in the figure\'s unit); repeatable; default 20%',
  },
  compare: { type: 'string', value: '<figures>', help: `compare only these, comma-separated (default: every figure\nthe baseline has: ${FIGURE_NAMES.join(', ')})` },
  'save-baseline': { type: 'boolean', help: 'store this run\'s figures instead of comparing, in --baseline\n<file> or else <out>/baselines/<scenario>.json' },
} as const satisfies Flags;

export const OUTPUT_FLAGS = {
  junit: { type: 'string', value: '<file>', help: 'JUnit XML: one test case per scenario × threshold' },
  markdown: { type: 'string', value: '<file>', help: 'the Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)' },
  ...jsonFlag("the gate's result as JSON on stdout"),
  list: { type: 'boolean', help: 'the scenarios and the thresholds they declare' },
  ...HELP_FLAG,
} as const satisfies Flags;

const GATE_OPTIONS = {
  ...parserOptions(RUN_FLAGS),
  ...parserOptions(STAT_FLAG),
  ...SCENARIO_OPTIONS,
  ...MEASURE_OPTIONS,
  ...parserOptions(BASELINE_FLAGS),
  ...parserOptions(OUTPUT_FLAGS),
  ...parserOptions(THRESHOLD_FLAGS),
};

export interface GateOptions {
  /** the scenarios to gate, resolved with every override (one, measured, with --url) */
  scenarios: Scenario[];
  repeat: number;
  /** --stat: for the command line's thresholds and the baseline comparison */
  stat: Stat | undefined;
  out: string;
  baseline: { path: string | undefined; save: boolean; tolerance: Tolerance; compare: FigureName[] | undefined };
  junit: string | undefined;
  markdown: string | undefined;
  json: boolean;
}

export type GateRequest = { help: true } | { list: true } | GateOptions;

/** What a gate command line asks for; throws CannotMeasure on anything it cannot run. */
export function gateOptions(argv: string[], usage = ''): GateRequest {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: GATE_OPTIONS });
  const str = (k: string) => (values as Record<string, unknown>)[k] as string | undefined;
  if (values.help) return { help: true };
  if (values.list) return { list: true };

  if ([values.all, positionals.length > 0, values.url].filter(Boolean).length > 1) {
    throw new CannotMeasure('give scenario names, --all or --url, one of them');
  }
  const names = values.all ? scenarioFiles.filter((s) => declaresThresholds(s.expect)).map((s) => s.name) : positionals;
  if (names.length === 0 && !values.url) throw new CannotMeasure(`name a scenario, --all, or --url.${usage ? `\n\n${usage}` : ''}`);
  const repeat = wholeNumber('repeat', values.repeat!, 1);
  const stat = values.stat as Stat | undefined;
  if (stat !== undefined && !STATS.includes(stat)) throw new CannotMeasure(`--stat ${stat}: expected one of ${STATS.join(', ')}`);

  // With --url, the switch count and command shape the run itself (measureScenario), not an override.
  const { switches, 'switch-cmd': switchCmd, ...rest } = values;
  const overrides = overridesFrom(values.url ? rest : { ...rest, switches, 'switch-cmd': switchCmd });
  const thresholdFlags = Object.keys(THRESHOLD_FLAGS).filter((flag) => str(flag) !== undefined);
  for (const flag of thresholdFlags) {
    const f = THRESHOLD_FLAGS[flag];
    overrides.push({ path: f.field!, value: f.parse!(str(flag)!, flag) });
    if (stat) overrides.push({ path: f.field!.replace(/\.limit$/, '.stat'), value: stat });
  }
  if (stat && thresholdFlags.length === 0 && !values.baseline) {
    throw new CannotMeasure(
      `--stat ${stat} applies to the thresholds given on the command line (e.g. --max-gap 50ms --stat ${stat}) and to --baseline; ` +
        `give one, or set a scenario threshold's statistic with --set expect.<threshold>.stat=${stat}`,
    );
  }
  const known = new Set(scenarioNames());
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) resolveScenario(unknown[0]); // throws, listing the known ones
  const scenarios = values.url
    ? [
        measureScenario(
          { url: values.url, command: switchCmd, switches: switches === undefined ? undefined : wholeNumber('switches', switches, 0), interval: values.interval, name: values.name },
          overrides,
        ),
      ]
    : names.map((name) => {
        try {
          return resolveScenario(name, overrides);
        } catch (err) {
          if (err instanceof CannotMeasure && names.length > 1) throw new CannotMeasure(`${name}: ${err.message}`);
          throw err;
        }
      });

  const save = Boolean(values['save-baseline']);
  const tolerance: Tolerance = { relative: 0.2, absolute: 0 };
  const regression = values['max-regression'] ?? [];
  if (regression.length) {
    const parts = regression.map(parseTolerance);
    tolerance.relative = parts.find((p) => p.relative !== undefined)?.relative ?? 0;
    tolerance.absolute = parts.find((p) => p.absolute !== undefined)?.absolute ?? 0;
  }
  const compare = values.compare?.split(',').map((f) => f.trim()) as FigureName[] | undefined;
  const unknownFigure = compare?.find((f) => !FIGURE_NAMES.includes(f));
  if (unknownFigure !== undefined) throw new CannotMeasure(`--compare: unknown figure "${unknownFigure}" (known: ${FIGURE_NAMES.join(', ')})`);
  if ((regression.length || compare) && !values.baseline) {
    throw new CannotMeasure(`${regression.length ? '--max-regression' : '--compare'} needs --baseline <file>`);
  }
  if (!values.baseline && !save) {
    const ungated = scenarios.find((s) => !declaresThresholds(s.expect));
    if (ungated) {
      throw new CannotMeasure(
        `${ungated.name} declares no thresholds: give one (e.g. --max-failed 0, or --set expect.maxFailed=0), or --baseline <file>, or --save-baseline`,
      );
    }
  }
  return {
    scenarios,
    repeat,
    stat,
    out: values.out!,
    baseline: { path: values.baseline, save, tolerance, compare },
    junit: values.junit,
    markdown: values.markdown,
    json: Boolean(values.json),
  };
}

/** --list: each scenario and the thresholds it declares. */
export function listGated(): string {
  const width = Math.max(...scenarioFiles.map((s) => s.name.length));
  return scenarioFiles
    .map((s) => {
      const expect = (s.expect ?? {}) as Record<string, unknown>;
      const declared = THRESHOLD_NAMES.filter((n) => expect[n] !== undefined).map((n) => `${n}=${JSON.stringify(expect[n])}`);
      return `  ${s.name.padEnd(width)}  ${declared.join(' ') || '(no thresholds)'}${expect.knownBad ? '  [known-bad reference]' : ''}`;
    })
    .join('\n');
}
