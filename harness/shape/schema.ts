// shape.json: the traffic shape `npm run shape` derives from nginx access logs, versioned. What
// each figure means is in docs/SHAPE.md; a change to a definition is a change to the version.
import { z } from 'zod';
import { parseJsonAs } from '../scenario/resolve.ts';

/** 1: the first version */
export const SHAPE_SCHEMA_VERSION = 1;

const count = z.number().int().nonnegative();
const num = z.number();
const counts = z.record(z.string(), count);

/** Percentiles from an HDR histogram (within 0.1 %); count, mean, min and max exact. Null: no values. */
const DistributionSchema = z.strictObject({
  count,
  min: num.nullable(),
  mean: num.nullable(),
  p50: num.nullable(),
  p90: num.nullable(),
  p99: num.nullable(),
  p999: num.nullable(),
  max: num.nullable(),
  /** counts[i]: values below edges[i] and at or above edges[i-1]; the last count: at or above the last edge */
  histogram: z.strictObject({ edges: z.array(num), counts: z.array(count) }),
});

/** A per-bucket count's mean and peak, as a rate per second. */
const RateSchema = z.strictObject({ meanPerSecond: num, peakPerSecond: num });

export const ShapeSchema = z.strictObject({
  schemaVersion: z.literal(SHAPE_SCHEMA_VERSION, { error: `expected schema version ${SHAPE_SCHEMA_VERSION} (written by another version of the harness?)` }),
  createdAt: z.string(),
  /** the logs read, in the order given (a connection may continue from one file into the next) */
  sources: z.array(z.strictObject({ path: z.string(), gzip: z.boolean(), lines: count })),
  /** a connection with no request for longer than this is counted closed */
  horizonMs: num,
  lines: z.strictObject({
    total: count,
    plain: count,
    json: count,
    /** blank lines are skipped, not counted malformed */
    blank: count,
    malformed: count,
    /** the first few malformed lines, and why each is */
    examples: z.array(z.strictObject({ path: z.string(), line: count, text: z.string(), reason: z.string() })),
  }),
  /** from the first request's start to the last request's end, ms since the epoch */
  span: z.strictObject({ fromMs: num, toMs: num }),
  requests: z.strictObject({
    total: count,
    rate: RateSchema,
    /** requests whose $connection_requests skipped numbers on their connection: served, not in the log */
    unlogged: count,
    methods: counts,
    statuses: counts,
  }),
  connections: z.strictObject({
    /** connections seen in the log */
    total: count,
    /** first seen with $connection_requests 1: opened within the log */
    opened: count,
    /** first seen with $connection_requests above 1: open before the log began (or idle past the horizon, or a serial reused) */
    continued: count,
    /** counted closed after no request for longer than the horizon */
    closedByHorizon: count,
    /** still open when the log ended */
    openAtEnd: count,
    /** connections open during a bucket: from their first request's start to their last request's end */
    open: z.strictObject({ mean: num, peak: count }),
    /** connections opened (first request) per second */
    opening: RateSchema,
    /** nginx's own count ($connection_requests of its last line) per connection */
    requestsPerConnection: DistributionSchema,
  }),
  /** ms from a request's end to the next request's start on the same connection */
  idleMs: DistributionSchema.extend({
    /** a request that began before the previous one ended (HTTP/2 streams, pipelining): no idle time */
    overlapping: count,
  }),
  /** $tcpinfo_rtt, µs, of every line that had one */
  rttUs: DistributionSchema.extend({ missing: count }),
  /** requests (by start), connections opened and connections open, per bucket from fromMs */
  series: z.strictObject({
    fromMs: num,
    bucketMs: num,
    requests: z.array(count),
    opened: z.array(count),
    open: z.array(count),
  }),
});

export type Shape = z.infer<typeof ShapeSchema>;
export type DistributionFigures = z.infer<typeof DistributionSchema>;

/** A shape.json read back: checked against the schema, a damaged or foreign file refused with the field named. */
export function parseShape(text: string, path: string): Shape {
  return parseJsonAs(ShapeSchema, text, path, 'a traffic shape');
}
