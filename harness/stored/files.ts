// run.json and report.json as read back from disk: checked against their schema (version, the
// scenario's own schema, every field the readers use, with its type) before anything trusts
// them, so a damaged or foreign file is refused with the field named, not fed to the analysis.
// Here, below run and report, so both the writer (run/store.ts) and the readers (report/, cli/) use it.
import { z } from 'zod';
import type { Disruption } from '../analysis/types.ts';
import type { HiddenFailure, LoadStall } from '../records/records.ts';
import { SCHEMA_VERSION, type Report } from './report.ts';
import { parseJsonAs } from '../scenario/resolve.ts';
import { ScenarioSchema, type Scenario } from '../scenario/schema.ts';
import type { RunMeta } from './run-meta.ts';

export interface RunFile {
  schemaVersion: number;
  meta: RunMeta;
  scenario: Scenario;
  disruptions: Disruption[];
  /** absent in runs stored before the stall probe */
  loadStalls?: LoadStall[];
  /** failed first attempts the retrying client resent; absent in runs stored before client profiles */
  hiddenFailures?: HiddenFailure[];
}

// Parsed JSON holds no NaN or Infinity, so a number is enough (and cheap on long timelines).
const num = z.number();
const count = z.number().int().nonnegative();
const colour = z.enum(['blue', 'green']);
const version = z.literal(SCHEMA_VERSION, { error: `expected schema version ${SCHEMA_VERSION} (written by another version of the harness?)` });

// Loose objects: fields added later (by other drivers, say) pass through untouched.
const MetaSchema = z.looseObject({
  startedAt: z.string(),
  proxy: z.looseObject({ kind: z.string(), version: z.string() }),
  node: z.string(),
  client: z.looseObject({ name: z.string(), version: z.string() }).optional(),
  undici: z.string().optional(),
  machine: z.looseObject({ hostname: z.string(), platform: z.string(), release: z.string(), cpus: count, cpuModel: z.string() }),
  aborted: z.boolean(),
  error: z.string().nullable(),
  schedule: z.array(z.looseObject({ label: z.string(), dueMs: num, startedMs: num, endedMs: num.nullable() })).optional(),
  agents: z
    .array(
      z.looseObject({
        agent: count,
        task: z.string(),
        host: z.string(),
        connections: z.looseObject({ from: count, to: count }),
        clock: z.looseObject({ offsetMs: num, errorMs: num, roundTripMs: z.tuple([num, num]), driftPpm: num }),
      }),
    )
    .optional(),
});

const DisruptionSchema = z.looseObject({
  kind: z.enum(['switch', 'outage']),
  label: z.string(),
  from: colour.optional(),
  to: colour.optional(),
  events: z.array(z.looseObject({ name: z.string(), atUs: num })),
});

const RunFileSchema = z.looseObject({
  schemaVersion: version,
  meta: MetaSchema,
  scenario: ScenarioSchema,
  disruptions: z.array(DisruptionSchema),
  loadStalls: z.array(z.looseObject({ thread: count, atUs: num, lengthUs: num })).optional(),
  hiddenFailures: z.array(z.looseObject({ startUs: num, endUs: num, code: z.string() })).optional(),
});

const span = z.looseObject({ fromMs: num, toMs: num }).nullable();
// Reports stored before a summary over no values was null said 0 for each statistic: read as missing.
const summary = z
  .looseObject({ count, min: num.nullable(), median: num.nullable(), mean: num.nullable(), max: num.nullable() })
  .transform((s) => (s.count === 0 ? { ...s, min: null, median: null, mean: null, max: null } : s));
const latency = z.looseObject({ count, min: num, mean: num, p50: num, p90: num, p99: num, p999: num, p9999: num, max: num, encoded: z.string() });
const counts = z.record(z.string(), count);
// A plain loop: zod's per-element checks cost ~50 ms on a 10-minute timeline, and the index reads every run's.
const series = z.custom<number[]>((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'), { error: 'expected a list of numbers' });

const AnalysisSchema = z.looseObject({
  totals: z.looseObject({
    requests: count,
    ok: count,
    failed: count,
    httpErrors: count,
    transportErrors: count,
    failedOnReused: count,
    byCode: counts,
    backgroundFailures: count,
    durationMs: num,
    okPerSecond: num,
    connections: count,
  }),
  gapReferenceMs: num.nullable(),
  disruptions: z.array(
    z.looseObject({
      index: count,
      kind: z.enum(['switch', 'outage']),
      label: z.string(),
      events: z.array(z.looseObject({ name: z.string(), atMs: num })),
      horizon: z.looseObject({ fromMs: num, toMs: num }),
      failedRequests: count,
      failedOnReused: count,
      byCode: counts,
      errorWindowMs: num,
      errorWindow: span,
      maxGapMs: num,
      maxGap: span,
      excessGapMs: num.nullable(),
      crossover: z
        .looseObject({ from: colour, to: colour, lastOldMs: num.nullable(), firstNewMs: num.nullable(), newShareAfter: num.nullable(), tookEffect: z.boolean() })
        .nullable(),
    }),
  ),
  switchStats: z.looseObject({ failedRequests: summary, errorWindowMs: summary, maxGapMs: summary, excessGapMs: summary }),
  timeline: z.looseObject({ bucketMs: num, ok: series, failed: series, blue: series, green: series, failedByCode: z.record(z.string(), series) }),
  latency: z.looseObject({ overall: latency, steady: latency, switching: latency }),
  problems: z.array(z.string()),
});

const ReportSchema = z.looseObject({ schemaVersion: version, meta: MetaSchema, scenario: ScenarioSchema, analysis: AnalysisSchema });

export const parseRunFile = (text: string, source: string) => parseJsonAs<typeof RunFileSchema, RunFile>(RunFileSchema, text, source, 'what it should be');
export const parseReport = (text: string, source: string) => parseJsonAs<typeof ReportSchema, Report>(ReportSchema, text, source, 'what it should be');
